"""Migration 0021 stores check_run.levels as JSONB on PostgreSQL (SQLite keeps its text), and
goes back to JSON, every run's levels kept both ways."""

from __future__ import annotations

import json

from sqlalchemy import text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0007_0008 import DRAFT, T, _idea

RUN = (
    "INSERT INTO check_run (id, draft_id, revision_number, template_key, levels, result, "
    "created_at) VALUES (:id, 1, :id, 'esf_plus', :levels, '{}', :at)"
)
LEVELS = [
    {"jamstalldhet": "concrete", "tillganglighet": "mentioned", "likabehandling": "absent"},
    {"likabehandling": "integrated", "jamstalldhet": "absent"},
]


def _column_type(conn) -> str | None:
    if conn.dialect.name == "sqlite":
        return None
    return conn.scalar(
        text(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'check_run' AND column_name = 'levels'"
        )
    )


def _levels(conn) -> list[dict]:
    rows = conn.scalars(text("SELECT levels FROM check_run ORDER BY id")).all()
    return [json.loads(v) if isinstance(v, str) else v for v in rows]


def _tillganglighet(conn) -> list[str | None]:
    if conn.dialect.name == "sqlite":
        query = "SELECT json_extract(levels, '$.tillganglighet') FROM check_run ORDER BY id"
    else:
        query = "SELECT levels ->> 'tillganglighet' FROM check_run ORDER BY id"
    return list(conn.scalars(text(query)))


def test_0021_keeps_every_level_up_and_down(url):
    upgrade(url, "0020")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Gröna jobb")
            conn.execute(text(DRAFT), dict(id=1, n=2, at=T))
            for n, levels in enumerate(LEVELS, start=1):
                conn.execute(text(RUN), dict(id=n, levels=json.dumps(levels), at=T))
            before = _column_type(conn)
        upgrade(url, "0021")
        with engine.connect() as conn:
            assert _column_type(conn) == ("jsonb" if before else None)
            assert _levels(conn) == LEVELS
            assert _tillganglighet(conn) == ["mentioned", None]
        downgrade(url, "0020")
        with engine.connect() as conn:
            assert _column_type(conn) == before
            assert _levels(conn) == LEVELS
            assert _tillganglighet(conn) == ["mentioned", None]
    finally:
        engine.dispose()
