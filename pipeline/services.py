"""State-changing operations. Each takes an explicit actor, checks permissions and guards,
flushes and never commits: the caller (a request or a job) owns the transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import pipeline.guards  # noqa: F401  (registers the table's guards)
from pipeline import programme_areas
from pipeline.errors import EditConflict, GuardFailed, IllegalTransition, InvalidData, NotAllowed
from pipeline.i18n import Text, _t
from pipeline.models import (
    ActivityLog,
    Call,
    Comment,
    IdeaPartner,
    Municipality,
    Organisation,
    ProjectIdea,
    Role,
    StageChange,
    User,
    Visibility,
    utcnow,
)
from pipeline.notifications.models import Kind
from pipeline.notifications.recording import record
from pipeline.stages import Stage, failed_guards, run_after_move, transition

TITLE_MAX = 200
TEXT_MAX = 5000
# A Komplettering with no due date given is due this many days after the request.
CHANGES_DUE_DAYS = 14


@dataclass
class IdeaData:
    """The editable content of an idea, as a form or a fixture gives it."""

    title: str
    summary: str = ""
    background: str = ""
    purpose: str = ""
    target_groups: str = ""
    participants_women: int | None = None
    participants_men: int | None = None
    participants_total: int | None = None
    lead_organisation_id: int | None = None
    partner_ids: Sequence[int] = ()
    municipality_ids: Sequence[int] = ()
    programme_area: str = ""
    call_id: int | None = None
    budget_total: int | None = None
    esf_share: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[Text]:
        """Domain rules the data breaks (forms check the same, with per-field messages)."""
        found: list[Text] = []
        if not self.title.strip():
            found.append(_t("Idén behöver en titel."))
        if len(self.title) > TITLE_MAX:
            found.append(_t("Titeln får vara högst {limit} tecken.").format(limit=TITLE_MAX))
        for name in ("summary", "background", "purpose", "target_groups"):
            if len(getattr(self, name)) > TEXT_MAX:
                found.append(_t("En text får vara högst {limit} tecken.").format(limit=TEXT_MAX))
                break
        numbers = (
            self.participants_women,
            self.participants_men,
            self.participants_total,
            self.budget_total,
            self.esf_share,
        )
        if any(n is not None and n < 0 for n in numbers):
            found.append(_t("Antal och belopp kan inte vara negativa."))
        # An empty figure is unknown, not zero: only given figures are compared.
        given = (self.participants_women or 0) + (self.participants_men or 0)
        if self.participants_total is not None and self.participants_total < given:
            found.append(_t("Totalt antal deltagare måste vara minst kvinnor + män."))
        if (
            self.esf_share is not None
            and self.budget_total is not None
            and self.esf_share > self.budget_total
        ):
            found.append(_t("Sökt ESF-stöd kan inte vara större än total budget."))
        if self.period_start and self.period_end and self.period_end < self.period_start:
            found.append(_t("Projektperioden slutar före den börjar."))
        return found


_SCALAR_FIELDS = [
    f.name for f in fields(IdeaData) if f.name not in {"partner_ids", "municipality_ids", "extra"}
]


def log_activity(
    session: Session,
    actor: User | None,
    action: str,
    entity: object,
    *,
    idea: ProjectIdea | None = None,
    **details: Any,
) -> ActivityLog:
    """Write one activity-log row for `action` on `entity`."""
    session.flush()  # entity ids are needed below
    entry = ActivityLog(
        user_id=actor.id if actor else None,
        action=action,
        entity_type=type(entity).__name__,
        entity_id=getattr(entity, "id", None),
        idea_id=idea.id if idea is not None else None,
        details=details,
    )
    session.add(entry)
    return entry


def _require(condition: bool, message: Text) -> None:
    if not condition:
        raise NotAllowed(message)


_NOT_YOURS = _t("Du har inte behörighet att ändra den här idén.")


def _check_references(session: Session, actor: User, data: IdeaData) -> None:
    """Ids in the data exist, and an actor only leads with their own organisation."""
    if data.lead_organisation_id is not None:
        if session.get(Organisation, data.lead_organisation_id) is None:
            raise InvalidData(_t("Projektägaren finns inte."))
    call = session.get(Call, data.call_id) if data.call_id is not None else None
    if data.call_id is not None and call is None:
        raise InvalidData(_t("Utlysningen finns inte."))
    area_problem = programme_areas.check(data.programme_area, call.opens if call else None)
    if area_problem is not None:
        raise InvalidData(area_problem)
    wanted = set(data.municipality_ids)
    if wanted:
        found = set(session.scalars(select(Municipality.id).where(Municipality.id.in_(wanted))))
        if found != wanted:
            raise InvalidData(_t("Okänd kommun."))
    partners = set(data.partner_ids)
    if partners:
        found = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(partners))))
        if found != partners:
            raise InvalidData(_t("Okänd partnerorganisation."))


def _apply(session: Session, idea: ProjectIdea, data: IdeaData) -> dict[str, Any]:
    """Copy `data` onto `idea` and return the changed fields as {name: [old, new]}."""
    changed: dict[str, Any] = {}
    for name in _SCALAR_FIELDS:
        new = getattr(data, name)
        if isinstance(new, str):
            new = new.strip()
        old = getattr(idea, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
            setattr(idea, name, new)
    new_munis = sorted(set(data.municipality_ids))
    old_munis = sorted(m.id for m in idea.municipalities)
    if new_munis != old_munis:
        idea.municipalities = list(
            session.scalars(select(Municipality).where(Municipality.id.in_(new_munis)))
        )
        changed["municipalities"] = [old_munis, new_munis]
    new_partners = sorted(set(data.partner_ids) - {idea.lead_organisation_id})
    old_partners = sorted(p.organisation_id for p in idea.partners)
    if new_partners != old_partners:
        keep = {p.organisation_id: p for p in idea.partners}
        idea.partners = [
            keep.get(org_id) or IdeaPartner(organisation_id=org_id, can_edit=True)
            for org_id in new_partners
        ]
        changed["partners"] = [old_partners, new_partners]
    return changed


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def create_idea(session: Session, actor: User, data: IdeaData) -> ProjectIdea:
    """Register a new idea in stage Idé; an actor's own organisation leads it by default."""
    if actor.role == Role.ACTOR:
        _require(
            actor.organisation_id is not None,
            _t("Du behöver tillhöra en organisation för att lämna in idéer."),
        )
        if data.lead_organisation_id is None:
            data.lead_organisation_id = actor.organisation_id
        _require(
            data.lead_organisation_id == actor.organisation_id,
            _t("Som lokal aktör kan du bara lämna in idéer där din organisation är projektägare."),
        )
    problems = data.problems()
    if problems:
        raise InvalidData(problems[0], details=problems)
    _check_references(session, actor, data)
    now = utcnow()
    idea = ProjectIdea(
        title=data.title.strip(), stage=Stage.IDEA, stage_changed_at=now, created_by=actor
    )
    session.add(idea)
    _apply(session, idea, data)
    idea.history.append(
        StageChange(from_stage=None, to_stage=Stage.IDEA, user=actor, created_at=now)
    )
    session.flush()
    log_activity(session, actor, "idea.create", idea, idea=idea, title=idea.title)
    return idea


