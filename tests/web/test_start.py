"""The start page for each role: a welcome, an actor's own ideas, the team's inbox."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from pipeline.models import ActivityLog, Call, ProjectIdea, Role, utcnow
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        org, other = make_org(session, "Malå kommun"), make_org(session, "Annan")
        actor = make_user(session, Role.ACTOR, org)
        stranger = make_user(session, Role.ACTOR, other)
        support = make_user(session, Role.SUPPORT)
        admin = make_user(session, Role.ADMIN)
        lonely = make_user(session, Role.ACTOR)
        bare = make_idea(session, actor, title="Utan kommun", municipality_ids=[])
        review = make_idea(session, actor, title="Granska mig")
        review.stage = Stage.REVIEW
        stalled = make_idea(session, actor, title="Stillastående")
        stalled.stage = Stage.PRESTUDY
        long_ago = utcnow() - dt.timedelta(days=40)
        stalled.stage_changed_at = stalled.updated_at = long_ago
        session.flush()
        session.execute(
            update(ActivityLog).where(ActivityLog.idea_id == stalled.id).values(created_at=long_ago)
        )
        make_idea(session, stranger, title="Någon annans")
        today = dt.date.today()
        session.add(
            Call(
                name="Snart stängd",
                diarienummer="2026/9",
                programme_area="A",
                opens=today - dt.timedelta(days=60),
                closes=today + dt.timedelta(days=12),
                region="Övre Norrland",
            )
        )
        session.commit()
        return {
            "actor": actor.id,
            "support": support.id,
            "admin": admin.id,
            "lonely": lonely.id,
            "bare": bare.id,
        }


def test_anonymous_sees_a_welcome_and_sign_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "Välkommen till Framsyn" in page and "/konto/logga-in" in page


def test_actor_sees_own_ideas_with_what_to_do_next(app, client, world):
    sign_in(app, client, world["actor"])
    page = client.get("/").get_data(as_text=True)
    assert "<h1>Mina idéer</h1>" in page
    assert "Utan kommun" in page and "Granska mig" in page and "Någon annans" not in page
    card = page.split("Utan kommun", 1)[1].split("</li>\n  <li", 1)[0]
    assert "Ange minst en kommun som idén gäller." in card
    assert "dagar i skedet" in page or "dag i skedet" in page
    assert "Stödteamet har nästa steg" in page  # an idea waiting for the team


def test_actor_without_organisation_is_told_so(app, client, world):
    sign_in(app, client, world["lonely"])
    assert "inte kopplat till någon organisation" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", ["support", "admin"])
def test_team_sees_what_waits_for_them(app, client, world, who):
    app.config["STALLED_AFTER_DAYS"] = 30
    sign_in(app, client, world[who])
    page = client.get("/").get_data(as_text=True)
    sections = {
        name: page.split(f'id="h-{name}"', 1)[1].split("</section>", 1)[0]
        for name in ("review", "new", "stalled", "calls")
    }
    assert "Granska mig" in sections["review"] and "(1)" in sections["review"]
    assert "Utan kommun" in sections["new"] and "Någon annans" in sections["new"]
    assert "Stillastående" in sections["stalled"] and "30 dagar" in sections["stalled"]
    assert "Snart stängd" in sections["calls"]
    app.config["STALLED_AFTER_DAYS"] = 60
    page = client.get("/").get_data(as_text=True)
    assert "Stillastående" not in page.split('id="h-stalled"', 1)[1].split("</section>", 1)[0]


def test_menu_marks_the_current_page(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get("/tavla").get_data(as_text=True)
    assert page.count('aria-current="page"') == 1
    assert 'href="/tavla" aria-current="page"' in page
    sign_in(app, client, world["actor"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/tavla"' not in page and "Mina idéer" in page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_missing_sections_are_links_into_the_editor(app, client, world, lang):
    with app.app_context():
        session = db.session()
        idea = session.scalars(select(ProjectIdea).filter_by(title="Granska mig")).one()
        idea.stage = Stage.DRAFTING
        session.commit()
        idea_id = idea.id
    sign_in(app, client, world["actor"])
    client.post("/sprak", data={"locale": lang})
    page = client.get("/").get_data(as_text=True)
    card = page.split("Granska mig", 1)[1].split('<li class="card">', 1)[0]
    links = re.findall(rf'<a href="/ideer/{idea_id}/ansokan/avsnitt/(\w+)">([^<]+)</a>', card)
    assert ("sammanfattning", "Sammanfattning" if lang == "sv" else "Summary") in links
    assert len(links) > 3
    assert "Fill in every mandatory section" not in card and "Saknas:" not in card
