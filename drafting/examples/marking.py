"""Marking a section as a good example, and withdrawing it: who may, and what is recorded.

Only the support team marks, and only with the owning organisation's agreement on record (who
agreed and on which day). The team and the owning organisation's people withdraw. Every
service takes an explicit actor, checks permissions, flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drafting.checker import check_sections
from drafting.checker.results import Level
from drafting.examples.models import GoodExample, GoodExamplePrinciple
from drafting.models import Draft, SectionRevision
from drafting.review import level_rank
from drafting.revisions import require_view, section_of
from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.i18n import Text, _t
from pipeline.models import User, utcnow
from pipeline.services import log_activity

NAME_MAX = 120
EMAIL_MAX = 254
REASON_MAX = 2000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

NOT_FOUND = _t("Exemplet finns inte.")


class ExampleRefused(InvalidData):
    """A mark or withdrawal the page shows again, with the message at `field`."""

    def __init__(self, message: Text, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Agreement:
    """The owning organisation's agreement, as the team records it."""

    confirmed: bool
    name: str
    on: dt.date | None
    email: str = ""


def may_mark(actor: User) -> bool:
    """Only the support team marks good examples."""
    return actor.is_team


def require_may_mark(actor: User) -> None:
    """Raise NotAllowed unless `actor` may mark good examples."""
    if not may_mark(actor):
        raise NotAllowed(_t("Bara stödteamet kan markera goda exempel."))


def may_withdraw(actor: User, example: GoodExample) -> bool:
    """The support team and the people of the organisation the example is attributed to."""
    if actor.is_team:
        return True
    return actor.organisation_id is not None and actor.organisation_id == example.organisation_id


def may_see(actor: User, example: GoodExample) -> bool:
    """A marked example is for everyone signed in; a withdrawn one only for those who may
    withdraw it (its history)."""
    return example.is_active or may_withdraw(actor, example)


def may_see_agreement(actor: User, example: GoodExample) -> bool:
    """Who agreed is personal data: the team and the owning organisation see it."""
    return may_withdraw(actor, example)


def active_example(session: Session, draft: Draft, section_key: str) -> GoodExample | None:
    """The section's marked (not withdrawn) example, if any."""
    return session.scalars(
        select(GoodExample).where(
            GoodExample.draft_id == draft.id,
            GoodExample.section_key == section_key,
            GoodExample.withdrawn_at.is_(None),
        )
    ).first()


def principle_rows(text: str, section_key: str, template_key: str) -> list[GoodExamplePrinciple]:
    """The checker's level for every principle in `text` alone, with the sentences behind it."""
    result = check_sections({section_key: text}, template_key)
    rows = []
    for key, found in result.principles.items():
        shown = found.evidence if found.level >= Level.CONCRETE else []
        sentences = [
            {"start": e.start, "end": e.end, "sentence": e.sentence, "function": e.function}
            for e in shown
            if e.section == section_key
        ]
        level = found.level.value
        rows.append(
            GoodExamplePrinciple(
                principle=key, level=level, rank=level_rank(level), sentences=sentences
            )
        )
    return rows


def _agreement(session: Session, agreement: Agreement, organisation_id: int, today: dt.date):
    """Check the agreement; returns (name, email, account of the person who agreed or None)."""
    if not agreement.confirmed:
        raise ExampleRefused(
            _t("Kryssa i att organisationen har godkänt att avsnittet visas som gott exempel."),
            "confirmed",
        )
    name = " ".join((agreement.name or "").split())
    if len(name) < 2 or len(name) > NAME_MAX:
        raise ExampleRefused(
            _t("Skriv namnet på den som godkände (2–{limit} tecken).").format(limit=NAME_MAX),
            "agreed_by_name",
        )
    email = (agreement.email or "").strip().lower()
    if email and (len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email)):
        raise ExampleRefused(
            _t("Skriv e-postadressen som namn@exempel.se, eller lämna fältet tomt."),
            "agreed_by_email",
        )
    if agreement.on is None or agreement.on > today:
        raise ExampleRefused(
            _t("Ange dagen då organisationen godkände; den kan inte ligga i framtiden."),
            "agreed_on",
        )
    person = None
    if email:
        person = session.scalars(select(User).where(func.lower(User.email) == email)).first()
        if person is not None and person.organisation_id != organisation_id:
            raise ExampleRefused(
                _t("Personen med den e-postadressen hör inte till organisationen som äger idén."),
                "agreed_by_email",
            )
    return name, email, person


