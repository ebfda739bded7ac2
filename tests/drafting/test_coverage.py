"""Principle coverage and the common findings across the portfolio, hand-computed."""

from __future__ import annotations

import pytest

from drafting.coverage import DRAFT_ACTIVITY, coverage, finding_label
from drafting.models import CheckRun, Draft, LevelOverride
from pipeline.errors import NotAllowed
from pipeline.i18n import render
from pipeline.queries import IdeaFilters
from pipeline.reports import ReportFilters, funnel
from tests.pipeline.test_reports import NOW, PERIOD, at, build_world


def _finding(rule_id: str, severity: str = "warning") -> dict:
    head = rule_id.split(".")[0]
    principle = None if head in {"personal_data", "readability"} else head
    return {
        "rule_id": rule_id,
        "principle": principle,
        "severity": severity,
        "message_sv": f"sv {rule_id}",
        "message_en": f"en {rule_id}",
        "section": None,
        "start": None,
        "end": None,
        "evidence": "",
        "source_url": None,
    }


def _run(session, draft: Draft, number: int, levels: dict, findings: list[dict]) -> CheckRun:
    run = CheckRun.from_result(
        draft.id, number, "esf_plus", {"levels": levels, "findings": findings}
    )
    run.created_at = at("2026-05-01")
    session.add(run)
    session.flush()
    return run


def build_drafts(session, world) -> dict[str, Draft]:
    """Drafts for Alfa, Beta, Gamma and Zeta with check runs; Delta's draft is unchecked."""
    drafts = {
        key: Draft(idea_id=world.idea[key], revision_count=2, updated_at=at("2026-02-19"))
        for key in "ABCDF"
    }
    session.add_all(drafts.values())
    session.flush()
    _run(
        session,
        drafts["A"],
        1,
        {"jamstalldhet": "absent", "tillganglighet": "absent", "likabehandling": "absent"},
        [_finding("gles_geografi.missing"), _finding("jamstalldhet.missing", "error")],
    )
    _run(
        session,
        drafts["A"],
        2,
        {
            "jamstalldhet": "concrete",
            "tillganglighet": "mentioned",
            "likabehandling": "absent",
            "miljo": "mentioned",
        },
        [
            _finding("tillganglighet.not_concrete"),
            _finding("likabehandling.missing", "error"),
            _finding("readability.lix", "info"),
        ],
    )
    _run(
        session,
        drafts["B"],
        2,
        {"jamstalldhet": "integrated", "tillganglighet": "concrete", "likabehandling": "concrete"},
        [_finding("miljo.missing")],
    )
    _run(
        session,
        drafts["C"],
        2,
        {"jamstalldhet": "mentioned", "tillganglighet": "absent"},
        [
            _finding("jamstalldhet.not_concrete"),
            _finding("tillganglighet.missing", "error"),
            _finding("likabehandling.missing", "error"),
            _finding("personal_data.email", "error"),
            _finding("personal_data.email", "error"),
        ],
    )
    _run(
        session, drafts["F"], 2,
        {"jamstalldhet": "absent", "tillganglighet": "absent", "likabehandling": "absent"},
        [_finding("jamstalldhet.missing", "error"), _finding("tillganglighet.missing", "error"),
         _finding("likabehandling.missing", "error")],
    )  # fmt: skip
    f = drafts["F"].id
    session.add_all(
        [
            LevelOverride(draft_id=f, principle="jamstalldhet", level="concrete", reason="r"),
            LevelOverride(draft_id=f, principle="tillganglighet", level="mentioned", reason="r"),
            LevelOverride(draft_id=f, principle="tillganglighet", level=None, reason=""),
        ]
    )
    session.flush()
    return drafts


@pytest.fixture
def world(session):
    found = build_world(session)
    build_drafts(session, found)
    return found


def _counts(level_counts) -> tuple[int, int, int, int]:
    c = level_counts.counts
    return (c["absent"], c["mentioned"], c["concrete"], c["integrated"])


def _principles(group) -> dict[str, tuple[int, int, int, int]]:
    return {p: _counts(c) for p, c in group.principles.items()}


def test_portfolio_levels_per_principle(session, world):
    report = coverage(session, world.support)
    assert (report.drafts, report.unchecked) == (4, 1)
    assert {c.principle: _counts(c) for c in report.principles} == {
        "jamstalldhet": (0, 1, 2, 1),  # Zeta judged concrete by the team
        "tillganglighet": (2, 1, 1, 0),  # Zeta's judgement was handed back to the checker
        "likabehandling": (3, 0, 1, 0),  # Gamma's run does not mention it: absent
        "miljo": (0, 1, 0, 0),
        "gles_geografi": (0, 0, 0, 0),
    }
    assert report.principles[0].concrete_or_better == 3


