"""axe-core on the budget pages (editor with findings, an error, compare, conflict) in Swedish
and English, and the editor used without JavaScript."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from drafting.budget.model import Budget, CofinancingLine, CostLine
from drafting.budget.store import latest_budget_revision, save_budget
from drafting.revisions import get_or_create_draft
from pipeline.models import Municipality, ProjectIdea, User
from pipeline.services import IdeaData, advance_stage, create_idea
from pipeline.stages import Stage
from tests.e2e.conftest import EMAILS, assert_no_serious_axe_violations, choose_language, sign_in
from web import db

pytestmark = pytest.mark.browser

STAFF = CostLine("genomforande", "staff", "Projektledare", hours=Decimal(800), hourly_rate=50_000)


def _person(session, who: str) -> User:
    return session.scalars(select(User).filter_by(email=EMAILS[who])).one()


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, int]:
    """An idea in Ansökan skrivs whose budget has two revisions, the last one short of
    co-financing (so the page shows a finding)."""
    with live_server.app.app_context():
        session = db.session()
        actor, support = _person(session, "actor"), _person(session, "support")
        kommun = session.scalars(select(Municipality).order_by(Municipality.name)).first()
        idea = create_idea(
            session, actor, IdeaData(title="Budget för lärcentra", municipality_ids=[kommun.id])
        )
        advance_stage(session, support, idea, Stage.DRAFTING, "Skriv ansökan")
        draft = get_or_create_draft(session, actor, idea)
        cofin = CofinancingLine("genomforande", "public_cash", "Lycksele kommun", 300_000_00)
        first = save_budget(
            session,
            actor,
            draft,
            Budget(("staff_plus_40",), {"genomforande": 20}, (STAFF,), (cofin,)),
            None,
            check=False,
        )
        save_budget(
            session, actor, draft, Budget(("staff_plus_40",), {}, (STAFF,)), first.id, check=False
        )
        session.commit()
        return {"idea": idea.id}


PAGES = [
    ("budget", "/ideer/{idea}/ansokan/budget", "actor"),
    ("budget-team", "/ideer/{idea}/ansokan/budget", "support"),
    ("budget-compare", "/ideer/{idea}/ansokan/budget/jamfor", "actor"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_budget_pages_have_no_serious_axe_violations(
    page, live_server, world, name, path, who, lang
):
    sign_in(page, live_server, who)
    page.goto(live_server(path.format(**world)))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_error_and_added_row_without_javascript(browser, live_server, world, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "actor")
        page.goto(live_server(f"/ideer/{world['idea']}/ansokan/budget"))
        choose_language(page, lang)
        page.fill("#costs-0-hours", "många")
        page.click("button[value=add_cost]")
        assert page.locator("#costs-1-description").count() == 1
        assert page.input_value("#costs-0-hours") == "många"
        page.click("button[value=save]")
        assert page.locator("#error-summary").count() == 1
        assert page.input_value("#costs-0-hours") == "många"
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_budget_conflict_page_has_no_serious_axe_violations(page, live_server, world, lang):
    sign_in(page, live_server, "actor")
    page.goto(live_server(f"/ideer/{world['idea']}/ansokan/budget"))
    choose_language(page, lang)
    with live_server.app.app_context():  # someone else saves while this editor is open
        session = db.session()
        support = _person(session, "support")
        draft = get_or_create_draft(session, support, session.get(ProjectIdea, world["idea"]))
        base = latest_budget_revision(session, draft)
        hours = Decimal(900 if lang == "sv" else 950)
        line = CostLine("genomforande", "staff", "Stödteamets rad", hours=hours, hourly_rate=40_000)
        save_budget(session, support, draft, Budget((), {}, (line,)), base.id, check=False)
        session.commit()
    page.fill("#costs-0-description", f"Min rad ({lang})")
    page.click("button[value=save]")
    assert page.locator("h1").count() == 1
    assert "Stödteamets rad" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
