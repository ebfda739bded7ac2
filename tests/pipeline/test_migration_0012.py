"""Migration 0012 keeps each part of a check run once (levels column, finding rows, the rest in
the JSON), with every existing run kept whole, up and down."""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from drafting.checker import CheckResult, check_sections
from drafting.models import CheckRun
from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0007_0008 import DRAFT, IDEA, T

RUN = (
    "INSERT INTO check_run (id, draft_id, revision_number, template_key, levels, result, "
    "created_at) VALUES (:id, 1, 1, 'esf_plus', :levels, :result, :at)"
)
ROW = (
    "INSERT INTO check_finding (check_run_id, rule_id, principle, severity, section, "
    "message_sv, message_en) VALUES (:run, :rule_id, :principle, :severity, :section, "
    ":message_sv, :message_en)"
)


def _result() -> dict:
    found = check_sections(
        {
            "syfte": "Vi kommer att beakta jämställdhet.",
            "aktiviteter_metod": "Vi tar fram könsuppdelad statistik över deltagarna varje "
            "kvartal och följer upp skillnader mellan kvinnor och män.",
        }
    ).to_dict()
    assert found["findings"] and any(f["source_url"] for f in found["findings"])
    return json.loads(json.dumps(found))  # as stored: tuples become lists


def _stored(url: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            levels, result = conn.execute(
                text("SELECT levels, result FROM check_run WHERE id = 1")
            ).one()
            rows = conn.execute(
                text("SELECT count(*) FROM check_finding WHERE check_run_id = 1")
            ).scalar()
    finally:
        engine.dispose()

    def load(v):
        return json.loads(v) if isinstance(v, str) else v

    return {"levels": load(levels), "result": load(result), "rows": rows}


def test_0012_keeps_every_run_whole_up_and_down(url):
    upgrade(url, "0009")
    original = _result()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(IDEA), dict(id=1, title="Idé", w=1, m=2, t=3, b=100, e=50, at=T))
            conn.execute(text(DRAFT), dict(id=1, n=1, at=T))
            conn.execute(text(RUN), dict(id=1, levels=json.dumps(original["levels"]),
                                         result=json.dumps(original), at=T))  # fmt: skip
            # The rows 0005 made: without offsets, evidence or source.
            for f in original["findings"]:
                conn.execute(text(ROW), {"run": 1, **{k: f[k] for k in (
                    "rule_id", "principle", "severity", "message_sv", "message_en")},
                    "section": f["section"] or None})  # fmt: skip
            # A run from before the levels column was filled, with no findings at all.
            bare = {"levels": {"jamstalldhet": "mentioned"}, "findings": [], "readability": {}}
            conn.execute(text(RUN), dict(id=2, levels="{}", result=json.dumps(bare), at=T))
    finally:
        engine.dispose()

    upgrade(url)
    after = _stored(url)
    assert "levels" not in after["result"] and "findings" not in after["result"]
    assert all("level" not in p for p in after["result"]["principles"].values())
    assert after["levels"] == original["levels"]
    assert after["rows"] == len(original["findings"])
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            run = session.get(CheckRun, 1)
            assert run.full_result() == original
            assert CheckResult.from_dict(run.full_result()).summary() == original["levels"]
            assert session.get(CheckRun, 2).levels == {"jamstalldhet": "mentioned"}
    finally:
        engine.dispose()

    downgrade(url, "0009")
    back = _stored(url)
    assert back["result"] == original and back["levels"] == original["levels"]
    assert back["rows"] == len(original["findings"])
