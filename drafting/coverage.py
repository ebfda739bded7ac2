"""Principle coverage across the portfolio, from each draft's latest check run.

Levels are the check run's ``levels`` column, read with the JSON path operators and counted
with conditional aggregation per group; findings are rows of check_finding, counted with GROUP
BY, so Python only sees the aggregated rows.
The support team's judgement of a level (the latest LevelOverride) wins over the checker's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Integer, func, literal, select, union_all
from sqlalchemy.orm import Session

from drafting.checker.judging import CHAIN
from drafting.checker.rules import load_common, principle_keys
from drafting.models import CheckFinding, CheckRun, Draft, LevelOverride
from drafting.review import LEVELS, mandatory_principles, principle_label
from pipeline.i18n import Bilingual, Text, _t
from pipeline.models import Call, Municipality, ProjectIdea, User, idea_municipality
from pipeline.queries import IdeaFilters, require_team

FINDINGS_LIMIT = 10
# Findings that say what is missing or wrong; info findings (readability) are left out.
MISSING_SEVERITIES = ("error", "warning")

# A draft's last edit, for the funnel's "no activity" test: (idea id, timestamp).
DRAFT_ACTIVITY = (Draft.idea_id, Draft.updated_at)
# Everything beyond the pipeline's own that counts as activity when deciding whether an idea has
# stalled: the start page and the funnel report both pass this, so they count the same ideas.
STALLED_ACTIVITY = (DRAFT_ACTIVITY,)


@dataclass
class LevelCounts:
    """How many drafts are at each level for one principle (in one kommun or call)."""

    principle: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def concrete_or_better(self) -> int:
        return self.counts["concrete"] + self.counts["integrated"]

    @property
    def label(self) -> Text:
        return principle_label(self.principle)


@dataclass
class CoverageGroup:
    """A kommun or a call with its drafts' levels per principle."""

    key: str
    name: str
    drafts: int = 0
    principles: dict[str, LevelCounts] = field(
        default_factory=lambda: {p: LevelCounts(p) for p in principle_keys()}
    )


@dataclass(frozen=True)
class CommonFinding:
    """A finding and in how many drafts' latest check it appears."""

    rule_id: str
    principle: str | None
    drafts: int
    occurrences: int
    label: Text
    example: Text


@dataclass
class Coverage:
    """The portfolio's principle coverage."""

    drafts: int
    unchecked: int
    principles: list[LevelCounts]
    municipalities: list[CoverageGroup]
    calls: list[CoverageGroup]
    findings: list[CommonFinding]


def _latest_run_ids(filters: IdeaFilters):
    """The ids of the latest check runs (marked by the database, migration 0024) of the
    drafts whose idea the filters keep."""
    return (
        select(CheckRun.id)
        .join(Draft, Draft.id == CheckRun.draft_id)
        .join(ProjectIdea, ProjectIdea.id == Draft.idea_id)
        .where(CheckRun.is_latest, *filters.conditions())
    )


def _judged():
    """Per draft, the team's latest judgement of each principle (NULL where there is none, or
    where the latest hands the judgement back to the checker), one column per principle.

    One grouped pass over the judgements instead of a lookup per draft and principle (five
    index probes for each of 30,000 drafts at national scale)."""
    latest = select(func.max(LevelOverride.id)).group_by(
        LevelOverride.draft_id, LevelOverride.principle
    )
    return (
        select(
            LevelOverride.draft_id,
            *(
                func.max(LevelOverride.level).filter(LevelOverride.principle == p).label(p)
                for p in principle_keys()
            ),
        )
        .where(LevelOverride.id.in_(latest))
        .group_by(LevelOverride.draft_id)
        .subquery("judged")
    )


