"""The search page, the header box, similar ideas and the candidates over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pipeline.demo import load_demo_data
from pipeline.models import Municipality, ProjectIdea, Role, User, Visibility
from pipeline.services import add_comment
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        mine, theirs = make_org(session, "Åsele kommun"), make_org(session, "Dorotea kommun")
        users = {
            "actor": make_user(session, Role.ACTOR, mine),
            "other": make_user(session, Role.ACTOR, theirs),
            "support": make_user(session, Role.SUPPORT),
        }
        own = make_idea(
            session,
            users["actor"],
            title="Undersköterskor i <Åsele>",
            summary="Vi utbildar undersköterskor & vårdbiträden.",
        )
        hidden = make_idea(
            session, users["other"], title="Dorotea vårdlyft", summary="Fler undersköterskor."
        )
        add_comment(session, users["support"], own, "Hemlighetsfull budget.", Visibility.INTERNAL)
        session.commit()
        return {"own": own.id, "hidden": hidden.id, **{k: u.id for k, u in users.items()}}


def test_the_header_has_one_search_box_when_signed_in(app, client, world):
    assert 'action="/sok"' not in client.get("/konto/logga-in").get_data(as_text=True)
    sign_in(app, client, world["actor"])
    html = client.get("/").get_data(as_text=True)
    assert html.count('action="/sok"') == 1 and 'id="site-q"' in html


def test_search_needs_a_sign_in(client):
    assert client.get("/sok?q=x").status_code == 302


def test_an_actor_finds_only_their_own_idea_escaped_and_marked(app, client, world):
    sign_in(app, client, world["actor"])
    html = client.get("/sok?q=undersköterska").get_data(as_text=True)
    assert f'href="/ideer/{world["own"]}"' in html
    assert f'href="/ideer/{world["hidden"]}"' not in html
    assert "<mark>Undersköterskor</mark> i &lt;Åsele&gt;" in html
    assert "&amp; vårdbiträden" in html
    assert client.get("/sok?q=hemlighetsfull").get_data(as_text=True).count("search-hit") == 0


def test_the_team_finds_every_idea_and_internal_comments(app, client, world):
    sign_in(app, client, world["support"])
    html = client.get("/sok?q=undersköterskor").get_data(as_text=True)
    assert f'href="/ideer/{world["own"]}"' in html and f'href="/ideer/{world["hidden"]}"' in html
    html = client.get("/sok?q=hemlighetsfull").get_data(as_text=True)
    assert "Intern kommentar" in html and "<mark>Hemlighetsfull</mark>" in html
    # the list's filters narrow the search
    kommun = f"&kommun={municipality_id(app, 'Skellefteå')}"
    assert "search-hit" not in client.get("/sok?q=undersköterskor" + kommun).get_data(as_text=True)


def test_a_count_past_the_limit_says_more_than(app, client, world, monkeypatch):
    monkeypatch.setattr("pipeline.queries.search.COUNT_LIMIT", 1)
    sign_in(app, client, world["support"])
    html = client.get("/sok?q=undersköterskor").get_data(as_text=True)
    assert "Fler än 1 idéer matchar «undersköterskor»" in html
    client.post("/sprak", data={"locale": "en"})
    html = client.get("/sok?q=undersköterskor").get_data(as_text=True)
    assert "More than 1 ideas match “undersköterskor”" in html


def municipality_id(app, name: str) -> int:
    with app.app_context():
        return municipality(db.session(), name).id


@pytest.mark.parametrize("query", ["", "och", "\"'<>*:&|!", "x" * 500])
def test_odd_queries_are_answered_calmly(app, client, world, query):
    sign_in(app, client, world["support"])
    assert client.get("/sok", query_string={"q": query, "sida": "-3"}).status_code == 200


def test_the_list_fritext_finds_inflections(app, client, world):
    sign_in(app, client, world["actor"])
    html = client.get("/ideer?q=undersköterskan").get_data(as_text=True)
    assert f'href="/ideer/{world["own"]}"' in html


@pytest.fixture
def demo(app):
    with app.app_context():
        session = db.session()
        load_demo_data(session, lambda p: "hashed:" + p)
        session.commit()


def _idea_id(app, title_start: str) -> int:
    with app.app_context():
        return db.session().scalar(
            select(ProjectIdea.id).where(ProjectIdea.title.startswith(title_start))
        )


def _team(app) -> int:
    with app.app_context():
        return db.session().scalar(select(User.id).where(User.role == Role.SUPPORT).limit(1))


def test_similar_youth_ideas_across_kommuner_on_the_idea_page(app, client, demo):
    sign_in(app, client, _team(app))
    asele = _idea_id(app, "Nästa steg – unga i Åsele och Dorotea")
    lycksele = _idea_id(app, "Ung framtid i inlandet")
    html = client.get(f"/ideer/{asele}").get_data(as_text=True)
    section = html[html.index('id="h-similar"') :]
    assert section.index(f'href="/ideer/{lycksele}"') < section.index("</section>")
    assert "Gemensamma ord:" in section and "ung" in section


def test_the_start_page_tells_the_team_of_new_ideas_alike(app, client, demo):
    sign_in(app, client, _team(app))
    html = client.get("/").get_data(as_text=True)
    assert "Nya idéer som liknar idéer i andra kommuner" in html
    assert "Vårdlyftet Storuman" in html and "Undersköterska i Norsjö" in html


def test_the_candidates_group_the_vard_ideas_and_gather_them(app, client, demo):
    with app.app_context():  # a kommun of another region is not missing from this one
        db.session().add(Municipality(code="9999", name="Annanstad", region="Region Annan"))
        db.session().commit()
    sign_in(app, client, _team(app))
    html = client.get("/regionala-kandidater").get_data(as_text=True)
    ids = [_idea_id(app, t) for t in ("Vårdlyftet Storuman", "Undersköterska i Norsjö")]
    group = next(g for g in html.split('class="candidate"')[1:] if f'/ideer/{ids[0]}"' in g)
    assert f'/ideer/{ids[1]}"' in group and "Kommuner utan idé i gruppen:" in group
    assert "Umeå" in group.split("Kommuner utan idé i gruppen:")[1]
    assert "Annanstad" not in html
    with app.app_context():
        before = db.session().scalar(select(func.count()).where(ProjectIdea.is_regional))
    response = client.post(
        "/regionala-projekt/samla",
        data={"idea_ids": ids, "new_title": "Vårdlyftet i inlandet", "next": "/"},
    )
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).where(ProjectIdea.is_regional)) == before + 1
        linked = session.scalars(select(ProjectIdea).where(ProjectIdea.id.in_(ids))).all()
        assert all(i.regional_project is not None for i in linked)
    html = client.get("/regionala-kandidater").get_data(as_text=True)
    assert f'/ideer/{ids[0]}"' not in html  # gathered ideas are no longer candidates


def test_candidates_are_for_the_team(app, client, world):
    sign_in(app, client, world["actor"])
    assert client.get("/regionala-kandidater").status_code in (403, 404)


def test_the_new_idea_form_shows_similar_ideas_and_keeps_the_text(app, client, world):
    sign_in(app, client, world["actor"])
    with app.app_context():
        before = db.session().scalar(select(func.count()).select_from(ProjectIdea))
    response = client.post(
        "/ideer/ny",
        data={
            "title": "Fler undersköterskor",
            "summary": "Vårdbiträden blir undersköterskor.",
            "liknande": "1",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Fler undersköterskor"' in html and "Vårdbiträden blir undersköterskor." in html
    section = html[html.index('id="h-similar"') :]
    assert f'href="/ideer/{world["own"]}"' in section
    assert f'href="/ideer/{world["hidden"]}"' not in html  # not the actor's to see
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(ProjectIdea)) == before
