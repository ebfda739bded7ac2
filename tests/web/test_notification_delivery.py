"""Notification mails: inline without Redis, through RQ with it, in the recipient's language,
once each, with digests, and the choices on Mina uppgifter."""

from __future__ import annotations

import re
import uuid

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from pipeline.models import IdeaPartner, OutboxMessage, ProjectIdea, Role, User, Visibility
from pipeline.notifications import Kind, Mode, Notification
from pipeline.notifications.preferences import set_preferences
from pipeline.reviewers import assign_reviewer
from pipeline.services import add_comment
from pipeline.stages import Stage
from tests.conftest import service_url
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import queue, worker
from web.notifications.delivery import deliver


def sessions(app):
    return app.extensions["framsyn.sessions"]


@pytest.fixture
def circle(app):
    """An idea in drafting: its owner, an English-speaking partner, a view-only partner, the
    reviewer and a stranger (ids)."""
    with sessions(app)() as session:
        lead, partner_org, viewer_org = (make_org(session) for _ in range(3))
        owner = make_user(session, Role.ACTOR, lead, name="Olga Ägare")
        partner = make_user(session, Role.ACTOR, partner_org, name="Pat Partner", locale="en")
        viewer = make_user(session, Role.ACTOR, viewer_org)
        reviewer = make_user(session, Role.SUPPORT, name="Rut Granskare")
        stranger = make_user(session, Role.ACTOR, make_org(session))
        idea = make_idea(session, owner, title="Vägar till arbete")
        idea.partners += [
            IdeaPartner(organisation_id=partner_org.id, can_edit=True),
            IdeaPartner(organisation_id=viewer_org.id, can_edit=False),
        ]
        idea.stage = Stage.DRAFTING
        assign_reviewer(session, reviewer, idea, reviewer)
        session.commit()
        return {
            "owner": owner.id,
            "partner": partner.id,
            "viewer": viewer.id,
            "reviewer": reviewer.id,
            "stranger": stranger.id,
            "idea": idea.id,
            "emails": {u.id: u.email for u in (owner, partner, viewer, reviewer, stranger)},
        }


def outbox(app) -> list[OutboxMessage]:
    with sessions(app)() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def mailed(app, circle) -> dict[str, list[OutboxMessage]]:
    names = {email: name for name, email in _named(circle).items()}
    found: dict[str, list[OutboxMessage]] = {}
    for message in outbox(app):
        found.setdefault(names.get(message.to, message.to), []).append(message)
    return found


def _named(circle) -> dict[str, str]:
    return {
        name: circle["emails"][circle[name]]
        for name in ("owner", "partner", "viewer", "reviewer", "stranger")
    }


def client_for(app, circle, who: str):
    return sign_in(app, app.test_client(), circle[who])


# --- Inline (no REDIS_URL) --------------------------------------------------------------------


def test_a_comment_is_mailed_inline_to_the_others_in_their_language(app, circle):
    client = client_for(app, circle, "owner")
    response = client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "Hur går det?"})
    assert response.status_code == 302
    got = mailed(app, circle)
    assert set(got) == {"partner", "reviewer"}  # not the owner, the viewer or a stranger
    [swedish] = got["reviewer"]
    assert swedish.subject == "Olga Ägare kommenterade Vägar till arbete."
    assert "Hur går det?" in swedish.body_text and "Hej Rut Granskare," in swedish.body_text
    assert f"http://127.0.0.1:5000/ideer/{circle['idea']}#kommentarer" in swedish.body_text
    assert "/konto/mina-uppgifter#aviseringar" in swedish.body_text
    [english] = got["partner"]
    assert english.subject == "Olga Ägare commented on Vägar till arbete."
    assert "Hello Pat Partner," in english.body_text or "Hi Pat Partner," in english.body_text
    with sessions(app)() as session:
        rows = session.scalars(select(Notification)).all()
        assert all(r.delivered_at is not None and r.outbox_message_id for r in rows)


def test_an_internal_comment_reaches_the_reviewer_never_an_actor(app, circle):
    with sessions(app)() as session:
        other_team = make_user(session, Role.SUPPORT)
        session.commit()
    client = sign_in(app, app.test_client(), other_team.id)
    response = client.post(
        f"/ideer/{circle['idea']}/kommentera",
        data={"body": "Budgeten ser hög ut.", "visibility": Visibility.INTERNAL.value},
    )
    assert response.status_code == 302
    got = mailed(app, circle)
    assert set(got) == {"reviewer"}
    assert "Intern kommentar" in got["reviewer"][0].body_text


