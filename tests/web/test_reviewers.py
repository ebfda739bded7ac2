"""Assigned reviewers and Komplettering due dates: the service rules, the start pages'
"mina att granska" and overdue lists, and the board and list filtered by reviewer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pipeline.errors import InvalidData, NotAllowed
from pipeline.models import ActivityLog, ProjectIdea, Role, User, utcnow
from pipeline.reviewers import assign_reviewer
from pipeline.services import CHANGES_DUE_DAYS, advance_stage
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        org = make_org(session, "Malå kommun")
        actor = make_user(session, Role.ACTOR, org)
        anna = make_user(session, Role.SUPPORT)
        anna.name = "Anna Granskare"
        bo = make_user(session, Role.SUPPORT)
        bo.name = "Bo Annan"
        mine = make_idea(session, actor, title="Min att granska")
        mine.stage = Stage.REVIEW
        other = make_idea(session, actor, title="Bos idé")
        other.stage = Stage.REVIEW
        late = make_idea(session, actor, title="Sen komplettering")
        late.stage = Stage.REVIEW
        session.flush()
        assign_reviewer(session, anna, mine, anna)
        assign_reviewer(session, anna, other, bo)
        assign_reviewer(session, anna, late, anna)
        advance_stage(session, anna, late, Stage.CHANGES_REQUESTED, "Mer om budgeten.")
        late.changes_due_on = utcnow().date() - dt.timedelta(days=3)  # the date has passed
        session.commit()
        return {
            "actor": actor.id, "anna": anna.id, "bo": bo.id,
            "mine": mine.id, "other": other.id, "late": late.id,
        }  # fmt: skip


def test_only_the_team_assigns_and_only_team_members_review(app, world):
    with app.app_context():
        session = db.session()
        actor, anna = session.get(User, world["actor"]), session.get(User, world["anna"])
        idea = session.get(ProjectIdea, world["mine"])
        with pytest.raises(NotAllowed):
            assign_reviewer(session, actor, idea, anna)
        with pytest.raises(InvalidData):
            assign_reviewer(session, anna, idea, actor)
        assign_reviewer(session, anna, idea, None)
        assert idea.reviewer_id is None
        entry = session.scalars(
            select(ActivityLog)
            .where(ActivityLog.action == "idea.reviewer", ActivityLog.idea_id == idea.id)
            .order_by(ActivityLog.id.desc())
        ).first()
        assert entry.details == {"reviewer_id": [world["anna"], None]}


def test_komplettering_carries_a_due_date(app, world):
    with app.app_context():
        session = db.session()
        anna = session.get(User, world["anna"])
        idea = session.get(ProjectIdea, world["mine"])
        today = utcnow().date()
        with pytest.raises(InvalidData):
            advance_stage(
                session, anna, idea, Stage.CHANGES_REQUESTED,
                changes_due_on=today - dt.timedelta(days=1),
            )  # fmt: skip
        assert idea.stage == Stage.REVIEW
        advance_stage(session, anna, idea, Stage.CHANGES_REQUESTED)
        assert idea.changes_due_on == today + dt.timedelta(days=CHANGES_DUE_DAYS)
        assert not idea.changes_overdue(today)
        assert idea.changes_overdue(today + dt.timedelta(days=CHANGES_DUE_DAYS + 1))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_start_pages_show_mine_and_overdue(app, client, world, lang):
    sign_in(app, client, world["anna"])
    client.post("/sprak", data={"locale": lang})
    page = client.get("/").get_data(as_text=True)
    mine = page.split('id="h-mine"', 1)[1].split("</section>", 1)[0]
    overdue = page.split('id="h-overdue"', 1)[1].split("</section>", 1)[0]
    assert ("Mina att granska" if lang == "sv" else "Mine to review") in mine
    assert "Min att granska" in mine and "Sen komplettering" in mine and "Bos idé" not in mine
    assert "(2)" in mine and "(1)" in overdue and "Sen komplettering" in overdue
    sign_in(app, client, world["actor"])
    client.post("/sprak", data={"locale": lang})
    page = client.get("/").get_data(as_text=True)
    assert ("Kompletteringen är försenad" if lang == "sv" else "The changes are overdue") in page


def test_board_and_list_filter_by_reviewer(app, client, world):
    sign_in(app, client, world["anna"])
    listing = client.get(f"/ideer?granskare={world['bo']}").get_data(as_text=True)
    assert "Bos idé" in listing and "Min att granska" not in listing
    assert f'<option value="{world["bo"]}" selected>' in listing
    board = client.get(f"/tavla?granskare={world['anna']}").get_data(as_text=True)
    assert "Min att granska" in board and "Bos idé" not in board
    assert "Anna Granskare" in board  # the card names its reviewer
    assert client.get("/ideer?granskare=abc").status_code == 200


def test_the_idea_page_assigns_a_reviewer(app, client, world):
    sign_in(app, client, world["anna"])
    page = client.get(f"/ideer/{world['other']}").get_data(as_text=True)
    assert 'action="/ideer/{}/granskare"'.format(world["other"]) in page
    response = client.post(
        f"/ideer/{world['other']}/granskare", data={"reviewer_id": str(world["anna"])}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(ProjectIdea, world["other"]).reviewer_id == world["anna"]
    bad = client.post(
        f"/ideer/{world['other']}/granskare", data={"reviewer_id": str(world["actor"])}
    )
    assert bad.status_code == 302
    with app.app_context():
        assert db.session().get(ProjectIdea, world["other"]).reviewer_id == world["anna"]
    sign_in(app, client, world["actor"])
    assert "/granskare" not in client.get(f"/ideer/{world['other']}").get_data(as_text=True)
    refused = client.post(f"/ideer/{world['other']}/granskare", data={"reviewer_id": ""})
    assert refused.status_code in (302, 403)
    with app.app_context():
        assert db.session().get(ProjectIdea, world["other"]).reviewer_id == world["anna"]