_EDITED_MEANWHILE = _t(
    "Någon annan sparade idén medan du ändrade den. Ingenting av ditt är sparat ännu: jämför "
    "versionerna nedan och spara igen."
)


def may_remove_partners(actor: User, idea: ProjectIdea) -> bool:
    """Only the lead organisation and the support team take partners off an idea."""
    return actor.is_team or (
        actor.organisation_id is not None and actor.organisation_id == idea.lead_organisation_id
    )


def update_idea(
    session: Session,
    actor: User,
    idea: ProjectIdea,
    data: IdeaData,
    *,
    base_version: int | None = None,
) -> dict:
    """Change an idea's content; returns what changed. Partners may edit, not take the lead.

    `base_version` is the version the editor started from: if the idea has moved on since,
    EditConflict is raised and nothing changes (also when a concurrent save wins the race).
    """
    _require(idea.can_edit(actor), _NOT_YOURS)
    if base_version is not None and base_version != idea.version:
        raise EditConflict(_EDITED_MEANWHILE)
    if idea.is_final:
        raise InvalidData(_t("En avslutad eller avbruten idé kan inte ändras."))
    if actor.role == Role.ACTOR and data.lead_organisation_id != idea.lead_organisation_id:
        _require(
            idea.lead_organisation_id == actor.organisation_id
            and data.lead_organisation_id is not None,
            _t("Bara projektägaren eller stödteamet kan byta projektägare."),
        )
    removed = {p.organisation_id for p in idea.partners} - set(data.partner_ids)
    if removed - {data.lead_organisation_id} and not may_remove_partners(actor, idea):
        raise NotAllowed(_t("Bara projektägaren eller stödteamet kan ta bort samverkansparter."))
    problems = data.problems()
    if problems:
        raise InvalidData(problems[0], details=problems)
    _check_references(session, actor, data)
    changed = _apply(session, idea, data)
    if changed:
        idea.updated_at = utcnow()
        idea.version += 1
        try:
            session.flush()
        except StaleDataError:
            raise EditConflict(_EDITED_MEANWHILE) from None
        log_activity(session, actor, "idea.update", idea, idea=idea, changed=changed)
    return changed