def test_an_internal_comment_never_leaves_for_an_actor_even_if_recorded(app, circle):
    """The second wall: a notice of an internal comment to an actor is not sent."""
    with app.app_context(), sessions(app)() as session:
        comment = add_comment(
            session,
            session.get(type_user(), circle["reviewer"]),
            session.get(idea_type(), circle["idea"]),
            "Intern",
            Visibility.INTERNAL,
        )
        forged = Notification(
            kind=Kind.COMMENT,
            subject="comment",
            subject_id=comment.id,
            recipient_id=circle["owner"],
            idea_id=circle["idea"],
        )
        session.add(forged)
        session.flush()
        forged_id = forged.id
        session.info.clear()
        session.commit()
        assert deliver([forged_id]).sent == 0
    assert "owner" not in mailed(app, circle)


def type_user():
    from pipeline.models import User

    return User


def idea_type():
    from pipeline.models import ProjectIdea

    return ProjectIdea


def test_a_savepoint_inside_the_transaction_does_not_send_early(app, circle):
    """SQLAlchemy reports a released SAVEPOINT as a commit: the notices recorded before it
    must wait for the real commit (on SQLite, delivering then waited 30 s on the open
    transaction's lock and failed)."""
    import time

    with app.app_context():
        with sessions(app)() as session:
            owner = session.get(User, circle["owner"])
            idea = session.get(ProjectIdea, circle["idea"])
            add_comment(session, owner, idea, "Före sparpunkten", Visibility.SHARED)
            session.flush()
            started = time.perf_counter()
            with session.begin_nested():
                add_comment(session, owner, idea, "I sparpunkten", Visibility.SHARED)
            assert time.perf_counter() - started < 5
            assert outbox(app) == []  # nothing has left before the commit
            session.commit()
    got = mailed(app, circle)
    assert sorted(m.body_text.count("sparpunkten") for m in got["reviewer"]) == [1, 1]
    assert len(got["partner"]) == 2


def test_delivering_twice_sends_once(app, circle):
    client = client_for(app, circle, "partner")
    client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "En gång"})
    before = len(outbox(app))
    with sessions(app)() as session:
        ids = list(session.scalars(select(Notification.id)))
    with app.app_context():
        assert deliver(ids).sent == 0
        assert deliver(ids).sent == 0
    assert len(outbox(app)) == before == 2


def test_a_move_mails_the_stage_change(app, circle):
    client = client_for(app, circle, "reviewer")
    response = client.post(
        f"/ideer/{circle['idea']}/flytta", data={"target": Stage.PARKED.value, "comment": "Paus"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    got = mailed(app, circle)
    assert set(got) == {"owner", "partner"}
    assert got["owner"][0].subject == (
        "Rut Granskare flyttade Vägar till arbete från Ansökan skrivs till Vilande."
    )
    assert "Paus" in got["owner"][0].body_text
    assert "from Drafting to Parked" in got["partner"][0].subject


def test_off_and_digest_are_honoured_and_digests_go_once(app, circle):
    with sessions(app)() as session:
        owner = session.get(type_user(), circle["owner"])
        reviewer = session.get(type_user(), circle["reviewer"])
        set_preferences(session, owner, owner, {Kind.COMMENT: Mode.DIGEST})
        set_preferences(session, reviewer, reviewer, {Kind.COMMENT: Mode.OFF})
        session.commit()
    client = client_for(app, circle, "partner")
    for body in ("Första", "Andra"):
        client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": body})
    assert mailed(app, circle) == {}  # the owner waits for the digest, the reviewer chose off
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-digests"])
    assert result.exit_code == 0 and "Digests sent: 1" in result.output
    [digest] = mailed(app, circle)["owner"]
    assert digest.subject == "Framsyn: 2 händelser sedan förra sammanfattningen"
    assert "== Vägar till arbete ==" in digest.body_text
    assert "Första" in digest.body_text and "Andra" in digest.body_text
    again = runner.invoke(args=["send-digests"])
    assert "Digests sent: 0" in again.output
    assert len(outbox(app)) == 1
    # Turned off after the event: a pending digest item is not sent.
    client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "Tredje"})
    with sessions(app)() as session:
        owner = session.get(type_user(), circle["owner"])
        set_preferences(session, owner, owner, {Kind.COMMENT: Mode.OFF})
        session.commit()
    assert "Digests sent: 0" in runner.invoke(args=["send-digests"]).output
    assert len(outbox(app)) == 1


