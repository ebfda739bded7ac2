"""axe-core on the application, Word, job, regional-project, audit and personal-data pages, in
Swedish and English, including the conflict page two simultaneous editors meet."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafting.jobs.functions import create_job
from drafting.jobs.models import JobKind
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.models import Municipality, ProjectIdea, User
from pipeline.services import IdeaData, advance_stage, create_idea, link_to_regional_project
from pipeline.stages import Stage
from tests.e2e.conftest import (
    EMAILS,
    assert_no_serious_axe_violations,
    choose_language,
    sign_in,
)
from web import db

pytestmark = pytest.mark.browser


def _person(session, who: str) -> User:
    return session.scalars(select(User).filter_by(email=EMAILS[who])).one()


@pytest.fixture(scope="module")
def world(live_server) -> dict[str, int]:
    """An idea in Ansökan skrivs with two revisions, an export job and a regional project."""
    with live_server.app.app_context():
        session = db.session()
        actor, support = _person(session, "actor"), _person(session, "support")
        kommun = session.scalars(select(Municipality).order_by(Municipality.name)).first()
        idea = create_idea(
            session,
            actor,
            IdeaData(title="Lärcentrum för vuxna i inlandet", municipality_ids=[kommun.id]),
        )
        advance_stage(session, support, idea, Stage.DRAFTING, "Skriv ansökan")
        draft = get_or_create_draft(session, actor, idea)
        first = save_section(
            session, actor, draft, "syfte", "Syftet är att fler vuxna studerar.", None
        )
        save_section(
            session, actor, draft, "syfte", "Syftet är att fler kvinnor och män studerar.", first.id
        )
        job = create_job(session, kind=JobKind.EXPORT, user=actor, idea_id=idea.id)
        regional = link_to_regional_project(
            session, support, [idea], new_title="Inlandets lärcentra"
        )
        # An idea that reached drafting before the move started drafts: no draft yet.
        waiting = create_idea(
            session, actor, IdeaData(title="Äldre idé utan ansökan", municipality_ids=[kommun.id])
        )
        waiting.stage = Stage.DRAFTING
        session.commit()
        return {
            "waiting": waiting.id,
            "idea": idea.id,
            "job": job.id,
            "regional": regional.id,
            "actor": actor.id,
        }


PAGES = [
    ("draft-overview", "/ideer/{idea}/ansokan", "actor"),
    ("draft-overview-team", "/ideer/{idea}/ansokan", "support"),
    ("draft-section", "/ideer/{idea}/ansokan/avsnitt/syfte", "actor"),
    ("draft-compare", "/ideer/{idea}/ansokan/jamfor", "actor"),
    ("draft-not-started", "/ideer/{waiting}/ansokan", "actor"),
    ("word", "/jobb/ide/{idea}/word", "actor"),
    ("job-status", "/jobb/{job}", "actor"),
    ("regional-index", "/regionala-projekt", "support"),
    ("regional-project", "/regionala-projekt/{regional}", "support"),
    ("audit-log", "/admin/logg", "admin"),
    ("my-data", "/konto/mina-uppgifter", "actor"),
    ("person-data", "/admin/anvandare/{actor}/personuppgifter", "admin"),
]


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_axe_violations(page, live_server, world, name, path, who, lang):
    sign_in(page, live_server, who)
    page.goto(live_server(path.format(**world)))
    choose_language(page, lang)
    assert page.locator("h1").count() == 1
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_conflict_page_has_no_serious_axe_violations(page, live_server, world, lang):
    sign_in(page, live_server, "actor")
    page.goto(live_server(f"/ideer/{world['idea']}/ansokan/avsnitt/syfte"))
    choose_language(page, lang)
    with live_server.app.app_context():  # someone else saves while this editor is open
        session = db.session()
        support = _person(session, "support")
        draft = get_or_create_draft(session, support, session.get(ProjectIdea, world["idea"]))
        base = latest_revision(session, draft, "syfte")
        save_section(session, support, draft, "syfte", f"Stödteamets version ({lang}).", base.id)
        session.commit()
    page.fill("textarea", f"Min version ({lang}).")
    page.click("form.section-form button[type=submit]")
    assert page.locator("h1").count() == 1
    assert "Stödteamets version" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
