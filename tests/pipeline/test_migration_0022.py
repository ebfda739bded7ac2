"""Migration 0022: the funnel's covering indexes of each stage's changes (a new one for the
ideas in, idea_id added to the stays'), up and down, with the history and the counts kept."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0019 import history

INDEXES = {
    "ix_stage_change_entered": ["to_stage", "created_at", "idea_id"],
    "ix_stage_change_stays": ["from_stage", "stay_days", "created_at", "idea_id"],
}
FLOWS = (
    "SELECT from_stage, count(DISTINCT idea_id), count(stay_days) FROM stage_change "
    "WHERE created_at >= '2026-01-02' AND from_stage IS NOT NULL GROUP BY from_stage "
    "ORDER BY from_stage"
)


def _indexes(engine) -> dict:
    found = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("stage_change")}
    return {name: found[name] for name in INDEXES if name in found}


def test_0022_adds_the_flow_indexes_and_drops_them_again(url):
    upgrade(url, "0021")
    engine = make_engine(url)
    try:
        history(
            engine,
            [
                (1, 1, None, "idea", "2026-01-01 00:00:00"),
                (2, 1, "idea", "prestudy", "2026-01-11 12:00:00"),
                (3, 2, None, "idea", "2026-01-05 00:00:00"),
                (4, 2, "idea", "prestudy", "2026-01-06 00:00:00"),
                (5, 2, "prestudy", "idea", "2026-01-07 00:00:00"),
                (6, 2, "idea", "prestudy", "2026-01-08 00:00:00"),
            ],
        )
        with engine.connect() as conn:
            before = conn.execute(text(FLOWS)).all()
        assert [tuple(row) for row in before] == [("idea", 2, 3), ("prestudy", 1, 1)]
        upgrade(url, "0022")
        assert _indexes(engine) == INDEXES
        with engine.connect() as conn:
            assert conn.execute(text(FLOWS)).all() == before
        downgrade(url, "0021")
        assert _indexes(engine) == {
            "ix_stage_change_stays": ["from_stage", "stay_days", "created_at"]
        }
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM stage_change")) == 6
    finally:
        engine.dispose()
