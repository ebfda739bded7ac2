"""Shared fixtures: migrated databases (SQLite always, PostgreSQL when configured), sessions
that roll back after each test, and a Flask app on a fresh copy of a migrated SQLite file."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pipeline.db import Base, make_engine, normalise_url
from pipeline.migrate import upgrade
from web.db import MODEL_MODULES

# Every layer's models share one metadata; import them all so schema checks see every table.
for _module in MODEL_MODULES:
    importlib.import_module(_module)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _memoise_url_builders() -> None:
    """Reuse Werkzeug's compiled URL builders across the suite's app instances.

    Werkzeug compiles two small Python functions per URL rule whenever a rule joins a map, so
    each of the suite's ~2,000 `create_app()` calls spent about 0.15 s compiling the same
    functions again. A builder depends only on the rule's parsed parts, its defaults and
    whether unknown arguments are appended, and it is a plain function that each rule binds to
    itself (`self` is its first argument), so one function per key serves every app. Tests
    only: the app itself builds one map per process.
    """
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    if getattr(original, "memoised", False):
        return
    builders: dict[tuple, object] = {}

    def compile_builder(self: Rule, append_unknown: bool = True):
        defaults = tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = original(self, append_unknown)
        return builder

    compile_builder.memoised = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


_memoise_url_builders()


def service_url(name: str) -> str | None:
    """The URL of a test service, or a skip (a failure when services are required)."""
    url = os.environ.get(name)
    if not url:
        if REQUIRE_SERVICES:
            pytest.fail(f"{name} is not set but REQUIRE_SERVICES=1")
        pytest.skip(f"{name} is not set")
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per test run; tests copy it."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@contextlib.contextmanager
def private_schema(prefix: str = "t") -> Iterator[str]:
    """A new, empty schema in the test PostgreSQL database, as a URL; dropped afterwards.

    Each test run (and each test that needs committed data of its own) gets its own schema, so
    parallel runs on the one `test` database never see each other's rows.
    """
    base = normalise_url(service_url("TEST_DATABASE_URL"))
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        if REQUIRE_SERVICES:
            raise
        pytest.skip(f"PostgreSQL is not answering: {exc}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private schema in the test PostgreSQL database, migrated to head, dropped afterwards."""
    with private_schema("t") as url:
        upgrade(url)
        yield url


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A new schema with no tables at all, for tests of migrations and restores."""
    with private_schema("e") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database URL: a fresh SQLite copy, or the shared PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database; on the shared PostgreSQL schema, whatever a test
    committed is deleted afterwards so that the next test starts from the migrated state."""
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        if eng.dialect.name == "postgresql":
            _delete_committed_rows(eng)
        eng.dispose()


def _delete_committed_rows(eng: Engine) -> None:
    """Empty every table except the kommuner the migrations load."""
    from pipeline.models import Municipality

    with eng.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == Municipality.__tablename__:
                conn.execute(table.delete().where(table.c.code.not_in(_region_codes())))
            else:
                conn.execute(table.delete())


def _region_codes() -> list[str]:
    from pipeline.region import load_region

    return [code for code, _name in load_region().municipalities]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh migrated SQLite database for tests that need only the embedded default."""
    path = tmp_path / "app.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path):
    """A Framsyn app on a fresh migrated SQLite database, jobs inline."""
    from web import create_app

    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "REDIS_URL": None,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    application.instance_path = str(tmp_path / "instance")
    yield application
    application.extensions["framsyn.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()
