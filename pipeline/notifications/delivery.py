"""Taking notifications for delivery, exactly once.

A notification is claimed by setting its `delivered_at` in an UPDATE that names the rows still
pending; the database lets only one transaction win, so a second delivery of the same id (a job
retried by RQ, two digest runs at once, a sweep after a lost enqueue) finds nothing to send.
The caller sends the mail in the same transaction and commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pipeline.models import OutboxMessage, utcnow
from pipeline.notifications.models import Notification


def claim(session: Session, notification_id: int) -> Notification | None:
    """Take one pending immediate notification for delivery (None if gone or already taken)."""
    taken = session.scalars(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.delivered_at.is_(None),
            Notification.digest.is_(False),
        )
        .values(delivered_at=utcnow())
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not taken:
        return None
    return session.get(Notification, notification_id, populate_existing=True)


def claim_digest(session: Session, user_id: int) -> list[Notification]:
    """Take every pending digest notification of one person, oldest first."""
    ids = session.scalars(
        update(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.delivered_at.is_(None),
            Notification.digest.is_(True),
        )
        .values(delivered_at=utcnow())
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.id.in_(ids))
            .order_by(Notification.idea_id, Notification.id)
            .execution_options(populate_existing=True)
        )
    )


def mark_sent(session: Session, notifications: list[Notification], message: OutboxMessage) -> None:
    """Link the claimed notifications to the outbox message that carried them."""
    for notification in notifications:
        notification.outbox_message_id = message.id
    session.flush()


def digest_recipients(session: Session) -> list[int]:
    """The people with pending digest notifications."""
    return list(
        session.scalars(
            select(Notification.recipient_id)
            .where(Notification.delivered_at.is_(None), Notification.digest.is_(True))
            .distinct()
            .order_by(Notification.recipient_id)
        )
    )


def pending_immediate(session: Session, older_than: dt.timedelta | None = None) -> list[int]:
    """Ids of immediate notifications not delivered yet (optionally only older ones)."""
    query = select(Notification.id).where(
        Notification.delivered_at.is_(None), Notification.digest.is_(False)
    )
    if older_than is not None:
        query = query.where(Notification.created_at < utcnow() - older_than)
    return list(session.scalars(query.order_by(Notification.id)))
