"""Personal data: everything Framsyn holds about a person, and removing a person.

What is "about a person" is read from the shared metadata, so tables added by other layers
are covered without changes here: every row whose foreign key points at the person's account
(ideas they created, comments, revisions, stage changes, jobs, ...), the ideas that name them
as contact, the mail sent to them and the activity log entries about their account.

Removing a person keeps their contributions and every idea's history (the foreign keys stay),
but the account becomes "Borttagen användare" with a placeholder address, no password and no
access, and their name, e-mail address and phone number are wiped from the other places they
appear: idea contact fields, the mail outbox, activity-log details and comments. The ideas they
were assigned to review lose their reviewer (the team chooses a new one). The texts of the
application itself (section revisions) are the organisation's record and stay as written.
Other layers register further erasers with `register_eraser` (files they keep, for example).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.orm import Session

from pipeline import login_sessions
from pipeline.accounts import is_admin, require
from pipeline.backup import portable_table, to_portable
from pipeline.db import Base
from pipeline.errors import InvalidData
from pipeline.i18n import _t
from pipeline.models import (
    ActivityLog,
    Comment,
    OutboxMessage,
    ProjectIdea,
    StageChange,
    User,
    utcnow,
)
from pipeline.services import log_activity

FORMAT = "framsyn-personal-data/1"
REMOVED_NAME = "Borttagen användare"
REMOVED_DOMAIN = "invalid"
REDACTED = "[borttagen]"
# Never handed out, not even to the person: secrets and file contents.
WITHHELD_COLUMNS = frozenset({"password_hash", "key_digest", "data"})


@dataclass(frozen=True)
class Identifiers:
    """The strings that identify a person in free text and JSON details."""

    user_id: int
    email: str
    name: str
    phones: frozenset[str] = frozenset()

    def strings(self) -> list[str]:
        """Longest first, so a name inside an address is not replaced halfway."""
        found = {self.email, *self.phones}
        if len(self.name.strip()) >= 3:
            found.add(self.name.strip())
        return sorted((s for s in found if s), key=len, reverse=True)


Eraser = Callable[[Session, User, Identifiers], int]
ERASERS: list[Eraser] = []
# Further lists in a person's export, by key: (session, person) -> JSON-ready rows.
Exporter = Callable[[Session, User], list[dict[str, Any]]]
EXPORTERS: dict[str, Exporter] = {}


def register_eraser(eraser: Eraser) -> Eraser:
    """Add a function that removes a person's data from tables of another layer."""
    if eraser not in ERASERS:
        ERASERS.append(eraser)
    return eraser


def register_exporter(key: str, exporter: Exporter) -> Exporter:
    """Add a list to every person's export, from tables of another layer."""
    EXPORTERS[key] = exporter
    return exporter


def may_export(actor: User | None, person: User) -> bool:
    """People download their own data; admins download anyone's."""
    return actor is not None and actor.is_active and (actor.id == person.id or is_admin(actor))


def may_remove(actor: User | None, person: User) -> bool:
    """Admins remove other people (never themselves)."""
    return is_admin(actor) and actor is not None and actor.id != person.id


def is_removed(person: User) -> bool:
    return person.email == placeholder_email(person.id)


def placeholder_email(user_id: int) -> str:
    return f"removed-{user_id}@{REMOVED_DOMAIN}"


# Export


def _references(metadata=Base.metadata) -> list[tuple[Table, str]]:
    """Every (table, column) whose foreign key points at an account."""
    users = metadata.tables[User.__tablename__]
    found = []
    for model in metadata.sorted_tables:
        for fk in sorted(model.foreign_keys, key=lambda f: f.parent.name):
            if fk.column.table is users:
                found.append((model, fk.parent.name))
    return found


def _rows(session: Session, model: Table, where) -> list[dict[str, Any]]:
    names = [c.name for c in model.columns if c.name not in WITHHELD_COLUMNS]
    clause, kinds = portable_table(model, names)
    keys = [clause.c[c.name] for c in model.primary_key.columns]
    result = session.execute(select(*clause.c).where(where(clause)).order_by(*keys))
    return [{n: to_portable(row[n], kinds[n]) for n in names} for row in result.mappings()]


