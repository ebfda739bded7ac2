"""axe-core on the good-example pages and the section page's examples, mark form and advice
link, in Swedish and English, including a refused mark."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from drafting.demo import ANALYSIS, WEAK
from drafting.examples.marking import Agreement, mark_example
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.models import Municipality, Organisation, OrgType, Role, User
from pipeline.services import IdeaData, advance_stage, create_idea
from pipeline.stages import Stage
from tests.e2e.conftest import EMAILS, assert_no_serious_axe_violations, choose_language, sign_in
from web import db

pytestmark = pytest.mark.browser
KEY = "bakgrund_problemanalys"


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, int]:
    """Another organisation's marked section, and the actor's own weak one beside it."""
    with live_server.app.app_context():
        session = db.session()
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        support = session.scalars(select(User).filter_by(email=EMAILS["support"])).one()
        lender_org = Organisation(name="Åsele kommun (exempel)", type=OrgType.KOMMUN)
        session.add(lender_org)
        session.flush()
        lender = User(
            name="Lena Lånar", email="lena@e2e.example.se", role=Role.ACTOR, organisation=lender_org
        )
        session.add(lender)
        session.flush()
        kommun = session.scalars(select(Municipality).order_by(Municipality.name)).first()
        ideas = {}
        for who, title, texts in (
            (lender, "Unga vuxna i Åsele", {KEY: ANALYSIS, "mal_resultat": ANALYSIS}),
            (actor, "Unga vuxna i Skellefteå", {KEY: WEAK}),
        ):
            idea = create_idea(
                session,
                who,
                IdeaData(
                    title=title,
                    municipality_ids=[kommun.id],
                    lead_organisation_id=who.organisation_id,
                ),
            )
            advance_stage(session, support, idea, Stage.DRAFTING, "Skriv ansökan")
            draft = get_or_create_draft(session, who, idea)
            for key, text in texts.items():
                save_section(session, who, draft, key, text, None)
            ideas[who.id] = (idea, draft)
        lent_idea, lent_draft = ideas[lender.id]
        example = mark_example(
            session,
            support,
            lent_draft,
            KEY,
            latest_revision(session, lent_draft, KEY).id,
            Agreement(confirmed=True, name="Lena Lånar", on=dt.date(2026, 11, 30)),
        )
        session.commit()
        return {"lent": lent_idea.id, "mine": ideas[actor.id][0].id, "example": example.id}


PAGES = [
    ("section-examples", "/ideer/{mine}/ansokan/avsnitt/" + KEY, "actor"),
    ("section-marked-team", "/ideer/{lent}/ansokan/avsnitt/" + KEY, "support"),
    ("section-mark-form", "/ideer/{lent}/ansokan/avsnitt/mal_resultat", "support"),
    ("examples-list", "/goda-exempel", "actor"),
    ("examples-list-team", "/goda-exempel?status=all", "support"),
    ("example", "/goda-exempel/{example}", "actor"),
    ("example-team", "/goda-exempel/{example}", "support"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_axe_violations(page, live_server, world, name, path, who, lang):
    sign_in(page, live_server, who)
    page.goto(live_server(path.format(**world)))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    for summary in page.locator("#goda-exempel details > summary").all():
        summary.click()  # the examples' texts and the mark form, opened
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_writer_sees_the_example_and_the_advice_link(page, live_server, world, lang):
    sign_in(page, live_server, "actor")
    page.goto(live_server(f"/ideer/{world['mine']}/ansokan/avsnitt/{KEY}"))
    choose_language(page, lang)
    main = page.locator("main")
    assert "Unga vuxna i Åsele" in main.inner_text()
    link = {"sv": "Se ett gott exempel på", "en": "See a good example of"}[lang]
    page.get_by_role("link", name=link).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/goda-exempel/{world['example']}")
    assert "62 procent" in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_refused_mark_has_no_serious_axe_violations(page, live_server, world, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server(f"/ideer/{world['lent']}/ansokan/avsnitt/mal_resultat"))
    choose_language(page, lang)
    page.locator("#goda-exempel details.mark-example > summary").click()
    page.fill("#agreed_by_name", "Namn Som Skrevs")
    page.click("#goda-exempel details.mark-example button[type=submit]")  # the box not ticked
    page.wait_for_load_state()
    assert page.locator("#confirmed-error").count() == 1
    assert page.locator("#agreed_by_name").input_value() == "Namn Som Skrevs"
    assert_no_serious_axe_violations(page)
