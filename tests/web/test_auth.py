"""Signing in, forgotten passwords, invitations and password changes."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from pipeline.models import OutboxMessage, Role, User
from tests.web.people import PASSWORD, make_people, sign_in
from web import db
from web.auth import tokens

NEW_PASSWORD = "ett helt nytt lösenord"


@pytest.fixture
def people(app):
    return make_people(app)


def _last_link(caplog, kind: str) -> str:
    """The link of the last mail, as the recipient gets it (here: from the server's log)."""
    return re.findall(rf"http://\S+(/konto/{kind}/\S+)", caplog.text)[-1]


def _outbox_count(app) -> int:
    with app.app_context():
        return len(db.session().scalars(select(OutboxMessage)).all())


def _old_token(app, user: User, salt: str, max_age: int) -> str:
    """A genuine token signed just over `max_age` seconds ago."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - max_age - 5

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt, signer=Earlier)
    return serializer.dumps({"u": user.id, "f": tokens.fingerprint(user)})


def test_sign_in_and_out(app, client, people):
    response = client.post(
        "/konto/logga-in", data={"email": "Actor@Example.se", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "Actor Testsson" in client.get("/").get_data(as_text=True)
    assert client.post("/konto/logga-ut").status_code == 302
    assert "Actor Testsson" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["actor@example.se", "nobody@example.se"])
def test_failed_sign_in_does_not_reveal_whether_the_email_exists(app, client, people, email):
    response = client.post("/konto/logga-in", data={"email": email, "password": "fel lösenord!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord, eller så är kontot inte aktiverat." in page
    assert f'value="{email}"' in page


def test_deactivated_user_cannot_sign_in(app, client, people):
    with app.app_context():
        db.session().get(User, people.actor).is_active = False
        db.session().commit()
    response = client.post(
        "/konto/logga-in", data={"email": "actor@example.se", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_next_parameter_stays_on_site(app, client, people):
    data = {"email": "actor@example.se", "password": PASSWORD}
    response = client.post("/konto/logga-in?next=https://evil.example/", data=data)
    assert response.location == "/"


def test_forgot_password_answer_is_the_same_for_unknown_addresses(app, client, people):
    known = client.post("/konto/glomt-losenord", data={"email": "actor@example.se"})
    assert _outbox_count(app) == 1
    unknown = client.post("/konto/glomt-losenord", data={"email": "nobody@example.se"})
    assert _outbox_count(app) == 1
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    first = client.get(known.location).get_data(as_text=True)
    assert "Om adressen hör till ett konto hos oss" in first


def test_reset_link_sets_the_password_once(app, client, people, caplog):
    client.post("/konto/glomt-losenord", data={"email": "actor@example.se"})
    link = _last_link(caplog, "nytt-losenord")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "kort", "confirm": "kort"})
    assert "Lösenordet måste ha minst 12 tecken." in response.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": "något annat här"})
    assert "Lösenorden är inte likadana." in response.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Actor Testsson" in client.get("/").get_data(as_text=True)  # signed in
    reused = client.get(link)
    assert reused.status_code == 400
    assert "Länken fungerar inte" in reused.get_data(as_text=True)
    client.post("/konto/logga-ut")
    data = {"email": "actor@example.se", "password": NEW_PASSWORD}
    assert client.post("/konto/logga-in", data=data).status_code == 302


def test_reset_link_expires_after_an_hour(app, client, people):
    with app.app_context():
        user = db.session().get(User, people.actor)
        old = _old_token(app, user, tokens.RESET_SALT, tokens.RESET_MAX_AGE)
    assert client.get(f"/konto/nytt-losenord/{old}").status_code == 400


@pytest.mark.parametrize("token", ["abc", "eyJ1IjoxfQ.x.y", "e30.aaaaaa.bbbbbb"])
def test_tampered_tokens_are_refused(client, people, token):
    assert client.get(f"/konto/nytt-losenord/{token}").status_code == 400
    assert client.get(f"/konto/inbjudan/{token}").status_code == 400


def test_reset_token_is_not_an_invitation_token(app, client, people):
    with app.app_context():
        user = db.session().get(User, people.actor)
        user.password_hash = None
        db.session().commit()
        token = tokens.reset_token(user)
    assert client.get(f"/konto/inbjudan/{token}").status_code == 400


def test_invitation_flow(app, client, people, caplog):
    sign_in(app, client, people.admin)
    data = {"name": "Stina Stöd", "email": "stina@example.se", "role": "support"}
    client.post("/admin/anvandare/bjud-in", data={**data, "organisation_id": "", "locale": "sv"})
    client.post("/konto/logga-ut")
    link = _last_link(caplog, "inbjudan")
    page = client.get(link).get_data(as_text=True)
    assert "Välkommen, Stina Stöd" in page and "Regionens stödteam" in page
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Stina Stöd" in client.get("/").get_data(as_text=True)
    assert client.get(link).status_code == 400  # single use
    with app.app_context():
        user = db.session().scalars(select(User).filter_by(email="stina@example.se")).one()
        assert user.role == Role.SUPPORT and user.password_changed_at is not None


def test_invitation_expires_after_seven_days(app, client, people):
    with app.app_context():
        session = db.session()
        user = User(name="Sen", email="sen@example.se", role=Role.SUPPORT)
        session.add(user)
        session.commit()
        old = _old_token(app, user, tokens.INVITE_SALT, tokens.INVITE_MAX_AGE)
        fresh = tokens.invitation_token(user)
    assert client.get(f"/konto/inbjudan/{old}").status_code == 400
    assert client.get(f"/konto/inbjudan/{fresh}").status_code == 200


def test_change_password(app, client, people):
    sign_in(app, client, people.support)
    data = {"current": "fel lösenord", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    page = client.post("/konto/losenord", data=data).get_data(as_text=True)
    assert "Det nuvarande lösenordet stämmer inte." in page
    data["current"] = PASSWORD
    assert client.post("/konto/losenord", data=data).status_code == 302
    client.post("/konto/logga-ut")
    login = {"email": "support@example.se", "password": NEW_PASSWORD}
    assert client.post("/konto/logga-in", data=login).status_code == 302


def test_password_may_not_be_the_email(app, client, people):
    sign_in(app, client, people.support)
    email = "support@example.se"
    data = {"current": PASSWORD, "password": email, "confirm": email}
    page = client.post("/konto/losenord", data=data).get_data(as_text=True)
    assert "Lösenordet får inte vara din e-postadress." in page


def _stored_bodies(app) -> list[str]:
    with app.app_context():
        return [m.body_text for m in db.session().scalars(select(OutboxMessage))]


def test_the_outbox_never_holds_a_usable_reset_link(app, client, people, caplog):
    client.post("/konto/glomt-losenord", data={"email": "actor@example.se"})
    (stored,) = _stored_bodies(app)
    assert "/konto/nytt-losenord/" not in stored
    assert "[Länken visas bara för mottagaren]" in stored
    # The recipient's copy (here: the console) has the link, and it works.
    assert client.get(_last_link(caplog, "nytt-losenord")).status_code == 200
    sign_in(app, client, people.admin)
    page = client.get("/admin/utskick").get_data(as_text=True)
    assert "/konto/nytt-losenord/" not in page and "Länken visas bara för mottagaren" in page


def test_the_outbox_never_holds_a_usable_invitation_link(app, client, people, caplog):
    sign_in(app, client, people.admin)
    data = {"name": "Stina Stöd", "email": "stina@example.se", "role": "support"}
    client.post("/admin/anvandare/bjud-in", data={**data, "organisation_id": "", "locale": "en"})
    (stored,) = _stored_bodies(app)
    assert (
        "/konto/inbjudan/" not in stored and "[The link is shown only to the recipient]" in stored
    )
    assert "/konto/inbjudan/" in caplog.text


def test_with_smtp_the_link_goes_only_to_the_recipient(app, client, people, monkeypatch, caplog):
    from tests.web.test_auth_mail import FakeSMTP

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], False
    app.config.update(MAIL_SERVER="smtp.example.se")
    client.post("/konto/glomt-losenord", data={"email": "actor@example.se"})
    assert "/konto/nytt-losenord/" in FakeSMTP.sent[0].get_content()
    assert "/konto/nytt-losenord/" not in _stored_bodies(app)[0]
    assert "/konto/nytt-losenord/" not in caplog.text


def test_opening_an_invitation_link_does_not_sign_anyone_out(app, client, people):
    sign_in(app, client, people.actor)
    assert client.get("/konto/inbjudan/trasig-länk").status_code == 400
    assert "Actor Testsson" in client.get("/").get_data(as_text=True)
    with app.app_context():
        session = db.session()
        invited = User(name="Ny Person", email="ny@example.se", role=Role.ACTOR)
        session.add(invited)
        session.commit()
        token = tokens.invitation_token(invited)
    assert client.get(f"/konto/inbjudan/{token}").status_code == 200
    assert "Actor Testsson" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("weak", ["abcdabcdabcd", "password1234", "lösenord1234", "qwertyuiopas"])
@pytest.mark.parametrize(
    ("locale", "message"),
    [("sv", "Lösenordet är för lätt att gissa"), ("en", "The password is too easy to guess")],
)
def test_weak_passwords_are_refused_with_a_reason(app, client, people, weak, locale, message):
    sign_in(app, client, people.actor)
    client.post("/sprak", data={"locale": locale})
    response = client.post(
        "/konto/losenord", data={"current": PASSWORD, "password": weak, "confirm": weak}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_a_long_password_is_estimated_on_its_first_characters(app, client, people):
    sign_in(app, client, people.actor)
    long = "korv med bröd och senap " * 10 + "@example.se"
    response = client.post(
        "/konto/losenord", data={"current": PASSWORD, "password": long, "confirm": long}
    )
    assert response.status_code == 302


def test_the_outbox_page_hides_links_in_messages_stored_before(app, client, people):
    from pipeline.models import OutboxMessage

    with app.app_context():
        session = db.session()
        session.add(
            OutboxMessage(
                to="old@example.se",
                subject="Gammal inbjudan",
                body_text="Välj lösenord: http://127.0.0.1:5000/konto/inbjudan/abc.def-ghi\nHej",
            )
        )
        session.commit()
    sign_in(app, client, people.admin)
    page = client.get("/admin/utskick").get_data(as_text=True)
    assert "Gammal inbjudan" in page and "abc.def-ghi" not in page
    assert "Välj lösenord: [Länken visas bara för mottagaren]" in page
