"""Sending notifications: one mail per immediate notice, one digest per person and day.

Each notice is claimed in the transaction that sends its mail (pipeline.notifications.delivery),
so delivering the same ids twice, a retried RQ job or two digest runs send nothing twice.
Mails are written in the recipient's language (their chosen one, else Swedish).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from pipeline.i18n import LOCALES
from pipeline.models import OutboxMessage, User
from pipeline.notifications.delivery import (
    claim,
    claim_digest,
    digest_recipients,
    mark_sent,
    pending_immediate,
)
from web.mail import send_mail
from web.notifications.messages import compose, external_url

log = logging.getLogger("framsyn.notifications")


@dataclass(frozen=True)
class Delivered:
    """What a delivery run did."""

    sent: int = 0
    failed: int = 0


@contextlib.contextmanager
def mail_context() -> Iterator[None]:
    """A request context for building links when there is none (a worker, a command)."""
    if has_request_context():
        yield
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        yield


def _locale(user: User) -> str:
    return user.locale if user.locale in LOCALES else "sv"


def _render(template: str, user: User, **context) -> tuple[str, str]:
    text = render_template(
        f"mail/{template}.txt",
        user=user,
        settings_url=external_url("account_data.mine", _anchor="aviseringar"),
        **context,
    )
    subject, _sep, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def deliver_one(session: Session, notification_id: int) -> OutboxMessage | None:
    """Send one immediate notice if it is still pending (flushed; the caller commits)."""
    notice = claim(session, notification_id)
    if notice is None:
        return None
    user = notice.recipient
    locale = _locale(user)
    with mail_context(), force_locale(locale):
        item = compose(session, notice, locale)
        if item is None:
            return None
        subject, body = _render("notification", user, item=item)
    message = send_mail(session, user.email, subject, body)
    mark_sent(session, [notice], message)
    return message


def _sessions():
    return current_app.extensions["framsyn.sessions"]


def deliver(ids: Iterable[int]) -> Delivered:
    """Deliver immediate notices, each in its own transaction; a failure leaves it pending."""
    sent = failed = 0
    for notification_id in ids:
        with _sessions()() as session:
            try:
                if deliver_one(session, notification_id) is not None:
                    sent += 1
                session.commit()
            except Exception:
                session.rollback()
                failed += 1
                log.exception("notification %s was not delivered", notification_id)
    return Delivered(sent, failed)


def send_digest(session: Session, user_id: int) -> OutboxMessage | None:
    """One mail with every pending digest notice of one person (flushed; the caller commits)."""
    notices = claim_digest(session, user_id)
    if not notices:
        return None
    user = session.get(User, user_id)
    locale = _locale(user)
    with mail_context(), force_locale(locale):
        groups: dict[int, tuple[str, list]] = {}
        for notice in notices:
            item = compose(session, notice, locale)
            if item is not None:
                groups.setdefault(notice.idea_id, (notice.idea.title, []))[1].append(item)
        if not groups:
            return None
        count = sum(len(items) for _title, items in groups.values())
        subject, body = _render("digest", user, groups=list(groups.values()), count=count)
    message = send_mail(session, user.email, subject, body)
    mark_sent(session, notices, message)
    return message


def send_digests() -> Delivered:
    """Send every person their digest of pending notices; running it again sends nothing new."""
    with _sessions()() as session:
        people = digest_recipients(session)
    sent = failed = 0
    for user_id in people:
        with _sessions()() as session:
            try:
                if send_digest(session, user_id) is not None:
                    sent += 1
                session.commit()
            except Exception:
                session.rollback()
                failed += 1
                log.exception("the digest of user %s was not sent", user_id)
    return Delivered(sent, failed)


def deliver_left_over(older_than_minutes: float = 10) -> Delivered:
    """Deliver immediate notices still pending after a while (Redis was down, a worker died)."""
    import datetime as dt

    with _sessions()() as session:
        ids = pending_immediate(session, dt.timedelta(minutes=older_than_minutes))
    return deliver(ids)
