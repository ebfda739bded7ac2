"""Browser tests: the app on a migrated SQLite copy served in a thread, Debian's Chromium
through Playwright, and axe-core for accessibility.

Other page owners: add your pages to PAGES in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from pipeline import accounts
from pipeline.models import Organisation, OrgType, Role, User
from tests.conftest import REQUIRE_SERVICES
from web import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "ett långt lösenord för webbläsaren"
EMAILS = {
    "admin": "admin@e2e.example.se",
    "support": "support@e2e.example.se",
    "actor": "actor@e2e.example.se",
}
INVITED_EMAIL = "invited@e2e.example.se"
SERIOUS = {"serious", "critical"}


@dataclass
class LiveServer:
    """The running app: its base URL and the Flask app (for tokens and database checks)."""

    url: str
    app: object

    def __call__(self, path: str) -> str:
        return self.url + path


def _create_people(app) -> None:
    """Demo-like people, made through the account services like real ones."""
    from web import db
    from web.auth.passwords import hash_password

    with app.app_context():
        session = db.session()
        org = Organisation(name="Skellefteå kommun", type=OrgType.KOMMUN, org_number="212000-2650")
        admin = User(name="Alva Admin", email=EMAILS["admin"], role=Role.ADMIN)
        session.add_all([org, admin])
        session.flush()
        support = accounts.invite_user(
            session,
            admin,
            name="Sam Stöd",
            email=EMAILS["support"],
            role=Role.SUPPORT,
            organisation_id=None,
        )
        actor = accounts.invite_user(
            session,
            support,
            name="Aino Aktör",
            email=EMAILS["actor"],
            role=Role.ACTOR,
            organisation_id=org.id,
        )
        accounts.invite_user(
            session,
            admin,
            name="Ines Inbjuden",
            email=INVITED_EMAIL,
            role=Role.ACTOR,
            organisation_id=org.id,
        )
        password_hash = hash_password(PASSWORD)
        for user in (admin, support, actor):
            accounts.set_password(session, user, user, password_hash)
        session.commit()


@pytest.fixture(scope="session")
def live_server(sqlite_template: Path, tmp_path_factory) -> Iterator[LiveServer]:
    """Framsyn on 127.0.0.1 and a free port, CSRF on, for the whole test session."""
    from web import create_app

    folder = tmp_path_factory.mktemp("live")
    shutil.copy(sqlite_template, folder / "live.db")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
            "REDIS_URL": None,
            "SECRET_KEY": "e2e-secret",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(folder / "instance")
    _create_people(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app.config["BASE_URL"], app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["framsyn.engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; a skip (a failure under REQUIRE_SERVICES=1) without it."""
    if not os.path.exists(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"{CHROMIUM} is missing but REQUIRE_SERVICES=1 (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page per test, every account back on the
    default language (a test that switches language must not leak it into the next)."""
    with live_server.app.app_context():
        session = db.session()
        session.execute(update(User).values(locale=None))
        session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page, live_server: LiveServer, who: str) -> None:
    """Sign in through the form as one of the people in EMAILS."""
    page.goto(live_server("/konto/logga-in"))
    page.fill("#email", EMAILS[who])
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/konto/logga-in" not in page.url, "sign-in failed"


def choose_language(page, lang: str) -> None:
    """Use the header's language switch until the page is in `lang`."""
    if page.get_attribute("html", "lang") != lang:
        page.click(f'header button[name=locale][value="{lang}"]')
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == lang


def assert_no_serious_axe_violations(page) -> None:
    """Run axe-core (shipped with axe-playwright-python, so offline) and fail on serious or
    critical violations, listing each rule and the elements it found."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    report = "\n".join(
        f"{v['impact']}: {v['id']} – {v['help']}: "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in found
    )
    assert not found, f"axe found problems on {page.url}:\n{report}"
