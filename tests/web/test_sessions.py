"""Sign-ins that end: copied session and remember cookies stop working when they should."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from pipeline import personal_data
from pipeline.models import LoginSession, Role, User, utcnow
from tests.web.people import PASSWORD, make_people
from web import db
from web.auth import tokens

NEW_PASSWORD = "ett helt nytt lösenord 2026"


@pytest.fixture
def people(app):
    return make_people(app)


def _signed_in_client(app, email: str = "actor@example.se", *, remember: bool = False):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/konto/logga-in", data=data).status_code == 302
    return client


def _is_signed_in(client, name: str = "Actor Testsson") -> bool:
    return name in client.get("/").get_data(as_text=True)


def _copy(app, client, cookie: str = "session"):
    """A second browser holding a copy of `client`'s cookie."""
    thief = app.test_client()
    thief.set_cookie(cookie, client.get_cookie(cookie).value)
    return thief


def _sessions_of(app, user_id: int) -> int:
    with app.app_context():
        query = select(func.count()).select_from(LoginSession)
        return db.session().scalar(query.where(LoginSession.user_id == user_id))


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, people):
    client = _signed_in_client(app)
    thief = _copy(app, client)
    assert _is_signed_in(thief)
    client.post("/konto/logga-ut")
    assert not _is_signed_in(client)
    assert not _is_signed_in(thief)


def test_sign_out_ends_only_that_sign_in(app, people):
    laptop, phone = _signed_in_client(app), _signed_in_client(app)
    laptop.post("/konto/logga-ut")
    assert _is_signed_in(phone)


def test_a_remember_cookie_copied_before_sign_out_is_dead_after_it(app, people):
    client = _signed_in_client(app, remember=True)
    stolen = _copy(app, client, "remember_token")
    assert _is_signed_in(stolen)  # alone, the remember cookie signs in
    client.post("/konto/logga-ut")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", stolen.get_cookie("remember_token").value)
    assert not _is_signed_in(fresh)


def test_remember_me_lasts_at_most_thirty_days(app, people):
    client = app.test_client()
    response = client.post(
        "/konto/logga-in",
        data={"email": "actor@example.se", "password": PASSWORD, "remember": "y"},
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token" in h)
    expires = re.search(r"Expires=([^;]+)", header).group(1)
    lasts = dt.datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
    assert dt.timedelta(days=29) < lasts - utcnow() <= dt.timedelta(days=30)


def test_an_expired_sign_in_is_refused(app, people):
    client = _signed_in_client(app, remember=True)
    with app.app_context():
        session = db.session()
        for row in session.scalars(select(LoginSession)):
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.commit()
    assert not _is_signed_in(client)
    result = app.test_cli_runner().invoke(args=["purge-sessions"])
    assert result.exit_code == 0 and "1 expired sign-ins deleted." in result.output
    assert _sessions_of(app, people.actor) == 0


def test_a_new_sign_in_clears_the_persons_expired_ones(app, people):
    _signed_in_client(app)
    with app.app_context():
        session = db.session()
        for row in session.scalars(select(LoginSession)):
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
        session.commit()
    _signed_in_client(app)
    assert _sessions_of(app, people.actor) == 1


def test_changing_the_password_signs_out_every_other_session(app, people):
    client = _signed_in_client(app)
    other = _signed_in_client(app, remember=True)
    thief = _copy(app, client)
    response = client.post(
        "/konto/losenord",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _is_signed_in(client)  # with a new sign-in ...
    assert not _is_signed_in(thief)  # ... so a copy of its old cookie is dead
    assert not _is_signed_in(other)
    assert _sessions_of(app, people.actor) == 1


def test_a_remembered_sign_in_stays_remembered_after_a_password_change(app, people):
    client = _signed_in_client(app, remember=True)
    old = client.get_cookie("remember_token").value
    response = client.post(
        "/konto/losenord",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    new = client.get_cookie("remember_token").value
    assert new != old
    for value, alive in ((new, True), (old, False)):
        browser = app.test_client()
        browser.set_cookie("remember_token", value)
        assert _is_signed_in(browser) is alive


def test_a_password_reset_signs_out_every_session(app, people):
    client = _signed_in_client(app, remember=True)
    with app.app_context():
        token = tokens.reset_token(db.session().get(User, people.actor))
    browser = app.test_client()
    response = browser.post(
        f"/konto/nytt-losenord/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not _is_signed_in(client)
    assert _is_signed_in(browser)
    assert _sessions_of(app, people.actor) == 1


def test_sign_out_everywhere_from_the_account_page(app, people):
    laptop = _signed_in_client(app)
    phone = _signed_in_client(app, remember=True)
    page = laptop.get("/konto/mina-uppgifter").get_data(as_text=True)
    assert "Logga ut överallt" in page and "/konto/logga-ut-overallt" in page
    assert laptop.post("/konto/logga-ut-overallt").status_code == 302
    assert not _is_signed_in(laptop)
    assert not _is_signed_in(phone)
    assert _sessions_of(app, people.actor) == 0


def test_sign_out_everywhere_needs_a_post(app, people):
    client = _signed_in_client(app)
    assert client.get("/konto/logga-ut-overallt").status_code == 405
    assert _is_signed_in(client)


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.SUPPORT.value, "organisation_id": ""},
        {"role": Role.ACTOR.value, "organisation_id": "new"},
        {"role": Role.ACTOR.value, "organisation_id": "same", "is_active": ""},
    ],
    ids=["role", "organisation", "closed"],
)
def test_an_admin_changing_role_or_organisation_ends_the_persons_sessions(app, people, change):
    from pipeline.models import Organisation, OrgType

    victim = _signed_in_client(app)
    with app.app_context():
        session = db.session()
        other = Organisation(name="Umeå kommun", type=OrgType.KOMMUN)
        session.add(other)
        session.commit()
        other_id = other.id
    admin = _signed_in_client(app, "admin@example.se")
    org = {"": "", "new": str(other_id), "same": str(people.organisation)}[
        change["organisation_id"]
    ]
    data = {"name": "Actor Testsson", "role": change["role"], "organisation_id": org}
    if "is_active" not in change:
        data["is_active"] = "y"
    response = admin.post(f"/admin/anvandare/{people.actor}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert not _is_signed_in(victim)
    assert _sessions_of(app, people.actor) == 0


def test_an_admin_renaming_someone_keeps_them_signed_in(app, people):
    victim = _signed_in_client(app)
    admin = _signed_in_client(app, "admin@example.se")
    data = {
        "name": "Actor Nysson",
        "role": Role.ACTOR.value,
        "organisation_id": str(people.organisation),
        "is_active": "y",
    }
    assert admin.post(f"/admin/anvandare/{people.actor}", data=data).status_code == 302
    assert _is_signed_in(victim, "Actor Nysson")


def test_removing_a_person_ends_their_sessions(app, people):
    victim = _signed_in_client(app, remember=True)
    with app.app_context():
        session = db.session()
        admin = session.get(User, people.admin)
        personal_data.remove_person(session, admin, session.get(User, people.actor))
        session.commit()
    assert not _is_signed_in(victim)
    assert _sessions_of(app, people.actor) == 0


@pytest.mark.parametrize("value", ["1", "1:", ":abc", "²:abc", "99999999999:abc", "1:" + "x" * 200])
def test_malformed_session_values_sign_nobody_in(app, people, value):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = value
    assert client.get("/").status_code == 200
    assert not _is_signed_in(client)
