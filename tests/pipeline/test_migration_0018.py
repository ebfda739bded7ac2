"""Migration 0018 changes indexes only: every row stays, up and down."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0016 import IDEA

AFTER = {
    ("project_idea", "ix_project_idea_stage_changed"): ["stage", "stage_changed_at", "updated_at"],
    ("project_idea", "ix_project_idea_updated"): ["updated_at", "stage", "stage_changed_at"],
    ("project_idea", "ix_project_idea_regional_title"): ["title", "id"],
    ("activity_log", "ix_activity_log_idea_id"): ["idea_id", "created_at"],
    ("draft", "ix_draft_updated"): ["updated_at"],
    ("stage_change", "ix_stage_change_idea_id"): ["idea_id", "created_at", "id", "to_stage"],
    ("stage_change", "ix_stage_change_created"): [
        "created_at",
        "idea_id",
        "from_stage",
        "to_stage",
    ],
}
BEFORE = {
    ("project_idea", "ix_project_idea_stage_changed"): ["stage", "stage_changed_at"],
    ("project_idea", "ix_project_idea_updated"): None,
    ("project_idea", "ix_project_idea_regional_title"): None,
    ("activity_log", "ix_activity_log_idea_id"): ["idea_id"],
    ("draft", "ix_draft_updated"): None,
    ("stage_change", "ix_stage_change_idea_id"): ["idea_id"],
    ("stage_change", "ix_stage_change_created"): None,
}


def _state(url: str) -> tuple[dict, list]:
    engine = make_engine(url)
    try:
        found = {}
        inspector = inspect(engine)
        for table, name in AFTER:
            columns = {i["name"]: i["column_names"] for i in inspector.get_indexes(table)}
            found[(table, name)] = columns.get(name)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, title FROM project_idea ORDER BY id")).all()
        return found, [tuple(r) for r in rows]
    finally:
        engine.dispose()


def test_0018_changes_only_indexes_up_and_down(url):
    upgrade(url, "0017")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(IDEA), {"id": 1, "title": "Idé 1", "at": "2026-11-01 10:00:00+00:00"})
    engine.dispose()
    assert _state(url) == (BEFORE, [(1, "Idé 1")])
    upgrade(url, "0018")
    assert _state(url) == (AFTER, [(1, "Idé 1")])
    downgrade(url, "0017")
    assert _state(url) == (BEFORE, [(1, "Idé 1")])
