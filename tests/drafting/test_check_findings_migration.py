"""Migration 0005 copies the findings of existing check runs into rows."""

from __future__ import annotations

import json

from sqlalchemy import text

from pipeline.db import make_engine
from pipeline.migrate import upgrade

FINDINGS = [
    {"rule_id": "jamstalldhet.missing", "principle": "jamstalldhet", "severity": "error",
     "message_sv": "Saknas", "message_en": "Missing", "section": None},
    {"rule_id": "lix", "principle": None, "severity": "info", "message_sv": "LIX 45",
     "message_en": "LIX 45", "section": "syfte"},
]  # fmt: skip


def test_existing_check_runs_get_their_finding_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    engine = make_engine(url)
    now = "2026-11-01 10:00:00"
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups,"
            " participants_women, participants_men, participants_total, programme_area,"
            " budget_total, esf_share, contact_name, contact_email, contact_phone, stage,"
            " stage_changed_at, is_regional, created_at, updated_at) VALUES (1, 'Idé', '', '',"
            " '', '', 0, 0, 0, '', 0, 0, '', '', '', 'drafting', :now, 0, :now, :now)"
        ), {"now": now})  # fmt: skip
        conn.execute(text(
            "INSERT INTO draft (id, idea_id, template_key, revision_count, created_at,"
            " updated_at) VALUES (1, 1, 'esf_plus', 1, :now, :now)"
        ), {"now": now})  # fmt: skip
        for run_id, findings in ((1, FINDINGS), (2, [])):
            result = json.dumps({"findings": findings})
            conn.execute(text(
                "INSERT INTO check_run (id, draft_id, revision_number, template_key, levels,"
                " result, created_at) VALUES (:id, 1, 1, 'esf_plus', '{}', :result, :now)"
            ), {"id": run_id, "result": result, "now": now})  # fmt: skip
    upgrade(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT check_run_id, rule_id, principle, severity, section FROM check_finding"
                 " ORDER BY id")
        ).all()  # fmt: skip
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "jamstalldhet.missing", "jamstalldhet", "error", None),
        (1, "lix", None, "info", "syfte"),
    ]
