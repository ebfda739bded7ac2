"""Who is told about an event, recorded in the event's own transaction.

The services that make an event (a stage move, a comment, a sign-off, a finished Word job) call
`record`, which writes one Notification row per recipient and flushes; nothing is sent here.
Whoever commits the transaction delivers the rows afterwards (the web layer: RQ or inline),
so a rolled-back event leaves no notice and a committed one is never lost.

Recipients are the active people of the idea's lead organisation and of its partners that may
edit, and the idea's assigned reviewer; never the person who caused the event. Partners that
may only view the idea are not told: they did not take on the work, and their people can still
read everything on the idea page. Team-only events (internal comments, an export that carries
internal comments) reach only support-team members among them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.models import ProjectIdea, User
from pipeline.notifications.models import Kind, Mode, Notification, NotificationPreference

# session.info key: ids of the immediate notifications this transaction recorded.
NEW_IMMEDIATE = "framsyn.notifications.new"


def recipients(session: Session, idea: ProjectIdea, *, team_only: bool = False) -> list[User]:
    """The people told about events of `idea` (before the actor and preferences are taken out)."""
    org_ids = idea.organisation_ids(editing=True)
    people = {
        user.id: user
        for user in session.scalars(
            select(User).where(User.is_active.is_(True), User.organisation_id.in_(org_ids))
        )
    }
    reviewer = idea.reviewer
    if reviewer is not None and reviewer.is_active:
        people[reviewer.id] = reviewer
    found = [user for _id, user in sorted(people.items())]
    return [user for user in found if user.is_team] if team_only else found


def modes(session: Session, user_ids: list[int], kind: Kind) -> dict[int, Mode]:
    """Each person's choice for `kind` (right away when they made none)."""
    chosen = dict(
        session.execute(
            select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        )
        .tuples()
        .all()
    )
    return {user_id: chosen.get(user_id, Mode.IMMEDIATE) for user_id in user_ids}


def record(
    session: Session,
    kind: Kind,
    subject: object,
    idea: ProjectIdea,
    actor: User | None,
    *,
    team_only: bool = False,
) -> list[Notification]:
    """Record who is told about `subject` (a flushed row: its table and id name the event).

    Recording the same event again adds nobody twice. Returns the new rows.
    """
    session.flush()
    table = type(subject).__table__.name  # type: ignore[attr-defined]
    subject_id = subject.id  # type: ignore[attr-defined]
    people = [
        user
        for user in recipients(session, idea, team_only=team_only)
        if actor is None or user.id != actor.id
    ]
    if not people:
        return []
    already = set(
        session.scalars(
            select(Notification.recipient_id).where(
                Notification.subject == table, Notification.subject_id == subject_id
            )
        )
    )
    chosen = modes(session, [user.id for user in people], kind)
    rows = [
        Notification(
            kind=kind,
            subject=table,
            subject_id=subject_id,
            recipient_id=user.id,
            idea_id=idea.id,
            actor_id=actor.id if actor is not None else None,
            digest=chosen[user.id] == Mode.DIGEST,
        )
        for user in people
        if user.id not in already and chosen[user.id] != Mode.OFF
    ]
    session.add_all(rows)
    session.flush()
    session.info.setdefault(NEW_IMMEDIATE, []).extend(row.id for row in rows if not row.digest)
    return rows


def take_new(session: Session) -> list[int]:
    """The ids of immediate notifications recorded since the last call (and forget them)."""
    return session.info.pop(NEW_IMMEDIATE, [])
