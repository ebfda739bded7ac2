"""Reviewing a draft: principle levels, checklists with the team's decisions, sign-off, section
comments, the gate's questions and the portfolio summary.

Every service takes an explicit actor, checks permissions, flushes and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drafting.budget.store import tagged_cost_lines
from drafting.check_runs import check_result, current_check
from drafting.checker import rules as checker_rules
from drafting.checker.checklists import apply_overrides, checklist
from drafting.checker.results import ChecklistItem, Evidence, Level
from drafting.models import ChecklistOverride, CheckRun, Draft, LevelOverride
from drafting.revisions import latest_revisions, require_view, template_for
from drafting.sign_offs import (  # noqa: F401  (re-exported: review is the pages' one import)
    active_sign_off,
    revoke_sign_off,
    sign_off,
    sign_offs,
    void_reason_label,
)
from drafting.templates import Section
from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.i18n import Bilingual, Text, _t
from pipeline.models import User, utcnow
from pipeline.services import log_activity

LEVELS = tuple(level.value for level in Level)
GATE_LEVEL = Level.CONCRETE.value
REASON_MAX = 2000
LEVEL_LABELS: dict[str, Text] = {
    level.value: Bilingual(level.label("sv"), level.label("en")) for level in Level
}


FUNCTION_LABELS: dict[str, Text] = {
    "analysis": _t("Analys"),
    "goal": _t("Mål"),
    "activity": _t("Aktivitet"),
    "followup": _t("Uppföljning"),
    "method_name": _t("Bara metodnamn"),
    "count": _t("Bara antal"),
    "target_group": _t("Bara målgrupp"),
    "intent": _t("Bara avsikt"),
    "list": _t("Uppräkning"),
    "mention": _t("Nämns"),
    "negation": _t("Avfärdas"),
}


def function_label(function: str) -> Text:
    """What a sentence does for a principle, in Swedish and English."""
    return FUNCTION_LABELS.get(function, function)


def mandatory_principles() -> tuple[str, ...]:
    """The principles every check covers and the gate requires (from the principle files)."""
    return checker_rules.mandatory_principles()


def is_principle(key: str) -> bool:
    """Tell whether ``key`` names a principle file."""
    return key in checker_rules.available_principles()


_TEAM_ONLY = _t("Bara stödteamet kan göra det här.")


def principle_label(principle: str) -> Text:
    """A principle's name in Swedish and English, from its principle file."""
    if not is_principle(principle):
        return principle
    found = checker_rules.load_principle(principle)
    return Bilingual(found.name_sv, found.name_en)


def level_label(level: str | None) -> Text:
    """A level's name in Swedish and English."""
    if level is None:
        return "–"
    return LEVEL_LABELS.get(str(getattr(level, "value", level)), str(level))


def level_rank(level: str | None) -> int:
    """The position of a level on the scale absent < mentioned < concrete < integrated."""
    value = str(getattr(level, "value", level))
    return LEVELS.index(value) if value in LEVELS else -1


def _require_team(actor: User) -> None:
    if not actor.is_team:
        raise NotAllowed(_TEAM_ONLY)


