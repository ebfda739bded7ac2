"""An idea's way from a local actor to the support team and back, in Chromium.

Mouse and keyboard-only versions of the flow, and axe-core on the idea, board, list and
start pages in Swedish and English.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import (
    assert_no_serious_axe_violations,
    choose_language,
    sign_in,
)

pytestmark = pytest.mark.browser


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return context, tab


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def _submit_idea_with_one_mistake(page, live_server, title: str) -> str:
    page.goto(live_server("/ideer/ny"))
    page.fill("#title", title)
    page.fill("#summary", "Unga vuxna i inlandet får stöd till arbete.")
    page.get_by_label("Skellefteå", exact=True).check()
    page.fill("#budget_total", "mycket")
    page.click("main form.idea-form p.actions button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "Total budget" in summary.inner_text()
    assert page.input_value("#title") == title  # the input is kept
    summary.locator("a[href='#budget_total']").click()
    page.fill("#budget_total", "1 000 000")
    page.click("main form.idea-form p.actions button[type=submit]")
    page.wait_for_load_state()
    found = re.search(r"/ideer/(\d+)(#.*)?$", page.url)
    assert found, page.locator("main").inner_text()[:800]
    return found.group(1)


def test_actor_submits_support_moves_actor_reads_the_comment(page, browser, live_server):
    title = f"Lärcentrum i inlandet {uuid.uuid4().hex[:6]}"
    sign_in(page, live_server, "actor")
    idea_id = _submit_idea_with_one_mistake(page, live_server, title)
    page.goto(live_server("/"))
    assert title in page.locator("main").inner_text()

    context, support = _new_page(browser)
    try:
        sign_in(support, live_server, "support")
        support.goto(live_server("/tavla"))
        support.fill("#f-q", title.upper())
        support.click("form.filters button[type=submit]")
        assert "q=" in support.url
        card = support.locator("li.card", has_text=title)
        assert card.count() == 1
        card.locator("summary").click()
        card.locator("select[name=target]").select_option("prestudy")
        card.locator("textarea[name=comment]").fill("Välkommen! Vi startar en förstudie.")
        card.locator("button[type=submit]").click()
        support.wait_for_load_state()
        assert "/tavla?" in support.url and "q=" in support.url  # back on the filtered board
        column = support.locator("section.board-column", has=support.locator("#col-prestudy"))
        assert title in column.inner_text()
    finally:
        context.close()

    page.goto(live_server(f"/ideer/{idea_id}"))
    timeline = page.locator("ol.timeline").inner_text()
    assert "Välkommen! Vi startar en förstudie." in timeline and "Förstudie" in timeline


def test_the_same_flow_with_the_keyboard_only(page, browser, live_server):
    title = f"Tangentbordets idé {uuid.uuid4().hex[:6]}"
    sign_in(page, live_server, "actor")
    page.goto(live_server("/ideer/ny"))
    _tab_to(page, "#title")
    page.keyboard.type(title)
    _tab_to(page, "#municipality_ids input[type=checkbox]")
    page.keyboard.press("Space")
    _tab_to(page, "#participants_total")
    page.keyboard.type("inte ett tal")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link to the field
    assert page.evaluate("location.hash") == "#participants_total"
    page.focus("#participants_total")  # following the link moves focus in most browsers
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    found = re.search(r"/ideer/(\d+)(#.*)?$", page.url)
    assert found, page.locator("main").inner_text()[:800]
    idea_url = live_server(f"/ideer/{found.group(1)}")

    context, support = _new_page(browser)
    try:
        sign_in(support, live_server, "support")
        support.goto(idea_url)
        _tab_to(support, "#move-prestudy")
        support.keyboard.press("Space")
        assert support.is_checked("#move-prestudy")
        _tab_to(support, "#comment")
        support.keyboard.type("Förstudie, med tangentbordet.")
        _tab_to(support, "#flytta button[type=submit]")
        with support.expect_navigation():
            support.keyboard.press("Enter")
        assert "Förstudie" in support.locator(".lead-line").inner_text()
    finally:
        context.close()

    page.goto(idea_url)
    assert "Förstudie, med tangentbordet." in page.locator("ol.timeline").inner_text()


def _some_idea_id(live_server) -> int:
    from sqlalchemy import select

    from pipeline.models import ProjectIdea, User
    from pipeline.services import IdeaData, create_idea
    from tests.e2e.conftest import EMAILS
    from web import db

    with live_server.app.app_context():
        session = db.session()
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        idea = session.scalars(
            select(ProjectIdea).filter_by(lead_organisation_id=actor.organisation_id)
        ).first()
        if idea is None:
            idea = create_idea(session, actor, IdeaData(title="Idé för axe"))
            session.commit()
        return idea.id


PAGES = [
    ("board", "/tavla", "support"),
    ("board-filtered", "/tavla?q=a&skede=idea", "support"),
    ("list", "/ideer", "support"),
    ("list-actor", "/ideer", "actor"),
    ("idea-support", "/ideer/{idea}", "support"),
    ("idea-actor", "/ideer/{idea}", "actor"),
    ("idea-new", "/ideer/ny", "actor"),
    ("idea-new-team", "/ideer/ny", "support"),
    ("idea-edit", "/ideer/{idea}/andra", "actor"),
    ("start-actor", "/", "actor"),
    ("start-support", "/", "support"),
    ("start-anonymous", "/", None),
    ("regional-projects", "/regionala-projekt", "support"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_axe_violations(page, live_server, name, path, who, lang):
    if who:
        sign_in(page, live_server, who)
    page.goto(live_server(path.format(idea=_some_idea_id(live_server))))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)


def test_form_errors_pass_axe(page, live_server):
    sign_in(page, live_server, "actor")
    page.goto(live_server("/ideer/ny"))
    page.fill("#budget_total", "x")
    page.click("main form.idea-form p.actions button[type=submit]")
    assert page.locator("#error-summary").is_visible()
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_people_editing_one_idea_lose_nothing(page, browser, live_server, lang):
    """A saves a title while B edits the summary: B gets both versions, merges and saves."""
    sign_in(page, live_server, "actor")
    idea_id = _submit_idea_with_one_mistake(page, live_server, f"Samma idé {uuid.uuid4().hex[:6]}")
    context, other = _new_page(browser)
    try:
        sign_in(other, live_server, "actor")
        page.goto(live_server(f"/ideer/{idea_id}/andra"))
        other.goto(live_server(f"/ideer/{idea_id}/andra"))
        choose_language(other, lang)
        page.fill("#title", "As nya titel")
        page.click("main form.idea-form p.actions button[type=submit]")
        page.wait_for_load_state()
        other.goto(live_server(f"/ideer/{idea_id}/andra"))  # the language switch reloaded it
        other.fill("#summary", "Bs nya sammanfattning.")
        page.goto(live_server(f"/ideer/{idea_id}/andra"))
        page.fill("#title", "As andra titel")
        page.click("main form.idea-form p.actions button[type=submit]")
        page.wait_for_load_state()
        other.click("main form.idea-form button[type=submit]")
        other.wait_for_load_state()
        summary = other.locator("#error-summary")
        assert summary.is_visible()
        table = other.locator("table.differences").inner_text()
        assert "As andra titel" in table and "Bs nya sammanfattning." in table
        assert other.input_value("#summary") == "Bs nya sammanfattning."
        assert other.locator("h1").count() == 1
        assert_no_serious_axe_violations(other)
        other.fill("#title", "As andra titel")
        other.click("main form.idea-form button[type=submit]")
        other.wait_for_load_state()
        assert re.search(rf"/ideer/{idea_id}$", other.url), other.url
        text = other.locator("main").inner_text()
        assert "As andra titel" in text and "Bs nya sammanfattning." in text
    finally:
        context.close()