def _levels(filters: IdeaFilters):
    """One row per draft whose idea the filters keep, from its latest check run: draft, idea,
    call and each principle's level as a column; the support team's latest judgement of a
    level wins over the checker's. Read from the marked runs (migration 0024) in one pass,
    each run once (finding each draft's newest first, then its run again, cost more)."""
    judged = _judged()
    return (
        select(
            CheckRun.draft_id.label("draft_id"),
            ProjectIdea.id.label("idea_id"),
            ProjectIdea.call_id.label("call_id"),
            *(
                func.coalesce(judged.c[p], CheckRun.levels[p].as_string()).label(p)
                for p in principle_keys()
            ),
        )
        .join(Draft, Draft.id == CheckRun.draft_id)
        .join(ProjectIdea, ProjectIdea.id == Draft.idea_id)
        .outerjoin(judged, judged.c.draft_id == CheckRun.draft_id)
        .where(CheckRun.is_latest, *filters.conditions())
        .cte("levels")
        # Work out each draft's levels once, not once per counted condition.
        .prefix_with("MATERIALIZED")
    )


def _level_counts(levels) -> list[ColumnElement]:
    """Per principle and level, how many rows have it (conditional aggregation)."""
    return [
        func.count().filter(levels.c[p] == level).label(f"{p}__{level}")
        for p in principle_keys()
        for level in LEVELS
    ]


def _fill_row(group: CoverageGroup, row) -> None:
    values = row._mapping
    for p in principle_keys():
        for level in LEVELS:
            group.principles[p].counts[level] += values[f"{p}__{level}"] or 0


def _absent_when_missing(group: CoverageGroup) -> None:
    """A mandatory principle a check run does not mention counts as absent."""
    for principle in mandatory_principles():
        counts = group.principles[principle]
        counts.counts["absent"] += max(0, group.drafts - counts.total)


def coverage(
    session: Session,
    actor: User,
    filters: IdeaFilters | None = None,
    *,
    findings_limit: int = FINDINGS_LIMIT,
) -> Coverage:
    """Per principle, per kommun and per call: drafts at each level; and the common findings."""
    require_team(actor)
    filters = filters or IdeaFilters()
    levels = _levels(filters)
    counts = _level_counts(levels)

    overall = CoverageGroup("", "")
    kommuner = {
        mid: CoverageGroup(code, name)
        for mid, code, name in session.execute(
            select(Municipality.id, Municipality.code, Municipality.name).order_by(
                Municipality.name, Municipality.id
            )
        )
    }
    calls: dict[int | None, CoverageGroup] = {
        cid: CoverageGroup(code, name)
        for cid, code, name in session.execute(
            select(Call.id, Call.diarienummer, Call.name).order_by(Call.opens.desc(), Call.name)
        )
        if filters.call_id is None or cid == filters.call_id
    }
    calls[None] = CoverageGroup("", "")

    # One statement for the three groupings, so each draft's levels are worked out once.
    n = func.count().label("n")
    every = select(literal("all").label("kind"), literal(None, Integer).label("key"), n, *counts)
    per_kommun = (
        select(literal("kommun"), idea_municipality.c.municipality_id, func.count(), *counts)
        .join(levels, levels.c.idea_id == idea_municipality.c.idea_id)
        .group_by(idea_municipality.c.municipality_id)
    )
    per_call = select(literal("call"), levels.c.call_id, func.count(), *counts).group_by(
        levels.c.call_id
    )
    targets = {"all": {None: overall}, "kommun": kommuner, "call": calls}
    for row in session.execute(union_all(every.select_from(levels), per_kommun, per_call)):
        group = targets[row.kind].get(row.key)
        if group is not None:
            group.drafts = row.n
            _fill_row(group, row)
    if not calls[None].drafts:
        del calls[None]
    for group in (overall, *kommuner.values(), *calls.values()):
        _absent_when_missing(group)

    return Coverage(
        drafts=overall.drafts,
        unchecked=_unchecked(session, filters),
        principles=list(overall.principles.values()),
        municipalities=list(kommuner.values()),
        calls=list(calls.values()),
        findings=common_findings(session, filters, findings_limit),
    )