def advance_stage(
    session: Session,
    actor: User,
    idea: ProjectIdea,
    target: Stage,
    comment: str = "",
    *,
    submitted_on: dt.date | None = None,
    esf_diarienummer: str | None = None,
    esf_granted: int | None = None,
    changes_due_on: dt.date | None = None,
) -> StageChange:
    """Move `idea` to `target` if the table, the actor's role and every guard allow it.

    Values that a move records (submission date and case number, granted amount) can be
    given here so that the guards see them; they are kept only if the move goes ahead.
    """
    move = transition(idea.stage, target)
    if move is None:
        raise IllegalTransition(
            _t("Det går inte att flytta en idé från {a} till {b}.").format(
                a=idea.stage.label, b=target.label
            )
        )
    if actor.role.value not in move.roles:
        raise NotAllowed(_t("Din roll får inte flytta idén till {b}.").format(b=target.label))
    _require(idea.can_edit(actor), _NOT_YOURS)
    due = (
        _changes_due(changes_due_on, utcnow().date()) if target == Stage.CHANGES_REQUESTED else None
    )
    recorded = {
        "submitted_on": submitted_on,
        "esf_diarienummer": esf_diarienummer,
        "esf_granted": esf_granted,
    }
    previous = {name: getattr(idea, name) for name in recorded}
    for name, value in recorded.items():
        if value is not None:
            setattr(idea, name, value.strip() if isinstance(value, str) else value)
    idea.move_comment = comment
    try:
        problems = failed_guards(idea, move, actor)
    finally:
        idea.move_comment = ""
    if problems:
        for name, value in previous.items():
            setattr(idea, name, value)
        raise GuardFailed(problems[0], details=problems)
    source = idea.stage
    now = utcnow()
    if target == Stage.PARKED:
        idea.parked_from = source
    elif source == Stage.PARKED:
        idea.parked_from = None
    idea.stage = target
    idea.stage_changed_at = now
    if due is not None:
        idea.changes_due_on = due
    change = StageChange(
        from_stage=source, to_stage=target, user=actor, comment=comment.strip(), created_at=now
    )
    idea.history.append(change)
    session.flush()
    log_activity(
        session,
        actor,
        "idea.stage",
        idea,
        idea=idea,
        from_stage=source.value,
        to_stage=target.value,
        **({"changes_due_on": due.isoformat()} if due is not None else {}),
    )
    run_after_move(idea, actor, move)
    kind = Kind.CHANGES_REQUESTED if target == Stage.CHANGES_REQUESTED else Kind.STAGE
    record(session, kind, change, idea, actor)
    return change


