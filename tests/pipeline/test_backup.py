"""Backup and restore: every row of every table survives SQLite -> PostgreSQL -> SQLite."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from pipeline import backup
from pipeline.db import make_engine
from pipeline.migrate import current_revision
from pipeline.models import Comment, Organisation, OrgType, User
from tests.pipeline.history import fill_history


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    """A migrated SQLite file with the demo data and a generated history."""
    path = tmp_path_factory.mktemp("source") / "source.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    fill_history(url)
    return url


@pytest.fixture(scope="module")
def archive(source: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "framsyn.zip"
    backup.write_backup(source, path)
    return path


def _assert_same(left: str, right: str) -> None:
    a, b = backup.dump_database(left), backup.dump_database(right)
    assert set(a) == set(b)
    for name in a:
        assert len(a[name]) == len(b[name]), name
        for row_a, row_b in zip(a[name], b[name], strict=True):
            assert row_a == row_b, name


def test_archive_has_a_manifest_with_counts_and_checksums(archive: Path, source: str) -> None:
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert manifest["format"] == backup.FORMAT
    assert manifest["revision"] == current_revision(make_engine(source))
    tables = {entry["name"]: entry for entry in manifest["tables"]}
    for required in ("section_revision", "stage_change", "comment", "check_run", "job"):
        assert tables[required]["rows"] > 0, required
    assert tables["stored_file"]["rows"] == 2
    assert all(entry["file"] in names and len(entry["sha256"]) == 64 for entry in tables.values())
    # Parents come before the tables that point at them.
    order = [entry["name"] for entry in manifest["tables"]]
    assert order.index("user_account") < order.index("comment")
    assert order.index("organisation") < order.index("user_account")
    assert order.index("stored_file") < order.index("job")
    assert not list(archive.parent.glob(".*.tmp"))  # the temporary file is gone


def test_stored_file_bytes_survive_a_sqlite_round_trip(archive: Path, source: str, tmp_path):
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    backup.restore_backup(target, archive)
    _assert_same(source, target)
    engine = make_engine(target)
    with engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM stored_file ORDER BY id")).scalars().all()
    engine.dispose()
    assert bytes(data[0]) == bytes(range(256)) * 4


@pytest.mark.postgres
def test_round_trip_sqlite_postgres_sqlite_keeps_every_row(
    archive: Path, source: str, empty_postgres_url: str, tmp_path: Path
) -> None:
    backup.restore_backup(empty_postgres_url, archive)
    _assert_same(source, empty_postgres_url)

    # Sequences moved past the restored ids: new rows get fresh ids.
    engine = make_engine(empty_postgres_url)
    with engine.begin() as conn:
        max_id = conn.scalar(select(func.max(Organisation.id)))
        new_id = conn.execute(
            insert(Organisation).returning(Organisation.id),
            [{"name": "Ny efter återläsning", "type": OrgType.ANNAN.value}],
        ).scalar_one()
        assert new_id > max_id
        conn.execute(text("DELETE FROM organisation WHERE id = :id"), {"id": new_id})
    engine.dispose()

    second = tmp_path / "from-postgres.zip"
    manifest = backup.write_backup(empty_postgres_url, second)
    assert manifest.dialect == "postgresql"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    backup.restore_backup(back, second)
    _assert_same(source, back)


def test_restore_refuses_a_database_with_data(archive: Path, source: str) -> None:
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore_backup(source, archive)


def _tamper(archive: Path, target: Path, member: str, change) -> Path:
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return target


@pytest.mark.parametrize(
    ("member", "change", "message"),
    [
        (
            "tables/comment.jsonl",
            lambda d: d.replace("Hälsningar".encode(), b"Halsningar"),
            "checksum",
        ),
        ("tables/comment.jsonl", lambda d: d + d.splitlines(True)[0], "checksum"),
        ("manifest.json", lambda d: d.replace(b'"format"', b'"formatx"'), "Not a Framsyn"),
        ("manifest.json", lambda d: b"{not json", "manifest"),
    ],
    ids=["edited-row", "added-row", "wrong-format", "broken-manifest"],
)
def test_tampered_archive_is_refused_and_nothing_is_written(
    archive: Path, tmp_path: Path, member, change, message
) -> None:
    bad = _tamper(archive, tmp_path / "bad.zip", member, change)
    target = f"sqlite:///{tmp_path / 'untouched.db'}"
    with pytest.raises(backup.BackupError, match=message):
        backup.restore_backup(target, bad)
    engine = make_engine(target)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM sqlite_master")).all() == []
    engine.dispose()


def test_truncated_or_missing_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(backup.BackupError, match="not a readable backup"):
        backup.restore_backup(target, cut)
    with pytest.raises(backup.BackupError, match="No such file"):
        backup.restore_backup(target, tmp_path / "missing.zip")


def test_rows_that_break_a_constraint_roll_back_the_whole_restore(tmp_path: Path, archive):
    """A consistent archive of an impossible row (checksums recomputed) writes nothing."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        files = {name: zf.read(name) for name in zf.namelist()}
    lines = files["tables/comment.jsonl"].splitlines(True)
    row = json.loads(lines[0])
    row["idea_id"] = 999_999  # no such idea
    lines[0] = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    files["tables/comment.jsonl"] = b"".join(lines)
    for entry in manifest["tables"]:
        if entry["name"] == "comment":
            entry["sha256"] = hashlib.sha256(files["tables/comment.jsonl"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    target = f"sqlite:///{tmp_path / 'y.db'}"
    with pytest.raises(Exception):  # noqa: B017 - the database's own integrity error
        backup.restore_backup(target, forged)
    engine = make_engine(target)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(User.id))) == 0
        assert conn.scalar(select(func.count(Comment.id))) == 0
    engine.dispose()


def test_cli_backup_and_restore(source: str, tmp_path: Path) -> None:
    from web import create_app

    path = tmp_path / "cli.zip"
    app = create_app({"TESTING": True, "DATABASE_URL": source, "SECRET_KEY": "t"})
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    app.extensions["framsyn.engine"].dispose()

    target = f"sqlite:///{tmp_path / 'cli.db'}"
    app = create_app({"TESTING": True, "DATABASE_URL": target, "SECRET_KEY": "t"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["restore", str(path)])
    assert again.exit_code != 0 and "not empty" in again.output
    app.extensions["framsyn.engine"].dispose()
    _assert_same(source, target)
