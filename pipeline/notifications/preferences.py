"""Each person's choice, per kind of notification: right away, a daily digest, or off."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import NotAllowed
from pipeline.i18n import _t
from pipeline.models import Role, User
from pipeline.notifications.models import Kind, Mode, NotificationPreference
from pipeline.services import log_activity


def preferences(session: Session, user: User) -> dict[Kind, Mode]:
    """Every kind with the person's choice (right away when they made none)."""
    chosen = dict(
        session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user.id
            )
        )
        .tuples()
        .all()
    )
    return {kind: chosen.get(kind, Mode.IMMEDIATE) for kind in Kind}


def set_preferences(
    session: Session, actor: User, user: User, choices: Mapping[Kind, Mode]
) -> dict[str, list[str]]:
    """Store the person's choices (their own, or an admin's for them); return what changed
    (as {"notify_<kind>": [old, new]}, the audit log's fields)."""
    if actor.id != user.id and actor.role != Role.ADMIN:
        raise NotAllowed(_t("Du kan bara ändra dina egna aviseringar."))
    current = preferences(session, user)
    rows = {
        row.kind: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    changed: dict[str, list[str]] = {}
    for kind, mode in choices.items():
        kind, mode = Kind(kind), Mode(mode)
        if current[kind] == mode:
            continue
        changed[f"notify_{kind.value}"] = [current[kind].value, mode.value]
        if kind in rows:
            rows[kind].mode = mode
        else:
            session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
    if changed:
        session.flush()
        log_activity(session, actor, "account.notifications", user, changed=changed)
    return changed
