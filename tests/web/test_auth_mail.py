"""Outgoing mail: SMTP when configured, otherwise the log and the outbox."""

from __future__ import annotations

import smtplib

from sqlalchemy import select

from pipeline.models import OutboxMessage
from web import db, mail


class FakeSMTP:
    """Records what smtplib would have sent (the network is not part of this test)."""

    sent: list = []
    fail = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port

    def starttls(self) -> None:
        pass

    def login(self, user: str, password: str) -> None:
        self.user = user

    def send_message(self, message) -> None:
        if FakeSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no")})
        FakeSMTP.sent.append(message)

    def quit(self) -> None:
        pass


def test_without_mail_server_the_message_goes_to_log_and_outbox(app, caplog):
    with app.test_request_context(), caplog.at_level("INFO", logger="framsyn.mail"):
        record = mail.send_mail(db.session(), "a@example.se", "Ämne", "Hej")
        db.session().commit()
        assert record.sent_at is None and record.error is None
    assert "a@example.se" in caplog.text
    with app.app_context():
        assert db.session().scalars(select(OutboxMessage)).one().subject == "Ämne"


def test_with_mail_server_smtp_is_used(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail = [], False
    app.config.update(MAIL_SERVER="smtp.example.se", MAIL_USERNAME="u", MAIL_PASSWORD="p")
    with app.test_request_context():
        record = mail.send_mail(db.session(), "a@example.se", "Ämne", "Hej")
        assert record.sent_at is not None
    assert FakeSMTP.sent[0]["To"] == "a@example.se"
    assert FakeSMTP.sent[0]["From"] == app.config["MAIL_FROM"]


def test_smtp_failure_is_recorded_not_raised(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.fail = True
    app.config.update(MAIL_SERVER="smtp.example.se")
    with app.test_request_context():
        record = mail.send_mail(db.session(), "a@example.se", "Ämne", "Hej")
        assert record.sent_at is None and "SMTPRecipientsRefused" in record.error
    FakeSMTP.fail = False


def test_templates_render_in_the_recipients_language(app):
    with app.test_request_context():
        record = mail.send_template(
            db.session(),
            "a@example.se",
            "reset_password",
            "en",
            user=type("U", (), {"name": "Ann"})(),
            link="http://x/y",
            minutes=60,
        )
    assert record.subject == "Choose a new password in Framsyn"
    assert record.body_text.startswith("Hello Ann,")
