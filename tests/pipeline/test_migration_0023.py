"""Migration 0023: the ideas' activity indexes carry the id (PostgreSQL's stage index as an
included column, the list's index as its second key), up and down, every idea kept."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0016 import IDEA

NAMES = ("ix_project_idea_stage_changed", "ix_project_idea_updated")


def _indexes(engine) -> dict[str, tuple[list[str], list[str]]]:
    """Each index's key columns and, on PostgreSQL, its included columns."""
    found = {}
    for index in inspect(engine).get_indexes("project_idea"):
        if index["name"] in NAMES:
            include = index.get("include_columns") or []
            found[index["name"]] = (index["column_names"], list(include))
    return found


def test_0023_puts_the_id_in_the_activity_indexes_and_takes_it_out(url):
    upgrade(url, "0022")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for idea in (1, 2, 3):
                conn.execute(text(IDEA), {"id": idea, "title": f"Idé {idea}", "at": "2026-01-01"})
        before = _indexes(engine)
        assert before == {
            "ix_project_idea_stage_changed": (["stage", "stage_changed_at", "updated_at"], []),
            "ix_project_idea_updated": (["updated_at", "stage", "stage_changed_at"], []),
        }
        upgrade(url, "0023")
        included = ["id"] if engine.dialect.name == "postgresql" else []
        assert _indexes(engine) == {
            "ix_project_idea_stage_changed": (
                ["stage", "stage_changed_at", "updated_at"],
                included,
            ),
            "ix_project_idea_updated": (["updated_at", "id", "stage", "stage_changed_at"], []),
        }
        with engine.connect() as conn:  # the list's order, ties by id
            ids = conn.scalars(
                text("SELECT id FROM project_idea ORDER BY updated_at DESC, id DESC")
            ).all()
            assert ids == [3, 2, 1]
        downgrade(url, "0022")
        assert _indexes(engine) == before
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 3
    finally:
        engine.dispose()
