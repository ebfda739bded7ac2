"""Migration 0025: the ideas' stage index takes the board's order (stage, stage_changed_at,
id) before updated_at, up and down, every idea kept; the board's order reads from it unsorted."""

from __future__ import annotations

from sqlalchemy import text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0016 import IDEA
from tests.pipeline.test_migration_0023 import _indexes

NAME = "ix_project_idea_stage_changed"
ORDERED = "SELECT id FROM project_idea WHERE stage = 'idea' ORDER BY stage_changed_at, id"
# The board's Fritext: its matches numbered per column in the column's order.
NUMBERED = (
    "SELECT id, row_number() OVER (PARTITION BY stage ORDER BY stage_changed_at, id) "
    "FROM project_idea WHERE +id IN (1, 2, 3)"
)


def _plan(engine) -> str:
    """SQLite's plan of the board's numbered matches (PostgreSQL plans by its statistics)."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + NUMBERED)
        return " ".join(row[-1] for row in rows)


def test_0025_puts_the_board_order_in_the_stage_index_and_takes_it_out(url):
    upgrade(url, "0024")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for idea in (3, 1, 2):  # one stage_changed_at for all: the id breaks the tie
                conn.execute(text(IDEA), {"id": idea, "title": f"Idé {idea}", "at": "2026-01-01"})
            if engine.dialect.name == "sqlite":  # a database with planner statistics
                conn.execute(text("ANALYZE"))
        before = _indexes(engine)[NAME]
        included = ["id"] if engine.dialect.name == "postgresql" else []
        assert before == (["stage", "stage_changed_at", "updated_at"], included)
        upgrade(url, "0025")
        assert _indexes(engine)[NAME] == (["stage", "stage_changed_at", "id", "updated_at"], [])
        with engine.connect() as conn:
            assert conn.scalars(text(ORDERED)).all() == [1, 2, 3]
        if engine.dialect.name == "sqlite":
            plan = _plan(engine)
            assert NAME in plan and "TEMP B-TREE" not in plan
            with engine.connect() as conn:  # the new index has its statistics too
                assert conn.scalar(
                    text("SELECT count(*) FROM sqlite_stat1 WHERE idx = :name"), {"name": NAME}
                )
        downgrade(url, "0024")
        assert _indexes(engine)[NAME] == before
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 3
    finally:
        engine.dispose()
