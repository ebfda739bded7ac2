"""Migration 0014 (a draft's budget revisions) goes up and down with the data kept."""

from __future__ import annotations

import json

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0007_0008 import DRAFT, REVISION, T, _idea


def test_0014_keeps_drafts_and_budgets(url):
    upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Med budget")
            conn.execute(text(DRAFT), dict(id=1, n=1, at=T))
            conn.execute(text(REVISION), dict(draft=1, n=1, at=T))
        upgrade(url, "0014")
        data = {"version": 1, "options": [], "months": {}, "costs": [], "cofinancing": []}
        with engine.begin() as conn:
            assert conn.execute(text("SELECT revision_count FROM draft")).scalar_one() == 1
            conn.execute(
                text(
                    "INSERT INTO budget_revision (draft_id, number, data, source, created_at) "
                    "VALUES (1, 2, :data, 'editor', :at)"
                ),
                dict(data=json.dumps(data), at=T),
            )
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT data FROM budget_revision")).scalar_one()
            assert (json.loads(stored) if isinstance(stored, str) else stored) == data
        downgrade(url, "0009")
        assert "budget_revision" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM section_revision")).scalar_one() == 1
            assert conn.execute(text("SELECT title FROM project_idea")).scalar_one() == "Med budget"
        upgrade(url, "0014")
    finally:
        engine.dispose()
