"""The board at a glance, in Chromium and both languages: one row of stage columns that scrolls
sideways in its own keyboard-reachable region at 1280 px, a compact view that works without
JavaScript and is remembered, and at 320 px stacked columns with a list of stages to jump to.
Also the idea list at 1280 px (nothing clipped) and the phone field (styled like the others)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.models import Municipality, User
from pipeline.services import IdeaData, advance_stage, create_idea
from pipeline.stages import BOARD_ORDER, Stage
from tests.e2e.conftest import EMAILS, assert_no_serious_axe_violations, choose_language, sign_in
from web import db

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
LONG_TITLE = "Arbetsmarknadsutbildningssamverkan och kompetensförsörjningsinsatser i inlandet"


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, int]:
    """Ideas with long titles in the first stages, moved there by the services."""
    with live_server.app.app_context():
        session = db.session()
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        support = session.scalars(select(User).filter_by(email=EMAILS["support"])).one()
        kommuner = session.scalars(select(Municipality).order_by(Municipality.name)).all()[:2]
        ids = {}
        for n, stage in enumerate((Stage.IDEA, Stage.IDEA, Stage.PRESTUDY, Stage.DRAFTING)):
            idea = create_idea(
                session,
                actor,
                IdeaData(
                    title=f"{LONG_TITLE} {n}",
                    municipality_ids=[k.id for k in kommuner],
                    contact_phone="070-123 45 67",
                ),
            )
            if stage is not Stage.IDEA:
                advance_stage(session, support, idea, stage)
            ids[f"{stage.value}-{n}"] = idea.id
        session.commit()
        return ids


def _open(browser, live_server, viewport, lang: str, path: str = "/tavla"):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, "support")
    page.goto(live_server(path))
    choose_language(page, lang)
    return context, page


def _column_tops(page) -> list[int]:
    return page.evaluate(
        "[...document.querySelectorAll('.board-column')]"
        ".map(e => Math.round(e.getBoundingClientRect().top + scrollY))"
    )


def _until(page, expression: str) -> None:
    """Poll `expression` (the page's CSP forbids the eval that wait_for_function needs)."""
    for _ in range(50):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_at_1280_px_the_stages_are_one_row_that_scrolls_sideways(browser, live_server, world, lang):
    context, page = _open(browser, live_server, WIDE, lang)
    try:
        tops = _column_tops(page)
        assert len(tops) == len(BOARD_ORDER)
        assert len(set(tops)) == 1, f"columns wrap into rows: {sorted(set(tops))}"
        assert _overflow(page) <= 1, "the page itself scrolls sideways"
        region = page.locator(".board-scroll")
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        assert (region.get_attribute("aria-label") or "").strip()
        width = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width[0] > width[1], "thirteen columns should not fit in 1280 px"
        # One row: the page is about as tall as its longest column, not four rows of them.
        tallest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.board-column')]"
            ".map(e => e.getBoundingClientRect().height))"
        )
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < tops[0] + tallest + 400, (height, tops[0], tallest)
        # The keyboard reaches the region and scrolls it.
        region.focus()
        assert page.evaluate("document.activeElement.classList.contains('board-scroll')")
        page.keyboard.press("ArrowRight")
        _until(page, "document.querySelector('.board-scroll').scrollLeft > 0")
        assert_no_serious_axe_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_compact_view_shows_title_and_kommuner_and_is_remembered(
    browser, live_server, world, lang
):
    context, page = _open(browser, live_server, WIDE, lang)
    try:
        full_height = page.evaluate("document.documentElement.scrollHeight")
        assert page.locator(".card .card-meta").count() > 0
        page.click(".board-views a[href*='visning=kompakt']")
        page.wait_for_load_state()
        assert page.locator(".board.compact").count() == 1
        cards = page.locator(".board .card")
        assert cards.count() >= len(world)
        assert page.locator(".card .card-meta, .card details.move, .card .levels").count() == 0
        card = page.locator(".card", has_text=f"{LONG_TITLE} 0")
        assert card.locator("h3 a").count() == 1 and card.locator(".card-munis").count() == 1
        assert (
            page.locator(".board-views a[aria-current]")
            .get_attribute("href")
            .endswith("visning=kompakt")
        )
        assert len(set(_column_tops(page))) == 1
        assert page.evaluate("document.documentElement.scrollHeight") < full_height
        assert_no_serious_axe_violations(page)
        # Remembered without the parameter, until the full view is chosen again.
        page.goto(live_server("/tavla"))
        assert page.locator(".board.compact").count() == 1
        page.click(".board-views a[href*='visning=full']")
        page.wait_for_load_state()
        assert page.locator(".board.compact").count() == 0
        assert page.locator(".card .card-meta").count() > 0
    finally:
        context.close()


def test_the_compact_view_works_without_javascript(browser, live_server, world):
    context = browser.new_context(viewport=WIDE, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "support")
        page.goto(live_server("/tavla?visning=kompakt"))
        assert page.locator(".board.compact .card").count() >= len(world)
        page.goto(live_server("/tavla"))
        assert page.locator(".board.compact").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_on_a_phone_the_columns_stack_under_a_list_of_stages(browser, live_server, world, lang):
    context, page = _open(browser, live_server, NARROW, lang)
    try:
        assert _overflow(page) <= 1, "the board is wider than 320 px"
        tops = _column_tops(page)
        assert tops == sorted(tops) and len(set(tops)) == len(tops), "columns should stack"
        links = page.locator(".stage-jump a")
        assert links.count() == len(BOARD_ORDER)
        headings = page.locator(".board-column h2")
        for i in range(links.count()):
            # Each link names its stage and count, exactly as the column's heading does.
            text = " ".join(links.nth(i).inner_text().split())
            assert text == " ".join(headings.nth(i).inner_text().split())
        assert page.locator(".stage-jump a[href='#col-prestudy'] .count").inner_text() != ""
        page.click(".stage-jump a[href='#col-drafting']")
        _until(page, "location.hash === '#col-drafting'")
        top = page.evaluate("document.getElementById('col-drafting').getBoundingClientRect().top")
        assert 0 <= top < 100, f"the drafting column is not at the top of the screen ({top})"
        assert page.locator("#col-drafting").is_visible()
        # And back to the list from the column.
        back = page.locator("section:has(#col-drafting) .to-stages a")
        assert back.is_visible()
        back.click()
        _until(page, "location.hash === '#skeden'")
        assert_no_serious_axe_violations(page)
    finally:
        context.close()


def test_the_idea_list_fits_1280_px(browser, live_server, world):
    context, page = _open(browser, live_server, WIDE, "sv", "/ideer")
    try:
        region = page.locator(".table-scroll")
        width = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width[0] <= width[1], f"the last column is clipped: {width}"
        last = page.locator("thead th").last
        box, frame = last.bounding_box(), region.bounding_box()
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        assert region.get_attribute("tabindex") == "0"
    finally:
        context.close()


def test_the_phone_field_looks_like_the_other_fields(page, live_server):
    sign_in(page, live_server, "actor")
    page.goto(live_server("/ideer/ny"))
    style = (
        "e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.borderTopStyle,"
        " s.borderTopColor, s.paddingTop, s.fontSize, e.getBoundingClientRect().width]; }"
    )
    assert page.locator("#contact_phone").get_attribute("type") == "tel"
    assert page.locator("#contact_phone").evaluate(style) == page.locator(
        "#contact_email"
    ).evaluate(style)
