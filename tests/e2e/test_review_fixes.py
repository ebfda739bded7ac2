"""In the browser, both languages: a refused row of a checklist table keeps the choice and puts
focus on the reason with its message; a refused gathering keeps the ticked ideas; the overview shows
why a sign-off stopped counting. axe-core on each page as refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from drafting.demo import weak_sections
from drafting.review import checklists, sign_off
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.models import Municipality, User
from pipeline.reviewers import assign_reviewer
from pipeline.services import IdeaData, advance_stage, create_idea
from pipeline.stages import Stage
from tests.e2e.conftest import EMAILS, assert_no_serious_axe_violations, choose_language, sign_in
from web import db

pytestmark = pytest.mark.browser

MESSAGES = {
    "sv": ("Ange ett skäl för beslutet.", "komplettering begärdes"),
    "en": ("Give a reason for the decision.", "changes were requested"),
}


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, object]:
    """An idea whose weak draft was signed off and then sent back for changes."""
    with live_server.app.app_context():
        session = db.session()
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        support = session.scalars(select(User).filter_by(email=EMAILS["support"])).one()
        kommun = session.scalars(select(Municipality).order_by(Municipality.name)).first()
        idea = create_idea(
            session, actor, IdeaData(title="Granskning i webbläsaren", municipality_ids=[kommun.id])
        )
        advance_stage(session, support, idea, Stage.DRAFTING)
        draft = get_or_create_draft(session, actor, idea)
        for key, text in weak_sections().items():
            base = latest_revision(session, draft, key)
            save_section(session, actor, draft, key, text, base.id if base else None)
        advance_stage(session, actor, idea, Stage.REVIEW)
        sign_off(session, support, draft)
        advance_stage(session, support, idea, Stage.CHANGES_REQUESTED, "Mer om målgruppen.")
        item = next(r for r in checklists(session, draft)["jamstalldhet"] if not r.auto_met)
        assign_reviewer(session, support, idea, support)
        session.commit()
        return {"idea": idea.id, "item": item.key, "support": support.id}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_refused_checklist_override_is_shown_at_its_field(page, live_server, world, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server(f"/ideer/{world['idea']}/ansokan"))
    choose_language(page, lang)
    need_reason, voided = MESSAGES[lang]
    assert voided in page.locator("#godkannande").inner_text()
    table = page.locator("#princip-jamstalldhet form.checklist-form")
    table.locator(f'input[name="met-{world["item"]}"][value="1"]').check()
    table.locator("button[type=submit]").click()
    page.wait_for_load_state()
    reason = f"#reason-jamstalldhet-{world['item']}"
    assert page.evaluate("document.activeElement.id") == reason[1:]
    assert page.locator(f"{reason}-error").inner_text() == need_reason
    assert page.is_checked(f'input[name="met-{world["item"]}"][value="1"]')
    # The field is in view: the browser scrolled to the focused reason box.
    box = page.locator(reason).bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_refused_gathering_keeps_the_ticked_ideas(page, live_server, world, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server("/ideer"))
    choose_language(page, lang)
    boxes = page.locator("input[name=idea_ids]")
    ticked = [boxes.nth(i).get_attribute("value") for i in range(min(2, boxes.count()))]
    for value in ticked:
        page.check(f'input[name=idea_ids][value="{value}"]')
    page.click("fieldset.gather button[type=submit]")
    page.wait_for_load_state()
    for value in ticked:
        assert page.is_checked(f'input[name=idea_ids][value="{value}"]')
    assert page.evaluate("document.activeElement.id") == "new_title"
    assert page.locator("#new_title-error").is_visible()
    assert_no_serious_axe_violations(page)


PAGES = [
    ("start-team", "/"),
    ("idea-team", "/ideer/{idea}"),
    ("board-by-reviewer", "/tavla?granskare={support}"),
    ("list-by-reviewer", "/ideer?granskare={support}"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_review_pages_have_no_serious_axe_violations(page, live_server, world, name, path, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server(path.format(**world)))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    if name == "start-team":
        assert "Granskning i webbläsaren" in page.locator("#h-mine + *").inner_text()
    if name == "idea-team":
        assert page.locator("#reviewer_id").input_value() == str(world["support"])
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize(("lang", "over"), [("sv", "för många"), ("en", "too many")])
def test_a_long_paste_is_kept_and_leaving_unsaved_asks_first(page, live_server, world, lang, over):
    sign_in(page, live_server, "actor")
    page.goto(live_server(f"/ideer/{world['idea']}/ansokan/avsnitt/syfte"))
    choose_language(page, lang)
    pasted = "Ord " * 12_500
    page.fill("form.section-form textarea", pasted)
    assert len(page.input_value("form.section-form textarea")) == len(pasted)  # not cut
    assert over in page.locator("form.section-form .counter").inner_text()
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.locator("header a").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "/avsnitt/syfte" in page.url
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_dates_typed_with_the_keyboard_or_picked_are_the_same_in_both_languages(
    page, live_server, world, lang
):
    sign_in(page, live_server, "actor")
    page.goto(live_server(f"/ideer/{world['idea']}/andra"))
    choose_language(page, lang)
    page.fill("#period_start", "")
    page.click("#period_start")
    page.keyboard.type("2027-03-01")
    assert page.input_value("#period_start") == "2027-03-01"
    # Picking: the calendar's value comes back as ÅÅÅÅ-MM-DD whatever the browser shows.
    page.locator("#period_end ~ input.date-picker-proxy").first.fill("2028-12-31")
    page.locator("#period_end ~ input.date-picker-proxy").first.dispatch_event("change")
    assert page.input_value("#period_end") == "2028-12-31"
    assert page.locator("#period_end + button.date-picker-button").is_visible()
    assert_no_serious_axe_violations(page)
    page.click("form.idea-form button[type=submit]")
    page.wait_for_load_state()
    with live_server.app.app_context():
        from pipeline.models import ProjectIdea

        idea = db.session().get(ProjectIdea, world["idea"])
        assert (idea.period_start, idea.period_end) == (
            dt.date(2027, 3, 1),
            dt.date(2028, 12, 31),
        )
