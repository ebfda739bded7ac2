"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise the server's log (the console).

Either way the message is recorded in the outbox (with `sent_at` or `error`), so an admin
can see what left and help someone whose mail did not arrive. One-time links (password
resets, invitations) go only to the recipient: the stored copy has a marker in their place,
so neither the admin outbox nor a reader of the database can take over an account.
"""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from pipeline.models import OutboxMessage, utcnow

log = logging.getLogger("framsyn.mail")
# The one-time links Framsyn sends; messages stored before links were kept out of the outbox
# may still hold them.
ONE_TIME_LINK = re.compile(r"\S*/konto/(?:nytt-losenord|inbjudan)/\S+")


def _smtp_send(config: dict[str, Any], message: EmailMessage) -> None:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    finally:
        smtp.quit()


def send_mail(
    session: Session, to: str, subject: str, body: str, *, stored_body: str | None = None
) -> OutboxMessage:
    """Send one plain-text message; the outbox record keeps `stored_body` (default `body`).

    Without MAIL_SERVER the whole message goes to the log at WARNING, so that `make run`
    shows it on the console. The caller's transaction stores the record.
    """
    config = current_app.config
    kept = body if stored_body is None else stored_body
    record = OutboxMessage(to=to, subject=subject[:200], body_text=kept)
    if config.get("MAIL_SERVER"):
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            _smtp_send(config, message)
            record.sent_at = utcnow()
        except (OSError, smtplib.SMTPException) as exc:
            record.error = f"{type(exc).__name__}: {exc}"[:2000]
            log.error("Mail to %s failed: %s", to, record.error)
    else:
        log.warning("Mail not sent (no MAIL_SERVER) to %s: %s\n%s", to, subject, body)
    session.add(record)
    session.flush()
    return record


def send_template(
    session: Session,
    to: str,
    template: str,
    locale: str | None,
    *,
    secret: dict[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render templates/mail/<template>.txt in `locale`; its first line is the subject.

    Values in `secret` (one-time links) reach only the recipient; the outbox copy shows a
    marker instead of each.
    """
    secret = secret or {}
    with force_locale(locale or "sv"):
        text = render_template(f"mail/{template}.txt", **context, **secret)
        marker = _("[Länken visas bara för mottagaren]")
        stored = render_template(f"mail/{template}.txt", **context, **dict.fromkeys(secret, marker))
    subject, _sep, body = text.partition("\n")
    _subject, _sep, stored_body = stored.partition("\n")
    return send_mail(
        session, to, subject.strip(), body.strip() + "\n", stored_body=stored_body.strip() + "\n"
    )


def without_links(body: str) -> str:
    """`body` with any one-time link replaced by the marker (for showing stored messages)."""
    return ONE_TIME_LINK.sub(_("[Länken visas bara för mottagaren]"), body)
