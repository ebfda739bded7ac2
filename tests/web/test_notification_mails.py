"""What each notification mail says, through one review loop: Komplettering with the team's
shared comments (never the internal ones), the way back with the comparison link, the
sign-off, and finished Word jobs (an export with internal comments only to the team)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import drafting
from drafting.demo import complete_sections
from drafting.revisions import get_or_create_draft
from drafting.section_comments import add_section_comment
from drafting.sign_offs import sign_off
from pipeline.models import IdeaPartner, OutboxMessage, ProjectIdea, Role, User, Visibility
from pipeline.reviewers import assign_reviewer
from pipeline.services import add_comment, advance_stage
from pipeline.stages import Stage
from tests.drafting.test_sign_offs import fill
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in

drafting.install()


@pytest.fixture(scope="module", autouse=True)
def _nlp_loaded():
    """Load the Swedish pipeline once, outside requests (an import hook warns on first load)."""
    import warnings

    from drafting.checker.nlp import get_nlp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        get_nlp()


def sessions(app):
    return app.extensions["framsyn.sessions"]


@pytest.fixture
def loop(app):
    """An idea in review with a complete draft; owner, editing partner, reviewer, admin."""
    with sessions(app)() as session:
        owner = make_user(session, Role.ACTOR, make_org(session), name="Olga Ägare")
        partner = make_user(session, Role.ACTOR, make_org(session), name="Pat Partner")
        reviewer = make_user(session, Role.SUPPORT, name="Rut Granskare")
        admin = make_user(session, Role.ADMIN, name="Ada Admin")
        idea = make_idea(session, owner, title="Vägar till arbete")
        idea.partners.append(IdeaPartner(organisation_id=partner.organisation_id, can_edit=True))
        idea.stage = Stage.DRAFTING
        session.flush()
        draft = get_or_create_draft(session, owner, idea)
        fill(session, owner, draft, complete_sections())
        advance_stage(session, owner, idea, Stage.REVIEW)
        assign_reviewer(session, reviewer, idea, reviewer)
        session.commit()  # outside an app context: nothing is delivered for the set-up
        return {
            "owner": owner.id,
            "partner": partner.id,
            "reviewer": reviewer.id,
            "admin": admin.id,
            "idea": idea.id,
            "draft": draft.id,
        }


def mails_to(app, user_id: int) -> list[OutboxMessage]:
    with sessions(app)() as session:
        email = session.get(User, user_id).email
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
            )
        )


def test_komplettering_carries_the_shared_comments_and_the_way_back_links_the_changes(app, loop):
    with app.app_context():
        session = sessions(app)()
        reviewer = session.get(User, loop["reviewer"])
        owner = session.get(User, loop["owner"])
        idea = session.get(ProjectIdea, loop["idea"])
        draft = get_or_create_draft(session, owner, idea)
        add_section_comment(
            session, reviewer, draft, "syfte", "Skriv vem som gör vad.", quote="Vi ska hjälpa"
        )
        add_section_comment(
            session,
            reviewer,
            draft,
            "syfte",
            "HEMLIG: budgeten är för hög",
            visibility=Visibility.INTERNAL,
        )
        add_comment(session, reviewer, idea, "Ring mig om målgruppen.")
        add_comment(session, reviewer, idea, "HEMLIG intern idékommentar", Visibility.INTERNAL)
        session.commit()
        due = dt.date.today() + dt.timedelta(days=20)
        advance_stage(
            session,
            reviewer,
            idea,
            Stage.CHANGES_REQUESTED,
            "Se kommentarerna.",
            changes_due_on=due,
        )
        session.commit()
        [*_comments, request] = mails_to(app, loop["owner"])
        assert request.subject == "Rut Granskare begär komplettering av Vägar till arbete."
        body = request.body_text
        assert "Se kommentarerna." in body and "Sista dag:" in body
        assert "Stödteamets kommentarer:" in body
        assert "Skriv vem som gör vad." in body and "» Vi ska hjälpa" in body
        assert "Ring mig om målgruppen." in body
        assert "HEMLIG" not in body
        assert f"/ideer/{idea.id}/ansokan" in body
        assert not any("HEMLIG" in m.body_text for m in mails_to(app, loop["owner"]))
        assert not any("HEMLIG" in m.body_text for m in mails_to(app, loop["partner"]))

        fill(session, owner, draft, {"syfte": "Coachen träffar varje deltagare varje vecka."})
        advance_stage(session, owner, idea, Stage.REVIEW, "Nu är syftet tydligare.")
        session.commit()
        back = mails_to(app, loop["reviewer"])[-1]
        assert back.subject == (
            "Olga Ägare flyttade Vägar till arbete från Komplettering till Granskning."
        )
        assert f"/ideer/{idea.id}/ansokan/jamfor?fran=" in back.body_text
        assert mails_to(app, loop["owner"])[-1].id == request.id  # not told of their own move

        sign_off(session, session.get(User, loop["admin"]), draft)
        session.commit()
        [signed] = [m for m in mails_to(app, loop["owner"]) if "godkände" in m.subject]
        assert signed.subject == (
            f"Ada Admin godkände ansökan för Vägar till arbete (revision {draft.revision_count})."
        )
        session.close()


def test_a_finished_export_is_mailed_and_one_with_internal_comments_only_to_the_team(app, loop):
    client = sign_in(app, app.test_client(), loop["owner"])
    response = client.post(f"/jobb/ide/{loop['idea']}/export", data={"export-revision": "-1"})
    assert response.status_code == 302
    job_path = response.headers["Location"]
    [export] = [m for m in mails_to(app, loop["reviewer"]) if "Word" in m.subject]
    assert export.subject.startswith("Olga Ägare exporterade ansökan för Vägar till arbete")
    assert job_path in export.body_text
    assert not [m for m in mails_to(app, loop["owner"]) if "Word" in m.subject]

    with sessions(app)() as session:
        idea = session.get(ProjectIdea, loop["idea"])
        draft = get_or_create_draft(session, session.get(User, loop["owner"]), idea)
        add_section_comment(
            session,
            session.get(User, loop["admin"]),
            draft,
            "syfte",
            "Intern",
            visibility=Visibility.INTERNAL,
        )
        session.commit()
    admin = sign_in(app, app.test_client(), loop["admin"])
    response = admin.post(
        f"/jobb/ide/{loop['idea']}/export",
        data={"export-revision": "-1", "export-comments": "y"},
    )
    assert response.status_code == 302
    assert len([m for m in mails_to(app, loop["reviewer"]) if "Word" in m.subject]) == 2
    assert not [m for m in mails_to(app, loop["owner"]) if "Word" in m.subject]
    assert not [m for m in mails_to(app, loop["partner"]) if "Ada Admin exporterade" in m.subject]
