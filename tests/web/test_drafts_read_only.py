"""The drafts pages only read: the draft and its first check are made when the idea enters
drafting (or by the explicit "Börja skriva ansökan" post), never by opening a page."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest
from sqlalchemy import event, func, select

from drafting.models import CheckFinding, CheckRun, Draft
from drafting.revisions import latest_revision, save_section
from pipeline.models import IdeaPartner, Role, User
from pipeline.services import advance_stage
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db

WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class World:
    idea: int
    owner: int
    reader: int
    support: int


@pytest.fixture
def world(app) -> World:
    """An idea moved into Ansökan skrivs by the team, and a partner who may only read it."""
    with app.app_context():
        session = db.session()
        lead, partner = make_org(session), make_org(session)
        owner = make_user(session, Role.ACTOR, lead)
        reader = make_user(session, Role.ACTOR, partner)
        support = make_user(session, Role.SUPPORT)
        idea = make_idea(session, owner, title="Läsande sidor")
        idea.partners.append(IdeaPartner(organisation_id=partner.id, can_edit=False))
        session.flush()
        advance_stage(session, support, idea, Stage.DRAFTING)
        session.commit()
        return World(idea.id, owner.id, reader.id, support.id)


@contextlib.contextmanager
def no_writes(app):
    """Fail on any INSERT, UPDATE or DELETE the app's engine sends while the block runs."""
    engine = app.extensions["framsyn.engine"]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement.split("\n")[0][:120])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen == [], seen


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        session = db.session()
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Draft, CheckRun, CheckFinding)
        )


def test_the_move_into_drafting_starts_the_draft_and_its_first_check(app, world):
    with app.app_context():
        session = db.session()
        draft = session.scalars(select(Draft).where(Draft.idea_id == world.idea)).one()
        runs = session.scalars(select(CheckRun).where(CheckRun.draft_id == draft.id)).all()
    assert draft.revision_count == 0
    assert [(r.revision_number, r.levels["jamstalldhet"]) for r in runs] == [(0, "absent")]


@pytest.mark.parametrize("path", ["", "/avsnitt/syfte", "/jamfor", "/jamfor?fran=0&till=1"])
def test_the_pages_write_nothing_even_when_the_stored_check_is_behind(app, client, world, path):
    with app.app_context():
        session = db.session()
        owner = session.get(User, world.owner)
        draft = session.scalars(select(Draft).where(Draft.idea_id == world.idea)).one()
        # A save without a check: the page must work out the current result without storing it.
        save_section(session, owner, draft, "syfte", "Fler kvinnor och män får arbete.", None,
                     check=False)  # fmt: skip
        session.commit()
    client = sign_in(app, client, world.owner)
    before = counts(app)
    with no_writes(app):
        response = client.get(f"/ideer/{world.idea}/ansokan{path}")
    assert response.status_code == 200
    assert counts(app) == before


def test_an_idea_in_drafting_without_a_draft_offers_to_start_it(app, client, world):
    with app.app_context():
        session = db.session()
        owner = session.get(User, world.owner)
        # An idea that reached the stage before drafts were started by the move.
        idea = make_idea(session, owner, title="Äldre idé")
        idea.partners.append(IdeaPartner(organisation_id=session.get(User, world.reader)
                                         .organisation_id, can_edit=False))  # fmt: skip
        idea.stage = Stage.DRAFTING
        session.commit()
        world = World(idea.id, world.owner, world.reader, world.support)
    before = counts(app)
    reader = sign_in(app, app.test_client(), world.reader)
    with no_writes(app):
        page = reader.get(f"/ideer/{world.idea}/ansokan").get_data(as_text=True)
    assert "Ansökan är inte påbörjad ännu." in page and "Börja skriva ansökan" not in page
    refused = reader.post(f"/ideer/{world.idea}/ansokan/paborja")
    assert refused.status_code == 403 and counts(app) == before

    owner = sign_in(app, client, world.owner)
    with no_writes(app):
        page = owner.get(f"/ideer/{world.idea}/ansokan/avsnitt/syfte").get_data(as_text=True)
    assert "Börja skriva ansökan" in page and 'action="/ideer/' in page
    started = owner.post(f"/ideer/{world.idea}/ansokan/paborja")
    assert started.status_code == 302 and started.location.endswith(f"/ideer/{world.idea}/ansokan")
    started_counts = counts(app)
    assert started_counts[:2] == (before[0] + 1, before[1] + 1)
    # A second post (another tab) starts nothing new.
    assert owner.post(f"/ideer/{world.idea}/ansokan/paborja").status_code == 302
    assert counts(app) == started_counts
    with app.app_context():
        session = db.session()
        draft = session.scalars(select(Draft).where(Draft.idea_id == world.idea)).one()
        assert latest_revision(session, draft, "syfte") is None


def test_before_drafting_the_pages_say_so_and_write_nothing(app, client):
    with app.app_context():
        session = db.session()
        owner = make_user(session, Role.ACTOR, make_org(session))
        idea = make_idea(session, owner, title="Tidig idé")
        session.commit()
        ids = (idea.id, owner.id)
    client = sign_in(app, client, ids[1])
    with no_writes(app):
        response = client.get(f"/ideer/{ids[0]}/ansokan")
    assert response.status_code == 409
    assert counts(app) == (0, 0, 0)
