"""Back up every table to one archive and restore it into an empty database.

The archive is a zip file:

    manifest.json           format, schema revision, created_at, and per table its file,
                            row count, columns and the sha256 of the file
    tables/<table>.jsonl    one JSON object per row, in primary-key order

Values are written portably (timestamps as ISO 8601 in UTC, dates as ISO dates, bytes as
base64), so an archive taken from SQLite restores into PostgreSQL and the other way round.
The tables are those of the shared SQLAlchemy metadata (every layer's models must be imported
by the caller), written and restored in foreign-key order.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    bindparam,
    column,
    func,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.types import NullType, TypeEngine

from pipeline import migrate
from pipeline.db import Base, UTCDateTime, make_engine

FORMAT = "framsyn-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1000
# Tables a fresh migration fills by itself; a restore replaces their rows.
SEEDED_TABLES = frozenset({"municipality"})


class BackupError(RuntimeError):
    """A backup could not be written or an archive cannot be restored; the message says why."""


@dataclass
class TableEntry:
    """One table's part of the manifest."""

    name: str
    file: str
    rows: int
    sha256: str
    columns: list[str]


@dataclass
class Manifest:
    """What an archive holds, and how to check it."""

    revision: str | None
    created_at: str
    dialect: str
    tables: list[TableEntry] = field(default_factory=list)
    format: str = FORMAT

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "revision": self.revision,
            "created_at": self.created_at,
            "dialect": self.dialect,
            "tables": [entry.__dict__ for entry in self.tables],
        }

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"Not a Framsyn backup (expected format {FORMAT!r}).")
        try:
            tables = [TableEntry(**entry) for entry in data["tables"]]
            return cls(
                revision=data["revision"],
                created_at=data["created_at"],
                dialect=data["dialect"],
                tables=tables,
            )
        except (KeyError, TypeError) as exc:
            raise BackupError(f"The manifest is incomplete: {exc}.") from exc

    def counts(self) -> dict[str, int]:
        return {entry.name: entry.rows for entry in self.tables}


# How values travel


def _kind(type_: TypeEngine) -> str:
    if isinstance(type_, UTCDateTime):
        return "datetime"
    if isinstance(type_, LargeBinary):
        return "bytes"
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, Boolean):
        return "bool"
    return "plain"


def _portable_type(type_: TypeEngine) -> TypeEngine:
    """The type a lightweight column uses: value conversion where needed, raw otherwise."""
    kind = _kind(type_)
    return {
        "datetime": UTCDateTime(),
        "bytes": LargeBinary(),
        "json": JSON(),
        "date": Date(),
        "bool": Boolean(),
    }.get(kind, NullType())


def to_portable(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "value") and not isinstance(value, (int, str, float, bool)):
        return value.value  # an enum read without its type
    return value