def test_the_outbox_shows_notifications(app, circle):
    client = client_for(app, circle, "partner")
    client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "Synlig i utskick"})
    with sessions(app)() as session:
        admin = make_user(session, Role.ADMIN)
        session.commit()
    page = sign_in(app, app.test_client(), admin.id).get("/admin/utskick")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pat Partner kommenterade Vägar till arbete." in html


# --- The account page -------------------------------------------------------------------------


def test_the_account_page_saves_choices_and_keeps_a_refused_post(app, circle):
    client = client_for(app, circle, "owner")
    page = client.get("/konto/mina-uppgifter").get_data(as_text=True)
    assert 'id="aviseringar"' in page and "En sammanfattning om dagen" in page
    choices = {kind.value: Mode.IMMEDIATE.value for kind in Kind}
    refused = client.post(
        "/konto/mina-uppgifter/aviseringar",
        data={**choices, Kind.STAGE.value: "sometimes", Kind.COMMENT.value: Mode.OFF.value},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Välj hur du vill få de här meddelandena." in html
    # What was chosen stays chosen.
    assert re.search(r'<input checked id="comment-\d" name="comment" [^>]*value="off"', html)
    saved = client.post(
        "/konto/mina-uppgifter/aviseringar",
        data={**choices, Kind.STAGE.value: Mode.DIGEST.value, Kind.COMMENT.value: "off"},
    )
    assert saved.status_code == 302
    with sessions(app)() as session:
        from pipeline.notifications.preferences import preferences

        chosen = preferences(session, session.get(type_user(), circle["owner"]))
        assert chosen[Kind.STAGE] == Mode.DIGEST and chosen[Kind.COMMENT] == Mode.OFF
        assert chosen[Kind.SIGN_OFF] == Mode.IMMEDIATE
    english = client_for(app, circle, "partner").get("/konto/mina-uppgifter")
    text = english.get_data(as_text=True)
    assert "A daily digest" in text and "Email about your ideas" in text


def test_the_account_form_needs_its_csrf_token(sqlite_url):
    from web import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": True}
    )
    with sessions(app)() as session:
        user = make_user(session, Role.ACTOR, make_org(session))
        session.commit()
    client = sign_in(app, app.test_client(), user.id)
    response = client.post("/konto/mina-uppgifter/aviseringar", data={"stage": "off"})
    assert response.status_code == 400
    assert "Formuläret kunde inte skickas" in response.get_data(as_text=True)
    app.extensions["framsyn.engine"].dispose()


# --- Redis ------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    url = service_url("TEST_REDIS_URL")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis is not answering: {exc}")
    return url


@pytest.fixture
def rq_app(redis_url, sqlite_url, circle):
    """An app on the same SQLite file as `circle`, on a queue private to this test."""
    from web import create_app

    name = f"framsyn-notify-{uuid.uuid4().hex[:12]}"
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "REDIS_URL": redis_url,
            "JOB_QUEUE": name,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    yield application
    Queue(name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)
    application.extensions["framsyn.engine"].dispose()


def burst(application) -> None:
    with application.app_context():
        simple = worker.FramsynSimpleWorker([queue.queue()], connection=queue.connection())
        simple.work(burst=True)


@pytest.mark.redis
def test_with_redis_mails_wait_for_the_worker_and_go_once(rq_app, circle):
    client = client_for(rq_app, circle, "owner")
    response = client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "Via kön"})
    assert response.status_code == 302
    assert outbox(rq_app) == []  # never sent in the request
    with rq_app.app_context():
        assert queue.queue().count == 1
        ids = list(sessions(rq_app)().scalars(select(Notification.id)))
        queue.enqueue_notifications(ids)  # the same ids again, as a retry would
    burst(rq_app)
    got = mailed(rq_app, circle)
    assert {k: len(v) for k, v in got.items()} == {"partner": 1, "reviewer": 1}
    assert "Via kön" in got["reviewer"][0].body_text


@pytest.mark.redis
def test_redis_down_leaves_the_notice_for_send_notifications(circle, sqlite_url):
    from web import create_app

    down = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = client_for(down, circle, "owner")
    response = client.post(f"/ideer/{circle['idea']}/kommentera", data={"body": "Ändå sparad"})
    assert response.status_code == 302  # the comment is saved; no error page
    assert outbox(down) == []
    down.config["REDIS_URL"] = None
    result = down.test_cli_runner().invoke(args=["send-notifications", "--older-than", "0"])
    assert "Notifications sent: 2" in result.output
    assert len(outbox(down)) == 2
    down.extensions["framsyn.engine"].dispose()
