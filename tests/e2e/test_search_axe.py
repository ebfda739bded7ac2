"""axe-core on the search page, similar ideas and the candidates, in Swedish and English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.models import Organisation, OrgType, ProjectIdea, User
from tests.e2e.conftest import EMAILS, assert_no_serious_axe_violations, choose_language, sign_in
from tests.factories import make_idea, municipality

pytestmark = pytest.mark.browser

ALIKE = "Vårdbiträden i äldreomsorgen får validering och undersköterskeutbildning på arbetstid."


@pytest.fixture(scope="module")
def alike(live_server):
    """Two similar ideas in two kommuner (one of them the actor's), once per server."""
    from web import db

    with live_server.app.app_context():
        session = db.session()
        found = session.scalars(
            select(ProjectIdea.id).where(ProjectIdea.title.startswith("Vårdlyft "))
        ).all()
        if found:
            return found
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        support = session.scalars(select(User).filter_by(email=EMAILS["support"])).one()
        other = Organisation(name="Storumans kommun", type=OrgType.KOMMUN)
        session.add(other)
        session.flush()
        ids = [
            make_idea(
                session,
                actor,
                title="Vårdlyft Skellefteå",
                summary=ALIKE,
                municipality_ids=[municipality(session, "Skellefteå").id],
            ).id,
            make_idea(
                session,
                support,
                title="Vårdlyft Storuman",
                summary=ALIKE + " Undersköterska är en skyddad yrkestitel.",
                lead_organisation_id=other.id,
                municipality_ids=[municipality(session, "Storuman").id],
            ).id,
        ]
        session.commit()
        return ids


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_search_results_have_no_serious_axe_violations(page, live_server, alike, lang):
    sign_in(page, live_server, "support")
    choose_language(page, lang)
    page.fill("#site-q", "undersköterskor")
    page.press("#site-q", "Enter")
    page.wait_for_load_state()
    assert page.locator(".search-hit").count() == 2
    assert page.locator(".search-hit mark").count() >= 2
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_candidates_and_similar_ideas_have_no_serious_axe_violations(
    page, live_server, alike, lang
):
    sign_in(page, live_server, "support")
    choose_language(page, lang)
    page.goto(live_server("/regionala-kandidater"))
    assert page.locator("section.candidate").count() >= 1
    assert_no_serious_axe_violations(page)
    page.goto(live_server(f"/ideer/{alike[0]}"))
    assert page.locator("#h-similar").is_visible()
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_new_idea_similar_step_has_no_serious_axe_violations(page, live_server, alike, lang):
    sign_in(page, live_server, "actor")
    page.goto(live_server("/ideer/ny"))
    choose_language(page, lang)
    page.fill("#title", "Vårdlyft igen")
    page.fill("#summary", ALIKE)
    page.click("button[name=liknande]")
    page.wait_for_load_state()
    assert page.input_value("#title") == "Vårdlyft igen"
    assert page.locator("#h-similar").is_visible()
    assert_no_serious_axe_violations(page)