def test_levels_per_kommun_include_kommuner_without_drafts(session, world):
    groups = {g.name: g for g in coverage(session, world.support).municipalities}
    assert len(groups) == 15
    assert groups["Umeå"].drafts == 3
    assert _principles(groups["Umeå"])["jamstalldhet"] == (0, 0, 2, 1)
    assert _principles(groups["Umeå"])["likabehandling"] == (2, 0, 1, 0)
    assert groups["Lycksele"].drafts == 2
    assert _principles(groups["Lycksele"])["jamstalldhet"] == (0, 1, 1, 0)
    assert _principles(groups["Lycksele"])["likabehandling"] == (2, 0, 0, 0)
    assert groups["Skellefteå"].drafts == 1
    assert groups["Sorsele"].drafts == 0
    assert set(_principles(groups["Sorsele"]).values()) == {(0, 0, 0, 0)}


def test_levels_per_call(session, world):
    groups = {g.key: g for g in coverage(session, world.support).calls}
    assert list(groups) == ["R-2026/002", "R-2026/001", ""]
    assert groups["R-2026/001"].drafts == 3
    assert _principles(groups["R-2026/001"])["tillganglighet"] == (1, 1, 1, 0)
    assert groups["R-2026/002"].drafts == 0
    assert groups[""].drafts == 1
    assert _principles(groups[""])["likabehandling"] == (1, 0, 0, 0)


def test_most_common_findings_from_the_latest_runs(session, world):
    findings = coverage(session, world.support).findings
    assert [(f.rule_id, f.drafts) for f in findings] == [
        ("likabehandling.missing", 3),
        ("tillganglighet.missing", 2),
        ("jamstalldhet.missing", 1),
        ("jamstalldhet.not_concrete", 1),
        ("miljo.missing", 1),
        ("personal_data.email", 1),
        ("tillganglighet.not_concrete", 1),
    ]
    email = next(f for f in findings if f.rule_id == "personal_data.email")
    assert (email.occurrences, email.principle) == (2, None)
    assert findings[0].example.sv == "sv likabehandling.missing"
    label = render(findings[0].label, "sv")
    assert label == "Likabehandling och icke-diskriminering: principen saknas"
    limited = coverage(session, world.support, findings_limit=2).findings
    assert len(limited) == 2


def test_coverage_follows_the_filters(session, world):
    report = coverage(session, world.support, IdeaFilters(call_id=world.call["c1"]))
    assert (report.drafts, report.unchecked) == (3, 1)
    assert [g.key for g in report.calls] == ["R-2026/001"]
    # Alfa, Beta and Zeta are in the call; Gamma's findings are left out.
    assert [(f.rule_id, f.drafts) for f in report.findings] == [
        ("likabehandling.missing", 2),
        ("jamstalldhet.missing", 1),
        ("miljo.missing", 1),
        ("tillganglighet.missing", 1),
        ("tillganglighet.not_concrete", 1),
    ]
    kommun = coverage(session, world.support, IdeaFilters(municipality_id=world.kommun["Sorsele"]))
    assert kommun.drafts == 0 and kommun.findings == []


def test_finding_labels():
    assert render(finding_label("jamstalldhet.chain.followup", "jamstalldhet"), "en") == (
        "Gender equality: the chain lacks the follow-up"
    )
    assert render(finding_label("personal_data.phone", None), "sv") == "Personuppgifter i texten"
    assert render(finding_label("x.unknown", None), "sv") == "x.unknown"
    assert render(finding_label("likabehandling.method_names", "likabehandling"), "sv") == (
        "Likabehandling och icke-diskriminering: metodnamn utan innehåll"
    )
    assert render(finding_label("language.not_swedish", None), "en") == "the text is not in Swedish"


def test_a_recent_draft_edit_keeps_an_idea_from_stalling(session, world):
    drafts = session.query(Draft).filter_by(idea_id=world.idea["A"]).one()
    drafts.updated_at = at("2026-05-25")
    session.flush()
    filters = ReportFilters(**PERIOD)
    plain = funnel(session, world.support, filters, now=NOW)
    assert "Alfa" in [s.title for s in plain.stalled]
    with_drafts = funnel(session, world.support, filters, now=NOW, activity=(DRAFT_ACTIVITY,))
    assert [s.title for s in with_drafts.stalled] == ["Zeta"]
    assert with_drafts.stalled[0].last_activity == at("2026-04-15")


def test_coverage_is_for_the_support_team(session, world):
    with pytest.raises(NotAllowed):
        coverage(session, world.actor)


def test_no_drafts_gives_empty_counts(session):
    from tests.pipeline.test_reports import build_world as plain_world

    found = plain_world(session)
    report = coverage(session, found.support)
    assert (report.drafts, report.unchecked, report.findings) == (0, 0, [])
    assert all(c.total == 0 for c in report.principles)


def test_a_new_check_run_shows_in_the_findings_at_once(session, world):
    first = coverage(session, world.support).findings
    assert "miljo.missing" in [f.rule_id for f in first]
    beta = session.query(Draft).filter_by(idea_id=world.idea["B"]).one()
    _run(session, beta, 3, {"jamstalldhet": "integrated"}, [_finding("gles_geografi.missing")])
    again = [f.rule_id for f in coverage(session, world.support).findings]
    assert "miljo.missing" not in again and "gles_geografi.missing" in again