def _reason(reason: str | None, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidData(_t("Ange ett skäl för beslutet."))
    if len(reason) > REASON_MAX:
        raise InvalidData(_t("Skälet får vara högst {limit} tecken.").format(limit=REASON_MAX))
    return reason


# --- Levels -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleLevel:
    """A principle's level: the checker's, and the team's judgement if it made one."""

    principle: str
    checker: str
    override: LevelOverride | None

    @property
    def level(self) -> str:
        return self.override.level if self.override is not None else self.checker

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def passes(self) -> bool:
        return level_rank(self.level) >= level_rank(GATE_LEVEL)


def _latest_level_overrides(session: Session, draft: Draft) -> dict[str, LevelOverride]:
    rows = session.scalars(
        select(LevelOverride).where(LevelOverride.draft_id == draft.id).order_by(LevelOverride.id)
    )
    latest = {row.principle: row for row in rows}
    return {k: v for k, v in latest.items() if v.level is not None}


def principle_levels(
    session: Session, draft: Draft, run: CheckRun | None = None
) -> list[PrincipleLevel]:
    """The level of each principle the check covers, with the team's overrides applied."""
    run = run or current_check(session, draft)
    overrides = _latest_level_overrides(session, draft)
    levels = dict(run.levels or {})
    mandatory = mandatory_principles()
    for principle in mandatory:
        levels.setdefault(principle, "absent")
    order = list(mandatory) + sorted(set(levels) - set(mandatory))
    return [PrincipleLevel(p, levels[p], overrides.get(p)) for p in order]


def set_level_override(
    session: Session,
    actor: User,
    draft: Draft,
    principle: str,
    level: str | None,
    reason: str,
) -> LevelOverride:
    """The team judges a principle's level itself (with a reason), or hands it back (None)."""
    require_view(draft.idea, actor)
    _require_team(actor)
    if not is_principle(principle):
        raise InvalidData(_t("Okänd princip."))
    if level is not None and level not in LEVELS:
        raise InvalidData(_t("Okänd nivå."))
    reason = _reason(reason, required=level is not None)
    row = LevelOverride(
        draft_id=draft.id,
        principle=principle,
        level=level,
        reason=reason,
        user=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    log_activity(
        session,
        actor,
        "draft.level_override",
        row,
        idea=draft.idea,
        principle=principle,
        level=level,
        reason=reason,
    )
    return row


# --- Checklists -------------------------------------------------------------------------------


@dataclass
class ChecklistRow:
    """One assessor's question: the checker's answer, the team's decision and the evidence."""

    principle: str
    item: ChecklistItem
    decision: ChecklistOverride | None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def question(self) -> Text:
        return Bilingual(self.item.question_sv, self.item.question_en)

    @property
    def auto_met(self) -> bool:
        return self.item.auto_status == "met"

    @property
    def met(self) -> bool:
        return self.item.status == "met"

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self.item.evidence

    @property
    def overridden(self) -> bool:
        return self.decision is not None and self.decision.met != self.auto_met

    @property
    def confirmed(self) -> bool:
        return self.decision is not None and self.decision.met == self.auto_met


def _latest_item_decisions(
    session: Session, draft: Draft
) -> dict[tuple[str, str], ChecklistOverride]:
    rows = session.scalars(
        select(ChecklistOverride)
        .where(ChecklistOverride.draft_id == draft.id)
        .order_by(ChecklistOverride.id)
    )
    return {(row.principle, row.item_key): row for row in rows}


def checklists(
    session: Session, draft: Draft, run: CheckRun | None = None
) -> dict[str, list[ChecklistRow]]:
    """Per principle, the assessor's questions with automatic status, evidence and decisions."""
    run = run or current_check(session, draft)
    result = check_result(run)
    decisions = _latest_item_decisions(session, draft)
    budget_lines = tagged_cost_lines(session, draft)
    lists: dict[str, list[ChecklistRow]] = {}
    for level in principle_levels(session, draft, run):
        rows = []
        mine = {k: (d.met, d.reason) for (p, k), d in decisions.items() if p == level.principle}
        items = checklist(result, level.principle, budget_lines)
        for item in apply_overrides(items, mine):
            rows.append(
                ChecklistRow(level.principle, item, decisions.get((level.principle, item.key)))
            )
        lists[level.principle] = rows
    return lists


def set_checklist_override(
    session: Session,
    actor: User,
    draft: Draft,
    principle: str,
    item_key: str,
    met: bool,
    reason: str,
) -> ChecklistOverride:
    """The team confirms or overrides one checklist item; overriding needs a reason."""
    require_view(draft.idea, actor)
    _require_team(actor)
    rows = checklists(session, draft).get(principle)
    row = next((r for r in rows or [] if r.key == item_key), None)
    if row is None:
        raise NotFound(_t("Frågan finns inte i checklistan."))
    reason = _reason(reason, required=met != row.auto_met)
    decision = ChecklistOverride(
        draft_id=draft.id,
        principle=principle,
        item_key=item_key,
        met=met,
        reason=reason,
        user=actor,
        created_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    log_activity(
        session,
        actor,
        "draft.checklist_override",
        decision,
        idea=draft.idea,
        principle=principle,
        item=item_key,
        met=met,
        auto_met=row.auto_met,
        reason=reason,
    )
    return decision


class ChecklistRefused(InvalidData):
    """Some rows of a principle's checklist cannot be saved; `errors` says why, per item key."""

    def __init__(self, errors: dict[str, Text]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def set_checklist_decisions(
    session: Session,
    actor: User,
    draft: Draft,
    principle: str,
    decisions: dict[str, tuple[bool, str]],
) -> list[ChecklistOverride]:
    """The team's decisions on a principle's whole checklist at once: {item: (met, reason)}.

    Only rows that change are saved (another status, or another reason); overriding the
    checker needs a reason. If any row is refused nothing is saved and ChecklistRefused names
    every refused row.
    """
    require_view(draft.idea, actor)
    _require_team(actor)
    rows = {r.key: r for r in checklists(session, draft).get(principle) or []}
    if not rows or set(decisions) - set(rows):
        raise NotFound(_t("Frågan finns inte i checklistan."))
    changed: list[tuple[ChecklistRow, bool, str]] = []
    errors: dict[str, Text] = {}
    for key, (met, reason) in decisions.items():
        row = rows[key]
        current_reason = row.decision.reason if row.decision is not None else ""
        if met == row.met and (reason or "").strip() == current_reason:
            continue
        try:
            changed.append((row, met, _reason(reason, required=met != row.auto_met)))
        except InvalidData as error:
            errors[key] = error.text
    if errors:
        raise ChecklistRefused(errors)
    return [
        set_checklist_override(session, actor, draft, principle, row.key, met, reason)
        for row, met, reason in changed
    ]


def checklist_history(session: Session, draft: Draft) -> list[ChecklistOverride]:
    """Every checklist decision on the draft, newest first."""
    return list(
        session.scalars(
            select(ChecklistOverride)
            .where(ChecklistOverride.draft_id == draft.id)
            .order_by(ChecklistOverride.id.desc())
        )
    )


# --- The gate ---------------------------------------------------------------------------------


def missing_sections(session: Session, draft: Draft | None, template_key: str) -> list[Section]:
    """Mandatory sections that are empty or over their limit."""
    from drafting.templates import load_template

    template = template_for(draft) if draft is not None else load_template(template_key)
    texts = {k: r.text for k, r in latest_revisions(session, draft).items()} if draft else {}
    return [
        s
        for s in template.sections
        if s.mandatory and (not texts.get(s.key, "").strip() or len(texts[s.key]) > s.max_chars)
    ]


def principles_below_gate(session: Session, draft: Draft) -> list[PrincipleLevel]:
    """Mandatory principles below `concrete` that the team has not judged otherwise."""
    return [
        level
        for level in principle_levels(session, draft)
        if level.principle in mandatory_principles() and not level.passes
    ]


# --- Portfolio --------------------------------------------------------------------------------


def levels_for_ideas(session: Session, idea_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """{idea id: {principle: level}} from each draft's latest check run, in one query."""
    ids = list(set(idea_ids))
    if not ids:
        return {}
    newest = (
        select(func.max(CheckRun.id))
        .join(Draft, Draft.id == CheckRun.draft_id)
        .where(Draft.idea_id.in_(ids))
        .group_by(CheckRun.draft_id)
    )
    rows = session.execute(
        select(Draft.idea_id, CheckRun.levels)
        .join(CheckRun, CheckRun.draft_id == Draft.id)
        .where(CheckRun.id.in_(newest))
    )
    return {idea_id: dict(levels or {}) for idea_id, levels in rows}
