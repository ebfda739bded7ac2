"""Good examples and a person's data: the examples they agreed to are in their export, and
removing them takes their name out of the agreement record and the shared text.

The accounts that marked or withdrew an example are foreign keys; the removed account's own
name becomes "Borttagen användare", so those need nothing here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session

from drafting.examples.marking import principle_rows
from drafting.examples.models import GoodExample
from pipeline.models import User
from pipeline.personal_data import Identifiers, scrub_text_columns


def _agreed_by(person: User, email: str, name: str):
    """Examples whose agreement names the person: by account, by address, or by name alone
    where no address was given."""
    return or_(
        GoodExample.agreed_by_id == person.id,
        (GoodExample.agreed_by_email != "") & (func.lower(GoodExample.agreed_by_email) == email),
        (GoodExample.agreed_by_email == "")
        & or_(
            GoodExample.agreed_by_name == name.strip(),
            # SQLite's lower() folds ASCII only; the exact name above covers Å, Ä and Ö.
            func.lower(GoodExample.agreed_by_name) == name.strip().lower(),
        ),
    )


def examples_agreed_to(session: Session, person: User) -> list[dict[str, Any]]:
    """The examples the person agreed to on their organisation's behalf, for their export."""
    rows = session.scalars(
        select(GoodExample)
        .where(_agreed_by(person, person.email.lower(), person.name))
        .order_by(GoodExample.id)
    )
    return [
        {
            "id": row.id,
            "idea_id": row.draft.idea_id,
            "idea_title": row.draft.idea.title,
            "section_key": row.section_key,
            "revision_number": row.revision_number,
            "organisation": row.organisation.name if row.organisation else None,
            "agreed_by_name": row.agreed_by_name,
            "agreed_by_email": row.agreed_by_email,
            "agreed_on": row.agreed_on.isoformat(),
            "marked_at": row.marked_at.isoformat(),
            "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
        }
        for row in rows
    ]


def redact_good_examples(session: Session, person: User, who: Identifiers) -> int:
    """Take the person's name and address out of the agreements they gave, and their name,
    address and phone out of every example's text and withdrawal reason."""
    changed = 0
    for row in session.scalars(select(GoodExample).where(_agreed_by(person, who.email, who.name))):
        row.agreed_by_name = ""
        row.agreed_by_email = ""
        changed += 1
    session.flush()
    strings = who.strings()
    changed += scrub_text_columns(session, (GoodExample.withdraw_reason,), strings)
    changed += scrub_text_columns(session, (GoodExample.text,), strings)
    for row in [obj for obj in session.dirty if isinstance(obj, GoodExample)]:
        if inspect(row).attrs.text.history.has_changes():  # the sentences moved: check again
            row.principles = principle_rows(row.text, row.section_key, row.template_key)
    session.flush()
    return changed
