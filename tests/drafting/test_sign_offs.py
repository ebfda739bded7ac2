"""A sign-off belongs to one revision: a new revision or a move back voids it, with the reason;
going back to review after Komplettering needs a new revision or a reply."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import drafting
from drafting.demo import complete_sections
from drafting.models import SectionRevision
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from drafting.sign_offs import (
    BACK_TO_DRAFTING,
    CHANGES_REQUESTED,
    NEW_REVISION,
    REVOKED,
    active_sign_off,
    revoke_sign_off,
    sign_off,
    sign_offs,
    void_reason_label,
)
from pipeline.errors import GuardFailed
from pipeline.i18n import render
from pipeline.models import ActivityLog, StageChange
from pipeline.services import advance_stage
from pipeline.stages import Stage

drafting.install()  # the gate and the sign-off rule, as the app factory attaches them


def fill(session, actor, draft, texts):
    for key, text in texts.items():
        base = latest_revision(session, draft, key)
        save_section(session, actor, draft, key, text, base.id if base else None, check=False)


@pytest.fixture
def signed(session, people, idea):
    """An idea in review with a complete draft that the team has signed off."""
    draft = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], draft, complete_sections())
    advance_stage(session, people["owner"], idea, Stage.REVIEW)
    sign_off(session, people["support"], draft)
    return draft


def _logged(session, idea, action):
    return session.scalars(
        select(ActivityLog).where(ActivityLog.idea_id == idea.id, ActivityLog.action == action)
    ).all()


@pytest.mark.parametrize(
    ("target", "reason"),
    [(Stage.CHANGES_REQUESTED, CHANGES_REQUESTED), (Stage.DRAFTING, BACK_TO_DRAFTING)],
)
def test_a_move_back_voids_the_sign_off_with_its_reason(
    session, people, idea, signed, target, reason
):
    assert active_sign_off(session, signed) is not None
    advance_stage(session, people["support"], idea, target, "Mer om målgruppen, tack.")
    assert active_sign_off(session, signed) is None
    [row] = sign_offs(session, signed)
    assert row.void_reason == reason and row.revoked_at is not None
    assert row.revoked_by == people["support"]
    [entry] = _logged(session, idea, "draft.sign_off_void")
    assert entry.details == {"number": row.revision_number, "reason": reason}
    assert render(void_reason_label(reason), "sv") != reason


def test_a_new_revision_voids_the_sign_off_visibly(session, people, idea, signed):
    number = signed.revision_count
    fill(session, people["owner"], signed, {"syfte": "Ett nytt syfte efter godkännandet."})
    [row] = sign_offs(session, signed)
    assert (row.revision_number, row.void_reason) == (number, NEW_REVISION)
    assert row.revoked_by == people["owner"]
    assert _logged(session, idea, "draft.sign_off_void")


def test_other_moves_keep_the_sign_off(session, people, idea, signed):
    advance_stage(session, people["support"], idea, Stage.READY)
    assert active_sign_off(session, signed) is not None


def test_revoking_records_the_reason(session, people, signed):
    revoke_sign_off(session, people["support"], signed)
    [row] = sign_offs(session, signed)
    assert row.void_reason == REVOKED


def _request_changes(session, people, idea, draft):
    # What was saved before the request is clearly older than it.
    for revision in session.scalars(
        select(SectionRevision).where(SectionRevision.draft_id == draft.id)
    ):
        revision.created_at -= dt.timedelta(minutes=1)
    session.flush()
    advance_stage(session, people["support"], idea, Stage.CHANGES_REQUESTED, "Förtydliga.")


def test_resubmitting_with_nothing_changed_is_refused(session, people, idea, signed):
    _request_changes(session, people, idea, signed)
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, people["owner"], idea, Stage.REVIEW)
    assert "inte ändrats sedan kompletteringen" in info.value.message("sv")
    assert "has not changed since changes were requested" in info.value.message("en")
    assert idea.stage == Stage.CHANGES_REQUESTED


def test_a_reply_lets_it_back_into_review_and_is_kept(session, people, idea, signed):
    _request_changes(session, people, idea, signed)
    advance_stage(
        session, people["owner"], idea, Stage.REVIEW, "  Budgeten är redan uppdelad per år. "
    )
    assert idea.stage == Stage.REVIEW
    last = session.scalars(
        select(StageChange).where(StageChange.idea_id == idea.id).order_by(StageChange.id.desc())
    ).first()
    assert last.comment == "Budgeten är redan uppdelad per år."
    assert idea.move_comment == ""


def test_a_new_revision_lets_it_back_into_review(session, people, idea, signed):
    _request_changes(session, people, idea, signed)
    fill(session, people["partner"], signed, {"syfte": "Syftet, förtydligat."})
    advance_stage(session, people["partner"], idea, Stage.REVIEW)
    assert idea.stage == Stage.REVIEW


def test_a_blank_reply_is_no_reply(session, people, idea, signed):
    _request_changes(session, people, idea, signed)
    with pytest.raises(GuardFailed):
        advance_stage(session, people["owner"], idea, Stage.REVIEW, "   ")


def test_since_request_names_the_revision_at_the_request(session, people, idea, signed):
    from drafting.komplettering import since_request

    assert since_request(session, idea, signed) is None
    number = signed.revision_count
    _request_changes(session, people, idea, signed)
    found = since_request(session, idea, signed)
    assert (found.revision_then, found.revision_now, found.changed) == (number, number, False)
    fill(session, people["owner"], signed, {"syfte": "Syftet, förtydligat."})
    found = since_request(session, idea, signed)
    assert (found.revision_then, found.revision_now, found.changed) == (number, number + 1, True)
