"""In the browser, both languages: the notification choices on Mina uppgifter, picked with the
keyboard, saved and shown again; a refused post keeps the choices and explains; axe-core on each."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_no_serious_axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

TEXTS = {
    "sv": (
        "E-post om dina idéer",
        "Dina val av e-postmeddelanden är sparade.",
        "Välj hur du vill få de här meddelandena.",
    ),
    "en": (
        "Email about your ideas",
        "Your choice of e-mails is saved.",
        "Choose how you want to get these messages.",
    ),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_notification_choices_are_saved_and_shown(page, live_server, lang):
    heading, saved, refused = TEXTS[lang]
    sign_in(page, live_server, "actor")
    page.goto(live_server("/konto/mina-uppgifter"))
    choose_language(page, lang)
    assert page.locator("#aviseringar").inner_text() == heading
    assert_no_serious_axe_violations(page)
    # The keyboard moves within a group of radios.
    page.focus("#comment-0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#comment-2")  # off
    page.check("#stage-1")  # a daily digest
    page.click("form[action$='/aviseringar'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".flash-success").inner_text() == saved
    assert page.is_checked("#comment-2") and page.is_checked("#stage-1")
    assert page.is_checked("#sign_off-0")
    assert_no_serious_axe_violations(page)
    # A tampered choice is refused at its field; the other choices stay as they were.
    page.evaluate("document.querySelector('#word_job-0').value = 'sometimes'")
    page.check("#word_job-0")
    page.check("#comment-1")
    page.click("form[action$='/aviseringar'] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#word_job-error").inner_text() == refused
    assert page.locator("#error-summary").is_visible()
    assert page.is_checked("#comment-1") and page.is_checked("#stage-1")
    assert_no_serious_axe_violations(page)
    # Put the person back as the other browser tests expect them.
    for kind in ("stage", "changes_requested", "comment", "sign_off", "word_job"):
        page.check(f"#{kind}-0")
    page.evaluate("document.querySelector('#word_job-0').value = 'immediate'")
    page.click("form[action$='/aviseringar'] button[type=submit]")
    page.wait_for_load_state()
    assert page.is_checked("#word_job-0")
