"""Review services on SQLite and PostgreSQL: checklists, overrides, sign-off, section comments,
the portfolio summary and the demo drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from drafting import review, section_comments
from drafting.check_runs import run_check
from drafting.demo import complete_sections, load_demo_drafts, weak_sections
from drafting.models import ChecklistOverride, Draft, SectionRevision
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.demo import load_demo_data
from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.models import ActivityLog, Visibility
from pipeline.stages import Stage
from tests.factories import make_idea


def fill(session, actor, draft, texts):
    for key, text in texts.items():
        base = latest_revision(session, draft, key)
        save_section(session, actor, draft, key, text, base.id if base else None, check=False)


@pytest.fixture
def draft(session, people, idea):
    found = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], found, weak_sections())
    return found


def test_checklists_have_questions_status_and_evidence(session, draft):
    lists = review.checklists(session, draft)
    assert set(lists) >= {"jamstalldhet", "tillganglighet", "likabehandling"}
    items = lists["jamstalldhet"]
    assert items and all(i.question.sv and i.question.en for i in items)
    assert not any(i.met for i in items)  # only declarations in the weak draft


def test_team_override_needs_a_reason_and_is_logged_latest_wins(session, people, draft):
    item = review.checklists(session, draft)["tillganglighet"][0]
    with pytest.raises(NotAllowed):
        review.set_checklist_override(
            session, people["owner"], draft, "tillganglighet", item.key, True, "Jag tycker det."
        )
    with pytest.raises(InvalidData):
        review.set_checklist_override(
            session, people["support"], draft, "tillganglighet", item.key, True, "  "
        )
    review.set_checklist_override(
        session, people["support"], draft, "tillganglighet", item.key, True, "Står i bilaga 2."
    )
    row = next(r for r in review.checklists(session, draft)["tillganglighet"] if r.key == item.key)
    assert row.met and row.overridden and row.decision.reason == "Står i bilaga 2."
    assert row.decision.user == people["support"]
    # Confirming the automatic answer needs no reason; the latest decision wins.
    review.set_checklist_override(
        session, people["admin"], draft, "tillganglighet", item.key, False, ""
    )
    row = next(r for r in review.checklists(session, draft)["tillganglighet"] if r.key == item.key)
    assert not row.met and row.confirmed and row.decision.user == people["admin"]
    assert len(review.checklist_history(session, draft)) == 2
    logged = session.scalars(
        select(ActivityLog).where(
            ActivityLog.action == "draft.checklist_override", ActivityLog.idea_id == draft.idea_id
        )
    ).all()
    assert [(e.user_id, e.details["met"]) for e in logged] == [
        (people["support"].id, True),
        (people["admin"].id, False),
    ]
    assert logged[0].details["reason"] == "Står i bilaga 2."
    with pytest.raises(NotFound):
        review.set_checklist_override(
            session, people["support"], draft, "tillganglighet", "nope", True, "x"
        )
    assert session.scalars(select(ChecklistOverride).filter_by(draft_id=draft.id)).all()


def test_level_override_and_handing_it_back(session, people, draft):
    before = {level.principle: level for level in review.principle_levels(session, draft)}
    assert not before["jamstalldhet"].passes
    with pytest.raises(InvalidData):
        review.set_level_override(session, people["support"], draft, "jamstalldhet", "concrete", "")
    with pytest.raises(NotAllowed):
        review.set_level_override(
            session, people["partner"], draft, "jamstalldhet", "concrete", "x"
        )
    review.set_level_override(
        session, people["support"], draft, "jamstalldhet", "concrete", "Analysen finns i bilaga."
    )
    level = review.principle_levels(session, draft)[0]
    assert level.level == "concrete" and level.overridden and level.passes
    review.set_level_override(session, people["support"], draft, "jamstalldhet", None, "")
    level = review.principle_levels(session, draft)[0]
    assert not level.overridden and level.level == level.checker


def test_sign_off_is_for_the_team_in_review_and_can_be_revoked(session, people, draft, idea):
    with pytest.raises(InvalidData):
        review.sign_off(session, people["support"], draft)  # still in drafting
    idea.stage = Stage.REVIEW
    with pytest.raises(NotAllowed):
        review.sign_off(session, people["owner"], draft)
    row = review.sign_off(session, people["support"], draft)
    assert row.revision_number == draft.revision_count
    assert review.sign_off(session, people["admin"], draft) is row
    assert review.active_sign_off(session, draft) is row
    review.revoke_sign_off(session, people["admin"], draft)
    assert review.active_sign_off(session, draft) is None and row.revoked_by == people["admin"]


def test_section_comments_visibility_and_resolving(session, people, draft):
    shared = section_comments.add_section_comment(
        session,
        people["partner"],
        draft,
        "syfte",
        "Kan ni skärpa syftet?",
        quote="Syftet är  att fler\n deltagare",
    )
    assert shared.quote == "Syftet är att fler deltagare"
    internal = section_comments.add_section_comment(
        session, people["support"], draft, "syfte", "Svagt.", visibility=Visibility.INTERNAL
    )
    with pytest.raises(NotAllowed):
        section_comments.add_section_comment(
            session, people["owner"], draft, "syfte", "x", visibility=Visibility.INTERNAL
        )
    with pytest.raises(NotFound):
        section_comments.add_section_comment(session, people["other"], draft, "syfte", "Hej")
    with pytest.raises(InvalidData):
        section_comments.add_section_comment(session, people["owner"], draft, "syfte", "   ")
    assert section_comments.section_comments(session, people["owner"], draft) == [shared]
    assert section_comments.section_comments(session, people["support"], draft) == [
        shared,
        internal,
    ]
    assert section_comments.open_comment_counts(session, people["owner"], draft) == {"syfte": 1}
    assert section_comments.open_comment_counts(session, people["admin"], draft) == {"syfte": 2}
    with pytest.raises(NotFound):
        section_comments.resolve_section_comment(session, people["owner"], draft, internal.id)
    section_comments.resolve_section_comment(session, people["owner"], draft, shared.id)
    assert shared.is_resolved and shared.resolved_by == people["owner"]
    assert (
        section_comments.section_comments(session, people["owner"], draft, include_resolved=False)
        == []
    )
    section_comments.resolve_section_comment(
        session, people["owner"], draft, shared.id, reopen=True
    )
    assert not shared.is_resolved


def test_levels_for_ideas_in_one_query(session, people, idea):
    good = get_or_create_draft(session, people["owner"], idea)
    fill(session, people["owner"], good, complete_sections())
    run_check(session, good)  # stored: the portfolio reads stored runs
    other = make_idea(session, people["partner"], title="Annan idé")
    other.stage = Stage.DRAFTING
    weak = get_or_create_draft(session, people["partner"], other)
    fill(session, people["partner"], weak, weak_sections())
    run_check(session, weak)
    empty = make_idea(session, people["partner"], title="Utan ansökan")
    session.flush()
    statements = []

    def count(*_args):
        statements.append(1)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        levels = review.levels_for_ideas(session, [idea.id, other.id, empty.id])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert set(levels) == {idea.id, other.id}
    assert levels[idea.id]["jamstalldhet"] in ("concrete", "integrated")
    assert levels[other.id]["jamstalldhet"] in ("absent", "mentioned")
    assert review.levels_for_ideas(session, []) == {}


def test_missing_sections_counts_over_limit_as_missing(session, people, draft):
    assert review.missing_sections(session, draft, draft.template_key) == []
    session.execute(
        SectionRevision.__table__.update()
        .where(SectionRevision.section_key == "syfte")
        .values(text="x" * 1501)
    )
    session.expire_all()
    assert [s.key for s in review.missing_sections(session, draft, draft.template_key)] == ["syfte"]


def test_demo_drafts_load_once(session):
    load_demo_data(session, lambda password: "not-a-hash")
    added = load_demo_drafts(session)
    assert added >= 5
    assert load_demo_drafts(session) == 0
    seed = session.scalars(
        select(Draft).join(Draft.idea).where(Draft.idea.has(title="FRAMSYN ESF"))
    ).one()
    assert seed.template_key == "esf_2007" and seed.revision_count >= 6
    levels = review.levels_for_ideas(session, [seed.idea_id])[seed.idea_id]
    assert set(levels) >= {"jamstalldhet", "tillganglighet", "likabehandling"}