def _changes_due(given: dt.date | None, today: dt.date) -> dt.date:
    """The due date a Komplettering carries: the one given (not in the past), or the default."""
    if given is None:
        return today + dt.timedelta(days=CHANGES_DUE_DAYS)
    if given < today:
        raise InvalidData(_t("Sista dag för kompletteringen kan inte ha passerat."))
    return given


def allowed_moves(idea: ProjectIdea, actor: User) -> list[tuple[Stage, list[Text]]]:
    """The moves this actor may make now, each with the guard messages that still block it."""
    from pipeline.stages import moves_from

    result = []
    for move in moves_from(idea.stage):
        if actor.role.value in move.roles and idea.can_edit(actor):
            result.append((move.target, failed_guards(idea, move, actor)))
    return result


def link_to_regional_project(
    session: Session,
    actor: User,
    ideas: Iterable[ProjectIdea],
    regional: ProjectIdea | None = None,
    *,
    new_title: str | None = None,
) -> ProjectIdea:
    """Gather local ideas under a regional project (existing, or a new one named `new_title`).

    Each idea keeps its own stage and history; only the link is new.
    """
    _require(
        actor.is_team,
        _t("Bara stödteamet kan samla idéer i regionala projekt."),
    )
    ideas = list(ideas)
    if not ideas:
        raise InvalidData(_t("Välj minst en idé."))
    if regional is None:
        if not (new_title or "").strip():
            raise InvalidData(_t("Ge det regionala projektet ett namn."))
        regional = create_idea(
            session,
            actor,
            IdeaData(title=new_title.strip(), lead_organisation_id=actor.organisation_id),
        )
        regional.is_regional = True
        regional.municipalities = sorted(
            {m for idea in ideas for m in idea.municipalities}, key=lambda m: m.name
        )
    elif not regional.is_regional:
        raise InvalidData(_t("Det valda projektet är inte ett regionalt projekt."))
    for idea in ideas:
        if idea.is_regional or idea.id == regional.id:
            raise InvalidData(
                _t("Ett regionalt projekt kan inte ingå i ett annat: {t}.").format(t=idea.title)
            )
        if idea.regional_project_id != regional.id:
            idea.regional_project = regional
            session.flush()
            log_activity(
                session,
                actor,
                "idea.link_regional",
                idea,
                idea=idea,
                regional_project_id=regional.id,
            )
    session.flush()
    return regional


def unlink_from_regional_project(session: Session, actor: User, idea: ProjectIdea) -> None:
    """Take an idea out of its regional project."""
    _require(
        actor.is_team,
        _t("Bara stödteamet kan ändra regionala projekt."),
    )
    if idea.regional_project_id is not None:
        old = idea.regional_project_id
        idea.regional_project = None
        session.flush()
        log_activity(
            session, actor, "idea.unlink_regional", idea, idea=idea, regional_project_id=old
        )


def add_comment(
    session: Session,
    actor: User,
    idea: ProjectIdea,
    body: str,
    visibility: Visibility = Visibility.SHARED,
) -> Comment:
    """Comment on an idea; only the support team writes internal comments."""
    _require(idea.can_view(actor), _t("Du kan inte se den här idén."))
    if visibility == Visibility.INTERNAL:
        _require(
            actor.is_team,
            _t("Bara stödteamet kan skriva interna kommentarer."),
        )
    body = body.strip()
    if not body:
        raise InvalidData(_t("Kommentaren är tom."))
    if len(body) > TEXT_MAX:
        raise InvalidData(_t("En kommentar får vara högst {limit} tecken.").format(limit=TEXT_MAX))
    comment = Comment(idea=idea, author=actor, body=body, visibility=visibility)
    session.add(comment)
    session.flush()
    log_activity(session, actor, "comment.create", comment, idea=idea, visibility=visibility.value)
    record(session, Kind.COMMENT, comment, idea, actor, team_only=visibility == Visibility.INTERNAL)
    return comment
