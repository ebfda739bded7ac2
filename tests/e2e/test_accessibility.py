"""axe-core on every page, in Swedish and English. Add your pages to PAGES."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from pipeline.models import Municipality, Organisation, User
from tests.e2e.conftest import (
    EMAILS,
    INVITED_EMAIL,
    assert_no_serious_axe_violations,
    choose_language,
    sign_in,
)

pytestmark = pytest.mark.browser


def _first_id(model) -> Callable[[object], int]:
    def find(app) -> int:
        from web import db

        with app.app_context():
            return db.session().scalars(select(model.id).order_by(model.id)).first()

    return find


def _token_path(kind: str) -> Callable[[object], str]:
    def make(app) -> str:
        from web import db
        from web.auth import tokens

        with app.app_context():
            if kind == "reset":
                email = EMAILS["actor"]
            else:
                email = INVITED_EMAIL
            user = db.session().scalars(select(User).filter_by(email=email)).one()
            if kind == "reset":
                return f"/konto/nytt-losenord/{tokens.reset_token(user)}"
            return f"/konto/inbjudan/{tokens.invitation_token(user)}"

    return make


def _path(template: str, **finders: Callable[[object], int]) -> Callable[[object], str]:
    return lambda app: template.format(**{name: find(app) for name, find in finders.items()})


# (a name for the test id, the path or a function of the app giving it, who is signed in)
PAGES: list[tuple[str, str | Callable[[object], str], str | None]] = [
    ("login", "/konto/logga-in", None),
    ("forgot-password", "/konto/glomt-losenord", None),
    ("reset-password", _token_path("reset"), None),
    ("invitation", _token_path("invite"), None),
    ("invalid-link", "/konto/nytt-losenord/trasig", None),
    ("change-password", "/konto/losenord", "actor"),
    ("my-data", "/konto/mina-uppgifter", "actor"),
    ("start-actor", "/", "actor"),
    ("admin", "/admin/", "support"),
    ("admin-users", "/admin/anvandare", "admin"),
    ("admin-invite", "/admin/anvandare/bjud-in", "support"),
    ("admin-user-edit", _path("/admin/anvandare/{id}", id=_first_id(User)), "admin"),
    ("admin-organisations", "/admin/organisationer", "admin"),
    ("admin-organisation-new", "/admin/organisationer/ny", "admin"),
    (
        "admin-organisation-edit",
        _path("/admin/organisationer/{id}", id=_first_id(Organisation)),
        "admin",
    ),
    ("admin-calls", "/admin/utlysningar", "support"),
    ("admin-call-new", "/admin/utlysningar/ny", "support"),
    ("admin-kommuner", "/admin/kommuner", "admin"),
    ("admin-kommun-new", "/admin/kommuner/ny", "admin"),
    ("admin-kommun-edit", _path("/admin/kommuner/{id}", id=_first_id(Municipality)), "admin"),
    ("admin-outbox", "/admin/utskick", "admin"),
    ("not-found", "/finns-inte", None),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_axe_violations(page, live_server, name, path, who, lang):
    if who:
        sign_in(page, live_server, who)
    target = path(live_server.app) if callable(path) else path
    page.goto(live_server(target))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_form_with_errors_has_no_serious_axe_violations(page, live_server, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server("/admin/utlysningar/ny"))
    choose_language(page, lang)
    page.fill("#name", "")
    page.fill("#opens", "2026-05-01")
    page.fill("#closes", "2026-04-01")
    # The summary takes focus on DOMContentLoaded (a deferred script): wait for the page to
    # load, as the keyboard tests do, instead of reading focus while the script is pending.
    with page.expect_navigation():
        page.click("main button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.click("#error-summary a[href='#closes']")
    assert_no_serious_axe_violations(page)