def export_person(
    session: Session, actor: User, person: User, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything Framsyn holds about `person`, as JSON-ready data (logged as an export)."""
    require(may_export(actor, person))
    users = Base.metadata.tables[User.__tablename__]
    ideas = Base.metadata.tables[ProjectIdea.__tablename__]
    outbox = Base.metadata.tables[OutboxMessage.__tablename__]
    log = Base.metadata.tables[ActivityLog.__tablename__]
    email = person.email.lower()
    records: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for model, column_name in _references():
        if model is users and column_name == "invited_by_id":
            rows = _rows(session, model, lambda c, n=column_name: c.c[n] == person.id)
            rows = [{"id": r["id"], "created_at": r["created_at"]} for r in rows]  # not theirs
        else:
            rows = _rows(session, model, lambda c, n=column_name: c.c[n] == person.id)
        if rows:
            records.setdefault(model.name, {})[column_name] = rows
    data = {
        "format": FORMAT,
        "exported_at": (now or utcnow()).isoformat(),
        "account": _rows(session, users, lambda c: c.c.id == person.id)[0],
        "organisation": person.organisation.name if person.organisation else None,
        "ideas_as_contact": _rows(session, ideas, lambda c: func.lower(c.c.contact_email) == email),
        "ideas_to_review": ideas_to_review(session, person),
        "mail_to_you": _rows(session, outbox, lambda c: func.lower(c.c.to) == email),
        "activity_about_your_account": _rows(
            session,
            log,
            lambda c: (c.c.entity_type == "User") & (c.c.entity_id == person.id),
        ),
        "records": records,
        **{key: exporter(session, person) for key, exporter in EXPORTERS.items()},
    }
    log_activity(session, actor, "person.export", person, person_id=person.id)
    return data


def ideas_to_review(session: Session, person: User) -> list[dict[str, Any]]:
    """The ideas the person is assigned to review: id, title, stage and any due date."""
    found = session.scalars(
        select(ProjectIdea).where(ProjectIdea.reviewer_id == person.id).order_by(ProjectIdea.id)
    )
    return [
        {
            "id": idea.id,
            "title": idea.title,
            "stage": idea.stage.value,
            "changes_due_on": idea.changes_due_on.isoformat() if idea.changes_due_on else None,
        }
        for idea in found
    ]


# Removal


@dataclass
class Removal:
    """What removing a person changed."""

    user_id: int
    contacts_cleared: int = 0
    reviews_cleared: int = 0
    mail_deleted: int = 0
    mail_redacted: int = 0
    log_entries_redacted: int = 0
    other: dict[str, int] = field(default_factory=dict)


def _scrub(value: Any, strings: list[str]) -> Any:
    """`value` with every identifying string replaced, through lists and dicts."""
    if isinstance(value, str):
        lowered = value.lower()
        for s in strings:
            if s.lower() in lowered:
                value = _replace_folded(value, s)
                lowered = value.lower()
        return value
    if isinstance(value, list):
        return [_scrub(v, strings) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, strings) for k, v in value.items()}
    return value


def _replace_folded(value: str, needle: str) -> str:
    """Replace `needle` in `value` whatever its case."""
    out, lowered, wanted, start = [], value.lower(), needle.lower(), 0
    while (index := lowered.find(wanted, start)) >= 0:
        out.append(value[start:index])
        out.append(REDACTED)
        start = index + len(wanted)
    out.append(value[start:])
    return "".join(out)


def identifiers_for(session: Session, person: User) -> Identifiers:
    """The person's e-mail, name and the phone numbers given with them as an idea's contact."""
    email = person.email.lower()
    phones = session.scalars(
        select(ProjectIdea.contact_phone).where(
            func.lower(ProjectIdea.contact_email) == email, ProjectIdea.contact_phone != ""
        )
    )
    return Identifiers(person.id, email, person.name, frozenset(p.strip() for p in phones))


def _contains_any(column, strings: Iterable[str]):
    return or_(
        *[func.lower(column).contains(s.lower(), autoescape=True) for s in strings],
        *[column.contains(s, autoescape=True) for s in strings],
    )


def scrub_text_columns(session: Session, columns: Iterable[Any], strings: list[str]) -> int:
    """Replace the strings in free-text columns (of one mapped class each); rows changed."""
    changed = 0
    for attribute in columns:
        model = attribute.class_
        for row in session.scalars(select(model).where(_contains_any(attribute, strings))):
            old = getattr(row, attribute.key)
            new = _scrub(old, strings)
            if new != old:
                setattr(row, attribute.key, new)
                changed += 1
    return changed


def remove_person(session: Session, actor: User, person: User) -> Removal:
    """Anonymise `person`'s account and wipe their personal fields everywhere (flushes)."""
    require(may_remove(actor, person))
    if is_removed(person):
        raise InvalidData(_t("Personen är redan borttagen."))
    who = identifiers_for(session, person)
    strings = who.strings()
    removal = Removal(user_id=person.id)

    # Ideas that name them as contact keep everything but the contact fields.
    contacts = session.scalars(
        select(ProjectIdea).where(
            or_(
                func.lower(ProjectIdea.contact_email) == who.email,
                (ProjectIdea.contact_email == "") & (ProjectIdea.contact_name == person.name),
            )
        )
    ).all()
    for idea in contacts:
        idea.contact_name = ""
        idea.contact_email = ""
        idea.contact_phone = ""
    removal.contacts_cleared = len(contacts)

    # Ideas they were to review get no reviewer (logged on each idea, as a change would be).
    assigned = session.scalars(select(ProjectIdea).where(ProjectIdea.reviewer_id == person.id))
    for idea in assigned.all():
        idea.reviewer = None
        log_activity(
            session,
            actor,
            "idea.reviewer_cleared",
            idea,
            idea=idea,
            reviewer_id=[person.id, None],
        )
        removal.reviews_cleared += 1

    # Mail to them goes; mail to others keeps its record without their name or address.
    removal.mail_deleted = (
        session.execute(
            delete(OutboxMessage)
            .where(func.lower(OutboxMessage.to) == who.email)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    for message in session.scalars(
        select(OutboxMessage).where(
            or_(
                _contains_any(OutboxMessage.subject, strings),
                _contains_any(OutboxMessage.body_text, strings),
            )
        )
    ):
        message.subject = _scrub(message.subject, strings)[:200]
        message.body_text = _scrub(message.body_text, strings)
        removal.mail_redacted += 1

    # Activity-log details are JSON (escaped on disk), so they are read and checked here.
    session.flush()
    for entry_id, details in session.execute(select(ActivityLog.id, ActivityLog.details)).all():
        if details:
            cleaned = _scrub(details, strings)
            if cleaned != details:
                session.execute(
                    update(ActivityLog).where(ActivityLog.id == entry_id).values(details=cleaned),
                    execution_options={"synchronize_session": False},
                )
                removal.log_entries_redacted += 1

    # Their name, address or phone written in comments (a signature, a mention) goes too;
    # the comments themselves stay.
    removal.other["comments_redacted"] = scrub_text_columns(
        session, (Comment.body, StageChange.comment), strings
    )
    for eraser in ERASERS:
        removal.other[eraser.__name__] = eraser(session, person, who)

    person.name = REMOVED_NAME
    person.email = placeholder_email(person.id)
    person.password_hash = None
    person.password_changed_at = None
    person.is_active = False
    person.locale = None
    person.invited_at = None
    person.invited_by_id = None
    person.last_login_at = None
    login_sessions.end_all(session, person)
    session.flush()
    log_activity(session, actor, "person.remove", person, person_id=person.id)
    return removal


__all__ = [
    "REMOVED_NAME",
    "Identifiers",
    "Removal",
    "export_person",
    "identifiers_for",
    "ideas_to_review",
    "is_removed",
    "may_export",
    "may_remove",
    "register_eraser",
    "register_exporter",
    "remove_person",
]
