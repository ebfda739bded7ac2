"""axe-core on the report pages, in Swedish and English, with data in every table."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.models import User
from tests.drafting.test_coverage import build_drafts
from tests.e2e.conftest import (
    EMAILS,
    assert_no_serious_axe_violations,
    choose_language,
    sign_in,
)
from tests.pipeline.test_reports import build_world

pytestmark = pytest.mark.browser

PERIOD = "?fran=2025-01-01&till=2026-12-31"
PAGES = ["tratt", "regional-balans", "principer", "deltagare", "budget"]


@pytest.fixture(scope="module")
def report_data(live_server):
    """The reports' hand-computed world, added once to the live server's database."""
    from web import db

    with live_server.app.app_context():
        session = db.session()
        if session.scalars(select(User).filter_by(email="stina@report.example.se")).first():
            return
        world = build_world(session)
        build_drafts(session, world)
        session.commit()


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("slug", PAGES)
def test_report_page_has_no_serious_axe_violations(page, live_server, report_data, slug, lang):
    sign_in(page, live_server, "support")
    page.goto(live_server(f"/rapporter/{slug}{PERIOD}"))
    choose_language(page, lang)
    assert page.locator("table.report-table").count() >= 1
    for image in page.locator("figure.report-chart img").all():
        image.scroll_into_view_if_needed()  # the charts load lazily
        width = image.evaluate(
            "img => img.complete ? img.naturalWidth"
            " : new Promise(done => { img.onload = () => done(img.naturalWidth); })"
        )
        assert width > 0, "chart not drawn"
    assert_no_serious_axe_violations(page)


def test_charts_load_under_the_page_csp(page, live_server, report_data):
    """The page's CSP stays strict, and the charts still render as images."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "support")
    response = page.goto(live_server(f"/rapporter/principer{PERIOD}"))
    assert "style-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert not [p for p in problems if "Content Security Policy" in p]
    assert EMAILS["support"]
