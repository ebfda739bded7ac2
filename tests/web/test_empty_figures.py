"""A figure nobody gave stays empty: NULL in the database, "Ej angivet" on the page, empty in
the form and the Word export, and the reports say how many ideas lack it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from drafting.word.export import metadata_rows
from pipeline.models import ProjectIdea, Role, User
from pipeline.reports import ReportFilters, balance, participants
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db

FIGURES = ("participants_women", "participants_men", "participants_total", "budget_total")


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        lead = make_org(session, "Vindelns kommun")
        actor = make_user(session, Role.ACTOR, lead)
        support = make_user(session, Role.SUPPORT)
        ids = {"actor": actor.id, "support": support.id, "umea": municipality(session).id}
        session.commit()
        return ids


def test_an_idea_with_only_a_title_keeps_its_figures_empty(app, client, world):
    sign_in(app, client, world["actor"])
    response = client.post(
        "/ideer/ny",
        data={"title": "Bara en titel", **dict.fromkeys(FIGURES, ""), "esf_share": ""},
    )
    assert response.status_code == 302
    idea_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        idea = db.session().get(ProjectIdea, idea_id)
        assert [getattr(idea, n) for n in (*FIGURES, "esf_share")] == [None] * 5
        rows = dict(metadata_rows(idea))
        assert rows["Sökt ESF-stöd"] == rows["Total projektbudget"] == "Ej angivet"
    page = client.get(response.location).get_data(as_text=True)
    assert "0 totalt" not in page and "0 kr" not in page
    assert page.count("Ej angivet") == 3  # participants, budget, ESF share
    form = client.get(f"/ideer/{idea_id}/andra").get_data(as_text=True)
    for name in (*FIGURES, "esf_share"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', form)
        assert 'value=""' in tag, tag
    client.post("/sprak", data={"locale": "en"})
    assert "Not given" in client.get(response.location).get_data(as_text=True)


def test_some_figures_given_show_which_are_missing(app, client, world):
    with app.app_context():
        session = db.session()
        actor = session.get(User, world["actor"])
        idea = make_idea(session, actor, participants_women=4, budget_total=1000)
        session.commit()
        idea_id = idea.id
    sign_in(app, client, world["actor"])
    page = client.get(f"/ideer/{idea_id}").get_data(as_text=True)
    assert "Totalt: Ej angivet; kvinnor: 4; män: Ej angivet" in page
    assert "1\xa0000 kr" in page


def test_reports_count_the_ideas_without_a_figure(app, world):
    with app.app_context():
        session = db.session()
        actor, support = session.get(User, world["actor"]), session.get(User, world["support"])
        make_idea(session, actor, title="Utan")
        make_idea(session, actor, title="Med", participants_women=3, participants_men=2,
                  participants_total=5, budget_total=100, esf_share=40)  # fmt: skip
        make_idea(session, actor, title="Noll", participants_total=0, esf_share=0,
                  budget_total=0)  # fmt: skip
        filters = ReportFilters.default(dt.date.today())
        report = participants(session, support, filters)
        assert (report.totals.ideas, report.totals.without_figures) == (3, 1)
        assert (report.totals.women, report.totals.total) == (3, 5)
        assert balance(session, support, filters).without_esf_share == 1
