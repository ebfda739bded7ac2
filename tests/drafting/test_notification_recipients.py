"""Who is told about what: lead and editing-partner people and the reviewer, never the actor,
internal comments only to the team, each person's choice honoured, every event once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import drafting
from drafting.demo import complete_sections
from drafting.jobs.functions import create_job, run_job
from drafting.jobs.models import JobKind
from drafting.revisions import get_or_create_draft
from drafting.section_comments import add_section_comment
from drafting.sign_offs import sign_off
from pipeline.errors import NotAllowed
from pipeline.models import IdeaPartner, Role, Visibility
from pipeline.notifications import Kind, Mode, Notification, recipients, record
from pipeline.notifications.delivery import claim, claim_digest, digest_recipients
from pipeline.notifications.preferences import preferences, set_preferences
from pipeline.reviewers import assign_reviewer
from pipeline.services import add_comment, advance_stage
from pipeline.stages import Stage
from tests.drafting.test_sign_offs import fill
from tests.factories import make_org, make_user

drafting.install()


@pytest.fixture
def crew(session, people, idea):
    """The idea's circle: a colleague of the owner, a view-only partner, the reviewer."""
    viewer_org = make_org(session)
    idea.partners.append(IdeaPartner(organisation_id=viewer_org.id, can_edit=False))
    colleague = make_user(session, Role.ACTOR, people["owner"].organisation)
    viewer = make_user(session, Role.ACTOR, viewer_org)
    gone = make_user(session, Role.ACTOR, people["owner"].organisation, is_active=False)
    assign_reviewer(session, people["support"], idea, people["support"])
    session.flush()
    return {**people, "colleague": colleague, "viewer": viewer, "gone": gone}


def told(session, subject_table: str | None = None) -> dict[int, list[Notification]]:
    query = select(Notification).order_by(Notification.id)
    if subject_table:
        query = query.where(Notification.subject == subject_table)
    found: dict[int, list[Notification]] = {}
    for row in session.scalars(query):
        found.setdefault(row.recipient_id, []).append(row)
    return found


def ids(*users) -> set[int]:
    return {u.id for u in users}


def test_a_stage_move_tells_lead_and_editing_partners_and_reviewer_not_the_actor(
    session, crew, idea
):
    advance_stage(session, crew["owner"], idea, Stage.PARKED)
    rows = told(session, "stage_change")
    # Not the owner (the actor), not the view-only partner, not the inactive colleague, not
    # strangers or team members who do not review the idea.
    assert set(rows) == ids(crew["colleague"], crew["partner"], crew["support"])
    assert all(r[0].kind == Kind.STAGE and r[0].actor_id == crew["owner"].id for r in rows.values())


def test_the_reviewer_moving_the_idea_is_not_told(session, crew, idea):
    draft = get_or_create_draft(session, crew["owner"], idea)
    fill(session, crew["owner"], draft, complete_sections())
    advance_stage(session, crew["owner"], idea, Stage.REVIEW)
    session.query(Notification).delete()
    advance_stage(session, crew["support"], idea, Stage.CHANGES_REQUESTED, "Mer om målgruppen.")
    rows = told(session)
    assert set(rows) == ids(crew["owner"], crew["colleague"], crew["partner"])
    assert {r[0].kind for r in rows.values()} == {Kind.CHANGES_REQUESTED}


def test_internal_comments_reach_only_the_team(session, crew, idea):
    admin_reviewer = crew["admin"]
    assign_reviewer(session, crew["support"], idea, admin_reviewer)
    add_comment(session, crew["support"], idea, "Bara för oss", Visibility.INTERNAL)
    draft = get_or_create_draft(session, crew["owner"], idea)
    add_section_comment(
        session, crew["support"], draft, "syfte", "Intern fråga", visibility=Visibility.INTERNAL
    )
    rows = told(session)
    assert set(rows) == ids(admin_reviewer)
    assert len(rows[admin_reviewer.id]) == 2
    # A team member in the lead organisation (a regional project's lead) is told too.
    crew["support"].organisation = crew["owner"].organisation
    other_team = make_user(session, Role.SUPPORT, crew["owner"].organisation)
    add_comment(session, crew["admin"], idea, "Också intern", Visibility.INTERNAL)
    latest = told(session, "comment")
    assert other_team.id in latest and crew["support"].id in latest
    assert not ids(crew["owner"], crew["colleague"], crew["partner"]) & set(latest)