def mark_example(
    session: Session,
    actor: User,
    draft: Draft,
    section_key: str,
    revision_id: int | None,
    agreement: Agreement,
    *,
    today: dt.date | None = None,
) -> GoodExample:
    """Mark one revision of a section as a good example, with the organisation's agreement."""
    require_view(draft.idea, actor)
    require_may_mark(actor)
    section_of(draft, section_key)
    revision = session.get(SectionRevision, revision_id) if revision_id is not None else None
    if revision is None or revision.draft_id != draft.id or revision.section_key != section_key:
        raise NotFound(_t("Revisionen finns inte."))
    if not revision.text.strip():
        raise ExampleRefused(_t("Avsnittet är tomt."))
    organisation = draft.idea.lead_organisation
    if organisation is None:
        raise ExampleRefused(_t("Idén har ingen projektägare som kan godkänna att texten delas."))
    today = today or utcnow().date()
    name, email, person = _agreement(session, agreement, organisation.id, today)
    if active_example(session, draft, section_key) is not None:
        raise ExampleRefused(
            _t(
                "Avsnittet är redan markerat som gott exempel. Dra tillbaka det först "
                "om en annan revision ska visas."
            )
        )
    rows = principle_rows(revision.text, section_key, draft.template_key)
    if not any(row.rank >= level_rank(Level.CONCRETE.value) for row in rows):
        raise ExampleRefused(
            _t(
                "Kontrollen hittar ingen princip som är minst konkret i avsnittets "
                "text. Ett gott exempel visas för en princip, så texten behöver vara "
                "konkret om någon."
            )
        )
    example = GoodExample(
        draft=draft,
        section_key=section_key,
        template_key=draft.template_key,
        revision=revision,
        revision_number=revision.number,
        text=revision.text,
        organisation=organisation,
        agreed_by_name=name,
        agreed_by_email=email,
        agreed_by=person,
        agreed_on=agreement.on,
        marked_by=actor,
        marked_at=utcnow(),
        principles=rows,
    )
    try:
        with session.begin_nested():
            session.add(example)
            session.flush()
    except IntegrityError:  # marked by someone else at the same moment
        raise ExampleRefused(_t("Avsnittet markerades nyss av någon annan.")) from None
    log_activity(
        session,
        actor,
        "example.mark",
        example,
        idea=draft.idea,
        section=section_key,
        number=revision.number,
        organisation_id=organisation.id,
    )
    return example


def get_example(session: Session, actor: User, example_id: int) -> GoodExample:
    """The example if `actor` may see it; NotFound otherwise (withdrawn ones stay hidden)."""
    example = session.get(GoodExample, example_id)
    if example is None or not may_see(actor, example):
        raise NotFound(NOT_FOUND)
    return example


def withdraw_example(
    session: Session, actor: User, example: GoodExample, reason: str = ""
) -> GoodExample:
    """Withdraw an example: writers no longer see it; its record and history stay."""
    if not may_see(actor, example):
        raise NotFound(NOT_FOUND)
    if not may_withdraw(actor, example):
        raise NotAllowed(
            _t("Bara stödteamet och organisationen som äger texten kan dra tillbaka exemplet.")
        )
    if not example.is_active:
        raise ExampleRefused(_t("Exemplet är redan tillbakadraget."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ExampleRefused(
            _t("Skälet får vara högst {limit} tecken.").format(limit=REASON_MAX),
            "reason",
        )
    example.withdrawn_at = utcnow()
    example.withdrawn_by = actor
    example.withdraw_reason = reason
    session.flush()
    log_activity(
        session,
        actor,
        "example.withdraw",
        example,
        idea=example.draft.idea,
        section=example.section_key,
        reason=reason,
    )
    return example
