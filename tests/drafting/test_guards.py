"""The drafting gate on the stage moves: complete sections, concrete principles, sign-off."""

from __future__ import annotations

import pytest

import drafting
from drafting.demo import complete_sections, weak_sections
from drafting.review import set_level_override, sign_off
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.errors import GuardFailed
from pipeline.i18n import render
from pipeline.services import advance_stage
from pipeline.stages import Stage, failed_guards, guard_names, transition

drafting.install()  # the gate and the erasers, as the app factory attaches them


def fill(session, actor, draft, texts):
    for key, text in texts.items():
        base = latest_revision(session, draft, key)
        save_section(session, actor, draft, key, text, base.id if base else None, check=False)


def test_the_gate_is_attached_to_the_moves():
    assert "draft_sections_complete" in guard_names(transition(Stage.DRAFTING, Stage.REVIEW))
    assert "draft_sections_complete" in guard_names(
        transition(Stage.CHANGES_REQUESTED, Stage.REVIEW)
    )
    ready = guard_names(transition(Stage.REVIEW, Stage.READY))
    assert {"draft_principles_concrete", "draft_budget_valid", "draft_signed_off"} <= set(ready)


def test_ready_needs_a_budget_without_errors(session, people, idea):
    from decimal import Decimal

    from drafting.budget.model import Budget, CofinancingLine, CostLine
    from drafting.budget.store import latest_budget_revision, save_budget

    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, complete_sections())
    idea.stage = Stage.REVIEW
    move = transition(Stage.REVIEW, Stage.READY)
    staff = CostLine("genomforande", "staff", "PL", hours=Decimal(1000), hourly_rate=50_000)
    short = Budget(options=("staff_plus_40",), costs=(staff,))
    save_budget(session, people["owner"], draft, short, None, check=False)
    messages = [render(m) for m in failed_guards(idea, move, people["support"])]
    assert any("Budgeten har 1 fel" in m and "Medfinansieringen" in m for m in messages)
    cofin = CofinancingLine("genomforande", "public_cash", "Kommunen", 400_000_00)
    base = latest_budget_revision(session, draft).id
    fixed = Budget(options=("staff_plus_40",), costs=(staff,), cofinancing=(cofin,))
    save_budget(session, people["owner"], draft, fixed, base, check=False)
    sign_off(session, people["support"], draft)
    advance_stage(session, people["support"], idea, Stage.READY)
    assert idea.stage == Stage.READY


def test_review_needs_every_mandatory_section_listed_by_title(session, people, idea):
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, people["owner"], idea, Stage.REVIEW)
    assert "Sammanfattning" in info.value.message("sv")
    assert "Summary" in info.value.message("en")
    draft = get_or_create_draft(session, people["owner"], idea)
    texts = complete_sections()
    del texts["budget"]
    fill(session, people["owner"], draft, texts)
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, people["owner"], idea, Stage.REVIEW)
    message = info.value.message("sv")
    assert "Budget och medfinansiering" in message and "Sammanfattning" not in message
    fill(session, people["owner"], draft, {"budget": "Budgeten omfattar 2 miljoner kronor."})
    advance_stage(session, people["owner"], idea, Stage.REVIEW)
    assert idea.stage == Stage.REVIEW


def test_changes_requested_back_to_review_has_the_same_gate(session, people, idea):
    idea.stage = Stage.CHANGES_REQUESTED
    move = transition(Stage.CHANGES_REQUESTED, Stage.REVIEW)
    assert failed_guards(idea, move, people["owner"])
    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, weak_sections())
    assert failed_guards(idea, move, people["owner"]) == []


def test_ready_needs_concrete_principles_and_a_sign_off(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, weak_sections())
    idea.stage = Stage.REVIEW
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, people["support"], idea, Stage.READY)
    messages = [render(d, "sv") for d in info.value.details]
    assert any("Jämställdhet" in m and "minst konkret" in m for m in messages)
    assert any("godkänna den senaste versionen" in m for m in messages)
    fill(session, people["owner"], draft, complete_sections())
    sign_off(session, people["support"], draft)
    advance_stage(session, people["support"], idea, Stage.READY)
    assert idea.stage == Stage.READY


def test_a_sign_off_of_an_older_revision_does_not_count(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, complete_sections())
    idea.stage = Stage.REVIEW
    sign_off(session, people["support"], draft)
    fill(session, people["owner"], draft, {"syfte": "Ett nytt syfte efter godkännandet."})
    problems = failed_guards(idea, transition(Stage.REVIEW, Stage.READY), people["support"])
    assert [render(p, "sv") for p in problems] == [
        "Stödteamet behöver godkänna den senaste versionen av ansökan "
        f"(revision {draft.revision_count})."
    ]


def test_the_teams_level_judgement_with_a_reason_lets_a_principle_pass(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, weak_sections())
    idea.stage = Stage.REVIEW
    sign_off(session, people["support"], draft)
    for principle in ("jamstalldhet", "tillganglighet", "likabehandling"):
        set_level_override(
            session, people["support"], draft, principle, "concrete", "Bilagan visar analysen."
        )
    advance_stage(session, people["admin"], idea, Stage.READY)
    assert idea.stage == Stage.READY
