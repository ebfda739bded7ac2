"""Signing in and finding one's way with the keyboard alone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import EMAILS, PASSWORD

pytestmark = pytest.mark.browser


def _tab_to(page, element_id: str, limit: int = 25) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with Tab")


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server):
    page.goto(live_server("/konto/logga-in"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_sign_in_with_the_keyboard_only(page, live_server):
    page.goto(live_server("/konto/logga-in"))
    _tab_to(page, "email")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.type(EMAILS["actor"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/konto/logga-in" not in page.url
    # The header names the person (a link to their own data, described for screen readers).
    assert page.locator("header .who").inner_text().startswith("Aino Aktör")


def test_wrong_password_focuses_the_error_summary(page, live_server):
    page.goto(live_server("/konto/logga-in"))
    _tab_to(page, "email")
    page.keyboard.type(EMAILS["actor"])
    page.keyboard.press("Tab")
    page.keyboard.type("inte rätt lösenord")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link to the field
    assert page.evaluate("location.hash") == "#password"