def test_shared_comments_reach_the_actors_and_the_reviewer(session, crew, idea):
    add_comment(session, crew["partner"], idea, "En fråga om budgeten")
    draft = get_or_create_draft(session, crew["owner"], idea)
    add_section_comment(session, crew["support"], draft, "syfte", "Skriv mer om syftet.")
    assert set(told(session, "comment")) == ids(crew["owner"], crew["colleague"], crew["support"])
    assert set(told(session, "section_comment")) == ids(
        crew["owner"], crew["colleague"], crew["partner"]
    )


def test_a_sign_off_is_told_once(session, crew, idea):
    draft = get_or_create_draft(session, crew["owner"], idea)
    fill(session, crew["owner"], draft, complete_sections())
    advance_stage(session, crew["owner"], idea, Stage.REVIEW)
    sign_off(session, crew["admin"], draft)
    sign_off(session, crew["admin"], draft)  # the same sign-off: nothing new
    rows = told(session, "sign_off")
    assert set(rows) == ids(crew["owner"], crew["colleague"], crew["partner"], crew["support"])
    assert all(len(r) == 1 for r in rows.values())


def test_recording_an_event_again_adds_nobody_twice(session, crew, idea):
    change = advance_stage(session, crew["owner"], idea, Stage.PARKED)
    assert record(session, Kind.STAGE, change, idea, crew["owner"]) == []
    assert all(len(r) == 1 for r in told(session).values())


def test_preferences_off_digest_and_right_away(session, crew, idea):
    set_preferences(session, crew["partner"], crew["partner"], {Kind.STAGE: Mode.OFF})
    set_preferences(session, crew["colleague"], crew["colleague"], {Kind.STAGE: Mode.DIGEST})
    assert preferences(session, crew["colleague"])[Kind.STAGE] == Mode.DIGEST
    assert preferences(session, crew["colleague"])[Kind.COMMENT] == Mode.IMMEDIATE
    advance_stage(session, crew["owner"], idea, Stage.PARKED)
    add_comment(session, crew["owner"], idea, "Nu skriver vi.")
    stage = told(session, "stage_change")
    assert crew["partner"].id not in stage  # off
    assert stage[crew["colleague"].id][0].digest is True
    assert stage[crew["support"].id][0].digest is False
    # Off for one kind only: the comment still reaches the partner, right away.
    [comment] = told(session, "comment")[crew["partner"].id]
    assert comment.digest is False
    assert session.info["framsyn.notifications.new"]  # the immediate ones, for delivery


def test_only_the_person_or_an_admin_changes_their_choices(session, crew):
    with pytest.raises(NotAllowed):
        set_preferences(session, crew["support"], crew["partner"], {Kind.STAGE: Mode.OFF})
    assert set_preferences(session, crew["admin"], crew["partner"], {Kind.STAGE: Mode.OFF})
    assert set_preferences(session, crew["partner"], crew["partner"], {Kind.STAGE: Mode.OFF}) == {}


def test_a_notice_is_claimed_once_and_a_digest_once(session, crew, idea):
    set_preferences(session, crew["colleague"], crew["colleague"], {Kind.COMMENT: Mode.DIGEST})
    add_comment(session, crew["owner"], idea, "Ett")
    add_comment(session, crew["owner"], idea, "Två")
    immediate = told(session)[crew["partner"].id][0]
    assert claim(session, immediate.id) is not None
    assert claim(session, immediate.id) is None
    assert digest_recipients(session) == [crew["colleague"].id]
    assert claim(session, told(session)[crew["colleague"].id][0].id) is None  # a digest item
    assert len(claim_digest(session, crew["colleague"].id)) == 2
    assert claim_digest(session, crew["colleague"].id) == []
    assert digest_recipients(session) == []


def test_a_finished_word_job_tells_everyone_but_its_starter(session, crew, idea):
    from sqlalchemy.orm import sessionmaker

    draft = get_or_create_draft(session, crew["owner"], idea)
    fill(session, crew["owner"], draft, {"syfte": "Ett syfte."})
    job = create_job(session, kind=JobKind.EXPORT, user=crew["partner"], idea_id=idea.id)
    session.commit()  # a savepoint: the job's own sessions see it on this connection
    factory = sessionmaker(bind=session.connection(), join_transaction_mode="create_savepoint")
    run_job(job.id, job.attempt, factory)
    rows = told(session, "job")
    assert set(rows) == ids(crew["owner"], crew["colleague"], crew["support"])
    assert {r[0].kind for r in rows.values()} == {Kind.WORD_JOB}


def test_recipients_of_a_team_only_event(session, crew, idea):
    assert recipients(session, idea, team_only=True) == [crew["support"]]
    assert crew["viewer"] not in recipients(session, idea)