def from_portable(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    return value


def ordered_tables(metadata: MetaData = Base.metadata) -> list[Table]:
    """Every mapped table, parents before children."""
    return list(metadata.sorted_tables)


def portable_table(model: Table, names: Iterable[str]) -> tuple[TableClause, dict[str, str]]:
    """A lightweight table over `names` with portable types, and each column's kind."""
    columns, kinds = [], {}
    for name in names:
        type_ = model.c[name].type if name in model.c else NullType()
        kinds[name] = _kind(type_)
        columns.append(column(name, _portable_type(type_)))
    return table(model.name, *columns), kinds


def _order_by(model: Table, clause: TableClause) -> list[Any]:
    keys = [c.name for c in model.primary_key.columns] or [c.name for c in model.columns]
    return [clause.c[name] for name in keys if name in clause.c]


def iter_rows(conn: Connection, model: Table, names: list[str]) -> Iterator[dict[str, Any]]:
    """A table's rows as portable dicts, in primary-key order."""
    clause, kinds = portable_table(model, names)
    result = conn.execution_options(yield_per=CHUNK).execute(
        select(*clause.c).order_by(*_order_by(model, clause))
    )
    for row in result.mappings():
        yield {name: to_portable(row[name], kinds[name]) for name in names}


def _present_columns(conn: Connection, model: Table) -> list[str]:
    found = {c["name"] for c in inspect(conn).get_columns(model.name)}
    return [c.name for c in model.columns if c.name in found]


def dump_database(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as portable dicts: what tests compare between databases."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            return {
                model.name: list(iter_rows(conn, model, _present_columns(conn, model)))
                for model in ordered_tables()
                if model.name in present
            }
    finally:
        engine.dispose()


# Backup


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def _dumps(row: dict[str, Any]) -> bytes:
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_backup(
    url: str, path: str | os.PathLike[str], *, now: dt.datetime | None = None
) -> Manifest:
    """Write every table of the database at `url` to the archive `path`, atomically."""
    target = Path(path)
    engine = make_engine(url)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One consistent snapshot of all tables.
                conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            revision = _revision(conn)
            manifest = Manifest(
                revision=revision,
                created_at=(now or dt.datetime.now(dt.UTC)).isoformat(),
                dialect=conn.dialect.name,
            )
            present = set(inspect(conn).get_table_names())
            with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for model in ordered_tables():
                    if model.name not in present:
                        continue
                    names = _present_columns(conn, model)
                    entry = TableEntry(model.name, f"tables/{model.name}.jsonl", 0, "", names)
                    digest = hashlib.sha256()
                    with archive.open(entry.file, "w", force_zip64=True) as out:
                        for row in iter_rows(conn, model, names):
                            line = _dumps(row)
                            digest.update(line)
                            out.write(line)
                            entry.rows += 1
                    entry.sha256 = digest.hexdigest()
                    manifest.tables.append(entry)
                archive.writestr(MANIFEST, json.dumps(manifest.as_json(), indent=2) + "\n")
        with open(temp_name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp_name, target)
        return manifest
    finally:
        engine.dispose()
        if os.path.exists(temp_name):
            os.unlink(temp_name)


# Verification


def _open(path: str | os.PathLike[str]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupError(f"No such file: {path}.") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup archive: {exc}.") from exc


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        data = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise BackupError("The archive has no manifest.json.") from exc
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"The manifest cannot be read: {exc}.") from exc
    return Manifest.from_json(data)


def _lines(archive: zipfile.ZipFile, entry: TableEntry) -> Iterator[bytes]:
    try:
        with archive.open(entry.file) as stream:
            yield from io.BufferedReader(stream)  # type: ignore[arg-type]
    except KeyError as exc:
        raise BackupError(f"The archive lacks {entry.file}.") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(f"{entry.file} is damaged: {exc}.") from exc


def verify_archive(path: str | os.PathLike[str]) -> Manifest:
    """Check every table file against the manifest (checksum, row count); raise BackupError."""
    with _open(path) as archive:
        manifest = read_manifest(archive)
        known = {model.name for model in ordered_tables()}
        for entry in manifest.tables:
            if entry.name not in known:
                raise BackupError(f"The archive holds an unknown table {entry.name!r}.")
            digest, rows = hashlib.sha256(), 0
            for line in _lines(archive, entry):
                digest.update(line)
                rows += 1
            if digest.hexdigest() != entry.sha256:
                raise BackupError(
                    f"{entry.file} does not match its checksum in the manifest: "
                    "the archive is damaged or was changed."
                )
            if rows != entry.rows:
                raise BackupError(
                    f"{entry.file} holds {rows} rows, the manifest says {entry.rows}."
                )
    return manifest


# Restore


def row_counts(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    return {
        name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
        if name in present
        else 0
        for name in names
    }


def _occupied(url: str) -> list[str]:
    """The tables of the database at `url` that hold rows a restore would collide with."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            names = [m.name for m in ordered_tables() if m.name in present]
            counts = row_counts(conn, [n for n in names if n not in SEEDED_TABLES])
            return [name for name, count in counts.items() if count]
    finally:
        engine.dispose()


def _self_references(model: Table, names: list[str]) -> list[str]:
    """Columns pointing at the same table: written after every row is in."""
    return [
        fk.parent.name
        for fk in model.foreign_keys
        if fk.column.table is model and fk.parent.name in names
    ]


def _load_table(conn: Connection, archive: zipfile.ZipFile, entry: TableEntry) -> None:
    model = Base.metadata.tables[entry.name]
    clause, kinds = portable_table(model, entry.columns)
    later = _self_references(model, entry.columns)
    key = [c.name for c in model.primary_key.columns]
    pending: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []

    def flush() -> None:
        if pending:
            conn.execute(clause.insert(), pending)
            pending.clear()

    for number, line in enumerate(_lines(archive, entry), start=1):
        try:
            raw = json.loads(line)
        except ValueError as exc:
            raise BackupError(f"{entry.file} line {number} is not JSON: {exc}.") from exc
        try:
            row = {name: from_portable(raw[name], kinds[name]) for name in entry.columns}
        except (KeyError, ValueError, TypeError) as exc:
            raise BackupError(f"{entry.file} line {number} is not a valid row: {exc}.") from exc
        if later and any(row[name] is not None for name in later):
            links.append({**{f"k_{k}": row[k] for k in key}, **{n: row[n] for n in later}})
            row = {**row, **dict.fromkeys(later)}
        pending.append(row)
        if len(pending) >= CHUNK:
            flush()
    flush()
    if links:
        statement = (
            clause.update()
            .where(*[clause.c[k] == bindparam(f"k_{k}") for k in key])
            .values({n: bindparam(n) for n in later})
        )
        conn.execute(statement, links)


def _reset_sequences(conn: Connection, names: Iterable[str]) -> None:
    """Move PostgreSQL's id sequences past the restored ids."""
    for name in names:
        model = Base.metadata.tables[name]
        keys = list(model.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": f'"{name}"', "column": keys[0].name},
        ).scalar()
        if sequence is None:
            continue
        conn.execute(
            text(
                f'SELECT setval(:seq, COALESCE((SELECT max("{keys[0].name}") FROM "{name}"), 1), '
                f'(SELECT max("{keys[0].name}") FROM "{name}") IS NOT NULL)'
            ),
            {"seq": sequence},
        )


def _schema_to(url: str, revision: str | None) -> None:
    """Bring the empty database at `url` to the archive's revision."""
    engine = make_engine(url)
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    if revision is None:
        raise BackupError("The archive does not name its schema revision.")
    if current == revision:
        return
    if current is None:
        migrate.upgrade(url, revision)
        return
    try:
        migrate.downgrade(url, revision)
    except Exception as exc:  # noqa: BLE001 - alembic raises many kinds
        raise BackupError(
            f"The empty database is at schema {current} and cannot be brought to the "
            f"archive's {revision}: {exc}. Restore into a new, empty database."
        ) from exc


def restore_backup(url: str, path: str | os.PathLike[str]) -> Manifest:
    """Load the archive into the empty database at `url`, then upgrade it to head.

    Refuses a database that holds data and an archive that does not match its manifest;
    in both cases nothing is written. The rows go in inside one transaction, and the counts
    are checked against the manifest before it commits.
    """
    manifest = verify_archive(path)
    known_revisions = _known_revisions()
    if manifest.revision is not None and manifest.revision not in known_revisions:
        raise BackupError(
            f"The archive is at schema revision {manifest.revision}, which this version of "
            "Framsyn does not know. Restore it with the version that wrote it, or a newer one."
        )
    occupied = _occupied(url)
    if occupied:
        raise BackupError(
            "The database is not empty (rows in: " + ", ".join(occupied) + "). "
            "Restore only into a new, empty database."
        )
    _schema_to(url, manifest.revision)
    engine = make_engine(url)
    try:
        with _open(path) as archive, engine.begin() as conn:
            names = [entry.name for entry in manifest.tables]
            for name in SEEDED_TABLES & set(names):
                conn.execute(table(name).delete())
            for entry in manifest.tables:
                _load_table(conn, archive, entry)
            counts = row_counts(conn, names)
            wrong = {n: (counts[n], r) for n, r in manifest.counts().items() if counts[n] != r}
            if wrong:
                raise BackupError(f"Row counts after loading differ from the manifest: {wrong}.")
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, names)
    finally:
        engine.dispose()
    migrate.upgrade(url, "head")
    return manifest


__all__ = [
    "BackupError",
    "Manifest",
    "dump_database",
    "ordered_tables",
    "restore_backup",
    "verify_archive",
    "write_backup",
]
