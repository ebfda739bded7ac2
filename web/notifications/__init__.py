"""Notification mails: delivered after the transaction that recorded them commits.

The domain records notices in the event's transaction (pipeline.notifications). When a session
of this app commits, the ids it recorded go to RQ (REDIS_URL set: `web.queue` enqueues, a worker
runs `web.worker.deliver_notifications`), or are delivered right away in a new transaction
(the embedded default). A notice whose delivery was lost stays pending for
`flask --app web send-notifications`; digests leave with `flask --app web send-digests`.
"""

from __future__ import annotations

import logging

from flask import Flask, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from pipeline.notifications import take_new

log = logging.getLogger("framsyn.notifications")


def dispatch(ids: list[int]) -> None:
    """Queue the delivery of `ids` (with Redis), or deliver them now (without)."""
    from web import queue
    from web.notifications.delivery import deliver

    if queue.uses_rq():
        try:
            queue.enqueue_notifications(ids)
        except RedisError:
            log.warning(
                "notifications %s not queued (Redis down); send-notifications sends them", ids
            )
        return
    try:
        deliver(ids)
    except Exception:  # a mail must never turn a saved change into an error page
        log.exception("notifications %s not delivered", ids)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy calls this when a SAVEPOINT is released too; the notices wait for the
        # real commit (delivering now would wait on the open transaction's lock on SQLite,
        # and find nothing committed on PostgreSQL).
        return
    ids = take_new(session)
    if ids and has_app_context():
        dispatch(ids)


def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        take_new(session)  # rolled back: nothing to tell


def init_app(app: Flask) -> None:
    """Deliver after each commit of the app's sessions; add the commands."""
    from web.notifications.cli import send_digests_command, send_notifications_command

    sessions = app.extensions["framsyn.sessions"]
    event.listen(sessions, "after_commit", _after_commit)
    event.listen(sessions, "after_soft_rollback", _after_rollback)
    app.cli.add_command(send_digests_command)
    app.cli.add_command(send_notifications_command)
