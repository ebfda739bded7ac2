"""WCAG 1.4.10 reflow: at 320 CSS pixels wide (a 1280-pixel screen zoomed to 400%) the pages
need no sideways scrolling; wide tables scroll inside their own region instead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.models import Municipality, Organisation, User
from pipeline.services import IdeaData, create_idea
from tests.e2e.conftest import EMAILS, sign_in
from web import db

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}


def _an_idea(live_server) -> int:
    """An idea of the actor's organisation with long words in it, made through the service."""
    with live_server.app.app_context():
        session = db.session()
        actor = session.scalars(select(User).filter_by(email=EMAILS["actor"])).one()
        kommun = session.scalars(select(Municipality).order_by(Municipality.name)).first()
        partner = session.scalars(
            select(Organisation).where(Organisation.id != actor.organisation_id)
        ).first()
        idea = create_idea(
            session,
            actor,
            IdeaData(
                title="Kompetensförsörjningssamverkansprojektet i inlandskommunerna",
                summary="Arbetsmarknadsutbildningsinsatser för långtidsarbetslösa. " * 5,
                municipality_ids=[kommun.id],
                partner_ids=[partner.id] if partner else [],
                participants_total=40,
                participants_women=20,
                participants_men=18,
                budget_total=2_500_000,
                esf_share=1_250_000,
            ),
        )
        session.commit()
        return idea.id


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/konto/logga-in", None),
        ("/", "actor"),
        ("/ideer/ny", "actor"),
        ("IDEA", "actor"),
        ("/tavla", "support"),
        ("/ideer", "support"),
        ("/rapporter/regional-balans", "support"),
        ("/admin/utlysningar", "support"),
    ],
)
def test_pages_reflow_at_400_percent_zoom(browser, live_server, path, who):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    try:
        if who:
            sign_in(page, live_server, who)
        target = f"/ideer/{_an_idea(live_server)}" if path == "IDEA" else path
        page.goto(live_server(target))
        assert page.locator("h1").count() == 1
        assert _overflow(page) <= 1, f"{target} is wider than 320 px at 400% zoom"
    finally:
        context.close()
