"""Migration 0019: covering indexes for the reports, and each stay's length kept by the
database with the stage change that ends it, filled from the history on upgrade."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0016 import IDEA

CHANGE = (
    "INSERT INTO stage_change (id, idea_id, from_stage, to_stage, comment, created_at) "
    "VALUES (:id, :idea, :from_stage, :to_stage, '', :at)"
)
INDEXES = {
    ("project_idea", "ix_project_idea_figures"),
    ("check_finding", "ix_check_finding_run"),
    ("idea_partner", "ix_idea_partner_organisation_id"),
    ("idea_municipality", "ix_idea_municipality_municipality_id"),
    ("stage_change", "ix_stage_change_stays"),
    ("stage_change", "ix_stage_change_created"),
}


def _indexes(engine) -> dict:
    inspector = inspect(engine)
    found = {}
    for table, name in INDEXES:
        columns = {i["name"]: i["column_names"] for i in inspector.get_indexes(table)}
        found[(table, name)] = columns.get(name)
    return found


def _stays(engine) -> dict[int, float | None]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, stay_days FROM stage_change ORDER BY id")).all()
    return {i: None if days is None else round(days, 3) for i, days in rows}


def _insert(engine, **change) -> None:
    with engine.begin() as conn:
        conn.execute(text(CHANGE), change)


def history(engine, changes) -> None:
    """Ideas 1 and 2, and their stage changes (id, idea, from_stage, to_stage, created_at)."""
    with engine.begin() as conn:
        for idea in (1, 2):
            conn.execute(text(IDEA), {"id": idea, "title": f"Idé {idea}", "at": "2026-01-01"})
    for id_, idea, from_stage, to_stage, at in changes:
        _insert(engine, id=id_, idea=idea, from_stage=from_stage, to_stage=to_stage, at=at)


def test_0019_fills_stays_keeps_them_and_downgrades(url):
    upgrade(url, "0018")
    engine = make_engine(url)
    try:
        history(
            engine,
            [
                (1, 1, None, "idea", "2026-01-01 00:00:00"),
                (2, 1, "idea", "prestudy", "2026-01-11 12:00:00"),
                (3, 2, None, "idea", "2026-01-05 00:00:00"),
                (4, 1, "prestudy", "drafting", "2026-02-10 12:00:00"),
                # Two changes in the same second: history order is (created_at, id).
                (5, 2, "idea", "parked", "2026-01-06 00:00:00"),
                (6, 2, "parked", "idea", "2026-01-06 00:00:00"),
            ],
        )
        engine.dispose()

        upgrade(url, "0019")
        assert _indexes(engine) == {
            ("project_idea", "ix_project_idea_figures"): [
                "stage",
                "call_id",
                "programme_area",
                "lead_organisation_id",
                "esf_share",
                "esf_granted",
                "submitted_on",
                "participants_women",
                "participants_men",
                "participants_total",
                "id",
            ],
            ("check_finding", "ix_check_finding_run"): [
                "check_run_id",
                "severity",
                "rule_id",
                "principle",
                "id",
            ],
            ("idea_partner", "ix_idea_partner_organisation_id"): ["organisation_id", "idea_id"],
            ("idea_municipality", "ix_idea_municipality_municipality_id"): [
                "municipality_id",
                "idea_id",
            ],
            ("stage_change", "ix_stage_change_stays"): ["from_stage", "stay_days", "created_at"],
            ("stage_change", "ix_stage_change_created"): [
                "created_at",
                "idea_id",
                "from_stage",
                "to_stage",
                "stay_days",
            ],
        }
        # Filled from the history: an idea's first change ends no stay.
        assert _stays(engine) == {1: None, 2: 10.5, 3: None, 4: 30.0, 5: 1.0, 6: 0.0}

        # A new change: its stay is measured by the database.
        _insert(engine, id=7, idea=1, from_stage="drafting", to_stage="review", at="2026-02-20")
        assert _stays(engine)[7] == pytest.approx(9.5)
        # A change inserted into the past splits a stay: it and its successor are measured.
        _insert(engine, id=8, idea=1, from_stage="prestudy", to_stage="prestudy", at="2026-02-01")
        assert {k: v for k, v in _stays(engine).items() if k in (2, 8, 4, 7)} == {
            2: 10.5,
            8: 20.5,
            4: 9.5,
            7: 9.5,
        }
        # A corrected timestamp re-measures the idea's history; other ideas are untouched.
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE stage_change SET created_at = :at WHERE id = 2"),
                {"at": "2026-01-21 00:00:00"},
            )
        assert _stays(engine) == {
            1: None,
            2: 20.0,
            3: None,
            4: 9.5,
            5: 1.0,
            6: 0.0,
            7: 9.5,
            8: 11.0,
        }
        engine.dispose()

        downgrade(url, "0018")
        columns = {c["name"] for c in inspect(engine).get_columns("stage_change")}
        assert "stay_days" not in columns
        assert _indexes(engine) == {
            ("project_idea", "ix_project_idea_figures"): None,
            ("check_finding", "ix_check_finding_run"): ["check_run_id", "severity"],
            ("idea_partner", "ix_idea_partner_organisation_id"): ["organisation_id"],
            ("idea_municipality", "ix_idea_municipality_municipality_id"): ["municipality_id"],
            ("stage_change", "ix_stage_change_stays"): None,
            ("stage_change", "ix_stage_change_created"): [
                "created_at",
                "idea_id",
                "from_stage",
                "to_stage",
            ],
        }
        # Every change is kept, and no trigger is left behind to fail on the next insert.
        _insert(engine, id=9, idea=2, from_stage="idea", to_stage="prestudy", at="2026-03-01")
        with engine.connect() as conn:
            ids = conn.execute(text("SELECT id FROM stage_change ORDER BY id")).scalars().all()
        assert ids == list(range(1, 10))
        engine.dispose()

        upgrade(url, "0019")
        assert _stays(engine)[9] == pytest.approx(54.0)
    finally:
        engine.dispose()