def _unchecked(session: Session, filters: IdeaFilters) -> int:
    """Drafts of the filtered ideas that have never been checked."""
    return (
        session.scalar(
            select(func.count(Draft.id))
            .join(ProjectIdea, ProjectIdea.id == Draft.idea_id)
            .where(~select(CheckRun.id).where(CheckRun.draft_id == Draft.id).exists())
            .where(*filters.conditions())
        )
        or 0
    )


def common_findings(
    session: Session, filters: IdeaFilters, limit: int = FINDINGS_LIMIT
) -> list[CommonFinding]:
    """The findings that most drafts' latest checks share: what applicants miss most.

    The latest runs' findings are counted by kind from their index alone (the database marks
    them, migration 0024; a draft has one latest run, so distinct runs are distinct drafts):
    probing the findings of each of 30,000 latest runs and sorting them by kind was most of
    the report at national scale. Only the `limit` kinds shown fetch an example's messages:
    carrying every finding's messages through the grouping sorted 60 MB on disk."""
    latest = [CheckFinding.is_latest, CheckFinding.severity.in_(MISSING_SEVERITIES)]
    if filters.conditions():  # the filtered drafts' runs (every run has its draft)
        latest.append(CheckFinding.check_run_id.in_(_latest_run_ids(filters)))
    drafts = func.count(func.distinct(CheckFinding.check_run_id)).label("drafts")
    top = (
        select(
            CheckFinding.rule_id,
            CheckFinding.principle,
            drafts,
            func.count().label("occurrences"),
            func.min(CheckFinding.id).label("example_id"),
        )
        .where(*latest)
        .group_by(CheckFinding.rule_id, CheckFinding.principle)
        .order_by(drafts.desc(), CheckFinding.rule_id, CheckFinding.principle)
        .limit(limit)
        .subquery("top")
    )
    query = (
        select(
            top.c.rule_id,
            top.c.principle,
            top.c.drafts,
            top.c.occurrences,
            CheckFinding.message_sv,
            CheckFinding.message_en,
        )
        .join(CheckFinding, CheckFinding.id == top.c.example_id)
        .order_by(top.c.drafts.desc(), top.c.rule_id, top.c.principle)
    )
    return [
        CommonFinding(rule_id, principle, n, occurrences, finding_label(rule_id, principle), ex)
        for rule_id, principle, n, occurrences, *example in session.execute(query)
        for ex in [Bilingual(example[0] or "", example[1] or "")]
    ]


_KINDS: dict[str, Text] = {
    "missing": _t("principen saknas"),
    "not_concrete": _t("nämns men beskrivs inte konkret"),
    "negation": _t("texten avfärdar principen"),
    "empty_declaration": _t("allmän försäkran utan innehåll"),
    "method_names": _t("metodnamn utan innehåll"),
    "not_swedish": _t("texten är inte på svenska"),
}
_PERSONAL = _t("Personuppgifter i texten")


def finding_label(rule_id: str, principle: str | None) -> Text:
    """A short name for a kind of finding, for a training plan: "Jämställdhet: ..."."""
    head = principle_label(principle) if principle else None
    kind = rule_id.split(".", 1)[1] if "." in rule_id else rule_id
    if rule_id.startswith("personal_data."):
        return _PERSONAL
    if kind.startswith("chain."):
        link = kind.split(".", 1)[1]
        if link in CHAIN:
            names = load_common().chain_names
            what = _t("kedjan saknar {link}").format(
                link=Bilingual(names[f"{link}_sv"], names[f"{link}_en"])
            )
        else:
            what = kind
    else:
        what = _KINDS.get(kind, rule_id)
    if head is None:
        return what
    return _t("{principle}: {what}").format(principle=head, what=what)


__all__ = [
    "DRAFT_ACTIVITY",
    "STALLED_ACTIVITY",
    "CommonFinding",
    "Coverage",
    "CoverageGroup",
    "LevelCounts",
    "common_findings",
    "coverage",
    "finding_label",
]
