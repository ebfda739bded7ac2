"""Portfolio reports for the support team: the funnel, the regional balance and participants.

Every number comes from SQL aggregation (GROUP BY, window functions); Python only reshapes the
aggregated rows, whose number is bounded by stages x kommuner x calls, never by ideas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    Float,
    and_,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from pipeline.db import UTCDateTime
from pipeline.models import (
    ActivityLog,
    Call,
    IdeaPartner,
    Municipality,
    Organisation,
    OrgType,
    ProjectIdea,
    StageChange,
    User,
    idea_municipality,
)
from pipeline.queries import IdeaFilters, require_team
from pipeline.stages import BOARD_ORDER, OPEN_STAGES, Stage

# Ideas that are still alive in the pipeline: everything but the stages nothing comes after.
INACTIVE_STAGES = frozenset({Stage.CLOSED, Stage.WITHDRAWN, Stage.REJECTED})
ACTIVE_STAGES = frozenset(BOARD_ORDER) - INACTIVE_STAGES
# Planned participants count for every idea except those withdrawn or rejected.
NOT_PLANNED_STAGES = frozenset({Stage.WITHDRAWN, Stage.REJECTED})
# An idea can stall while it is being prepared; a parked idea rests on purpose.
STALLABLE_STAGES = OPEN_STAGES
STALLED_LIST_LIMIT = 25
DEFAULT_PERIOD_DAYS = 365


# --- Dialect helpers ---------------------------------------------------------------------------


class days_between(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """The number of days (fractional) from the first timestamp to the second."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler, **kw) -> str:
    start, end = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
        f"{compiler.process(start, **kw)})) / 86400.0)"
    )


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler, **kw) -> str:
    start, end = list(element.clauses)
    return (
        f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"
    )


class latest_of(FunctionElement):  # noqa: N801
    """The latest of several (non-null) timestamps: greatest() or SQLite's scalar max()."""

    type = UTCDateTime()
    inherit_cache = True
    name = "latest_of"


@compiles(latest_of)
def _latest_default(element: latest_of, compiler, **kw) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(latest_of, "sqlite")
def _latest_sqlite(element: latest_of, compiler, **kw) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


def median_by(value: ColumnElement, key: ColumnElement, source) -> tuple:
    """A SELECT of (key, median of value, count) over `source`, in portable SQL.

    Each group's rows are numbered in value order; the median is the mean of the middle one or
    two rows (the same as percentile_cont(0.5), and it runs on SQLite too).
    """
    ranked = select(
        key.label("key"),
        value.label("value"),
        func.row_number().over(partition_by=key, order_by=value).label("rn"),
        func.count().over(partition_by=key).label("n"),
    ).select_from(source)
    ranked = ranked.subquery()
    middle = or_(
        ranked.c.rn == (ranked.c.n + 1) // 2,
        ranked.c.rn == (ranked.c.n + 2) // 2,
    )
    return (
        select(ranked.c.key, func.avg(ranked.c.value), func.max(ranked.c.n))
        .where(middle)
        .group_by(ranked.c.key)
    )


# --- Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilters:
    """What the reports are narrowed to: a period (for the funnel's flow), call, area, kommun."""

    start: dt.date
    end: dt.date
    municipality_id: int | None = None
    call_id: int | None = None
    programme_area: str = ""
    stalled_after_days: int = 30

    @classmethod
    def default(cls, today: dt.date, **kw) -> ReportFilters:
        """The last year up to today, nothing else narrowed."""
        return cls(start=today - dt.timedelta(days=DEFAULT_PERIOD_DAYS), end=today, **kw)

    @property
    def ideas(self) -> IdeaFilters:
        """The idea filters of the board and the list that these stand for."""
        return IdeaFilters(
            municipality_id=self.municipality_id,
            call_id=self.call_id,
            programme_area=self.programme_area,
        )

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE clauses on ProjectIdea."""
        return self.ideas.conditions()

    @property
    def period(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [start, end) in UTC: from the first day's start to the day after end."""
        start = dt.datetime.combine(self.start, dt.time.min, dt.UTC)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, dt.UTC)
        return start, end


# Other layers' activity (for example a draft's last edit) as (idea id, timestamp) columns.
ActivitySource = tuple[ColumnElement, ColumnElement]

# --- Funnel ------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """One stage: ideas in it now, how many entered and left it in the period, median days."""

    stage: Stage
    now: int = 0
    entered: int = 0
    left: int = 0
    median_days: float | None = None
    stays: int = 0
    stalled: int = 0


@dataclass(frozen=True)
class StalledIdea:
    """An idea with no activity for longer than the limit."""

    id: int
    title: str
    stage: Stage
    lead: str | None
    last_activity: dt.datetime
    days: int


@dataclass
class Funnel:
    """The funnel report."""

    rows: list[FunnelRow]
    stalled: list[StalledIdea]
    stalled_total: int
    stalled_after_days: int
    filters: ReportFilters

    @property
    def total(self) -> int:
        return sum(r.now for r in self.rows)


def _history_with_ends(filters: ReportFilters):
    """Every stay in a stage: the idea, the stage, when it began and when it ended (or NULL).

    Only ideas with a stage change in the period are windowed, and only changes before its end.
    """
    start, end = filters.period
    moved = select(StageChange.idea_id).where(
        StageChange.created_at >= start, StageChange.created_at < end
    )
    return (
        select(
            StageChange.idea_id.label("idea_id"),
            StageChange.to_stage.label("stage"),
            StageChange.created_at.label("began"),
            func.lead(StageChange.created_at)
            .over(
                partition_by=StageChange.idea_id,
                order_by=(StageChange.created_at, StageChange.id),
            )
            .label("ended"),
        )
        .join(ProjectIdea, ProjectIdea.id == StageChange.idea_id)
        .where(StageChange.idea_id.in_(moved), StageChange.created_at < end)
        .where(*filters.conditions())
        .subquery("stays")
    )


def funnel(
    session: Session,
    actor: User,
    filters: ReportFilters,
    *,
    now: dt.datetime,
    activity: tuple[ActivitySource, ...] = (),
    stalled_limit: int = STALLED_LIST_LIMIT,
) -> Funnel:
    """Ideas per stage now, the period's flow, median days per stage and the stalled ideas.

    `activity` adds other layers' timestamps (such as a draft's last edit) to what counts as
    activity when deciding whether an idea has stalled.
    """
    require_team(actor)
    conditions = filters.conditions()
    start, end = filters.period
    rows = {stage: FunnelRow(stage) for stage in BOARD_ORDER}

    for stage, count in session.execute(
        select(ProjectIdea.stage, func.count(ProjectIdea.id))
        .where(*conditions)
        .group_by(ProjectIdea.stage)
    ):
        rows[stage].now = count

    in_period = and_(StageChange.created_at >= start, StageChange.created_at < end)
    flows = (
        select(StageChange.to_stage, func.count(func.distinct(StageChange.idea_id)))
        .join(ProjectIdea, ProjectIdea.id == StageChange.idea_id)
        .where(in_period, *conditions)
        .group_by(StageChange.to_stage)
    )
    for stage, count in session.execute(flows):
        rows[stage].entered = count
    outflows = (
        select(StageChange.from_stage, func.count(func.distinct(StageChange.idea_id)))
        .join(ProjectIdea, ProjectIdea.id == StageChange.idea_id)
        .where(in_period, StageChange.from_stage.is_not(None), *conditions)
        .group_by(StageChange.from_stage)
    )
    for stage, count in session.execute(outflows):
        rows[stage].left = count

    # Median days of the stays that ended in the period.
    stays = _history_with_ends(filters)
    ended = (
        select(stays.c.stage, days_between(stays.c.began, stays.c.ended).label("days"))
        .where(stays.c.ended.is_not(None), stays.c.ended >= start, stays.c.ended < end)
        .subquery("ended_stays")
    )
    for stage, median, count in session.execute(median_by(ended.c.days, ended.c.stage, ended)):
        row = rows[Stage(stage)]
        row.median_days = round(float(median), 1)
        row.stays = int(count)

    stalled_condition = _stalled(filters, now, activity)
    for stage, count in session.execute(
        select(ProjectIdea.stage, func.count(ProjectIdea.id))
        .where(stalled_condition, *conditions)
        .group_by(ProjectIdea.stage)
    ):
        rows[stage].stalled = count

    return Funnel(
        rows=[rows[s] for s in BOARD_ORDER],
        stalled=_stalled_ideas(session, filters, now, activity, stalled_limit),
        stalled_total=sum(r.stalled for r in rows.values()),
        stalled_after_days=filters.stalled_after_days,
        filters=filters,
    )


def _activity_since(cutoff: dt.datetime, sources: tuple[ActivitySource, ...]) -> ColumnElement:
    """True when an idea has logged activity, or activity in `sources`, at or after `cutoff`."""
    found = [
        exists().where(ActivityLog.idea_id == ProjectIdea.id, ActivityLog.created_at >= cutoff)
    ]
    for idea_id, stamp in sources:
        found.append(exists().where(idea_id == ProjectIdea.id, stamp >= cutoff))
    return or_(*found)


def _stalled(
    filters: ReportFilters, now: dt.datetime, sources: tuple[ActivitySource, ...]
) -> ColumnElement[bool]:
    """Ideas in an open stage with no stage change, edit or other activity since the cutoff."""
    cutoff = now - dt.timedelta(days=filters.stalled_after_days)
    return and_(
        ProjectIdea.stage.in_(STALLABLE_STAGES),
        ProjectIdea.stage_changed_at < cutoff,
        ProjectIdea.updated_at < cutoff,
        ~_activity_since(cutoff, sources),
    )


def _last_activity(sources: tuple[ActivitySource, ...]) -> ColumnElement:
    """The latest of an idea's stage change, edit and other activity (correlated subqueries)."""
    stamps = [ProjectIdea.stage_changed_at, ProjectIdea.updated_at]
    logged = [(ActivityLog.idea_id, ActivityLog.created_at), *sources]
    for idea_id, stamp in logged:
        latest = select(func.max(stamp)).where(idea_id == ProjectIdea.id).scalar_subquery()
        stamps.append(func.coalesce(latest, ProjectIdea.stage_changed_at))
    return latest_of(*stamps)


def _stalled_ideas(
    session: Session,
    filters: ReportFilters,
    now: dt.datetime,
    sources: tuple[ActivitySource, ...],
    limit: int,
) -> list[StalledIdea]:
    """The stalled ideas that have waited longest (at most `limit`)."""
    last = _last_activity(sources).label("last_activity")
    query = (
        select(ProjectIdea.id, ProjectIdea.title, ProjectIdea.stage, Organisation.name, last)
        .outerjoin(Organisation, Organisation.id == ProjectIdea.lead_organisation_id)
        .where(_stalled(filters, now, sources), *filters.conditions())
        .order_by(last, ProjectIdea.id)
        .limit(limit)
    )
    return [
        StalledIdea(id, title, stage, lead, at, int((now - at).total_seconds() // 86400))
        for id, title, stage, lead, at in session.execute(query)
    ]


# --- Regional balance --------------------------------------------------------------------------


@dataclass
class BalanceRow:
    """One kommun (or organisation type): ideas per stage, roles and ESF funds."""

    key: str
    name: str
    per_stage: dict[Stage, int] = field(default_factory=dict)
    lead: int = 0
    partner: int = 0
    esf_planned: int = 0
    esf_applied: int = 0
    esf_granted: int = 0

    @property
    def ideas(self) -> int:
        return sum(self.per_stage.values())

    @property
    def active(self) -> int:
        return sum(n for s, n in self.per_stage.items() if s in ACTIVE_STAGES)

    @property
    def empty(self) -> bool:
        """Nothing in the pipeline: no active idea, and no organisation here leads or partners
        in one of the ideas counted."""
        return self.active == 0 and self.lead == 0 and self.partner == 0


@dataclass
class Balance:
    """The regional-balance report: every kommun, and every organisation type."""

    municipalities: list[BalanceRow]
    org_types: list[BalanceRow]
    filters: ReportFilters

    @property
    def empty_municipalities(self) -> list[BalanceRow]:
        return [r for r in self.municipalities if r.active == 0]


def _money_columns() -> tuple:
    """Sums of ESF funds: planned in active ideas, applied for once submitted, and granted."""
    return (
        func.coalesce(
            func.sum(ProjectIdea.esf_share).filter(ProjectIdea.stage.in_(ACTIVE_STAGES)), 0
        ),
        func.coalesce(
            func.sum(ProjectIdea.esf_share).filter(ProjectIdea.submitted_on.is_not(None)), 0
        ),
        func.coalesce(func.sum(ProjectIdea.esf_granted), 0),
    )


def _labelled(columns: tuple, *names: str) -> list:
    return [c.label(n) for c, n in zip(columns, names, strict=True)]


def balance(session: Session, actor: User, filters: ReportFilters) -> Balance:
    """Every kommun of the region (also those with no ideas) and every organisation type."""
    require_team(actor)
    conditions = filters.conditions()

    # Ideas per kommun (an idea counts in each of its kommuner) and stage, with funds.
    per_stage = (
        select(
            idea_municipality.c.municipality_id.label("municipality_id"),
            ProjectIdea.stage.label("stage"),
            func.count(ProjectIdea.id).label("ideas"),
            *(
                c.label(n)
                for c, n in zip(_money_columns(), ("planned", "applied", "granted"), strict=True)
            ),
        )
        .join(ProjectIdea, ProjectIdea.id == idea_municipality.c.idea_id)
        .where(*conditions)
        .group_by(idea_municipality.c.municipality_id, ProjectIdea.stage)
        .subquery("per_stage")
    )
    # Ideas led by, and partnered in by, organisations based in each kommun.
    led = (
        select(
            Organisation.municipality_id.label("municipality_id"),
            func.count(func.distinct(ProjectIdea.id)).label("n"),
        )
        .join(ProjectIdea, ProjectIdea.lead_organisation_id == Organisation.id)
        .where(*conditions)
        .group_by(Organisation.municipality_id)
        .subquery("led")
    )
    partnered = (
        select(
            Organisation.municipality_id.label("municipality_id"),
            func.count(func.distinct(IdeaPartner.idea_id)).label("n"),
        )
        .join(IdeaPartner, IdeaPartner.organisation_id == Organisation.id)
        .join(ProjectIdea, ProjectIdea.id == IdeaPartner.idea_id)
        .where(*conditions)
        .group_by(Organisation.municipality_id)
        .subquery("partnered")
    )
    rows: dict[int, BalanceRow] = {}
    query = (
        select(
            Municipality.id,
            Municipality.code,
            Municipality.name,
            func.coalesce(led.c.n, 0),
            func.coalesce(partnered.c.n, 0),
            per_stage.c.stage,
            func.coalesce(per_stage.c.ideas, 0),
            func.coalesce(per_stage.c.planned, 0),
            func.coalesce(per_stage.c.applied, 0),
            func.coalesce(per_stage.c.granted, 0),
        )
        .outerjoin(led, led.c.municipality_id == Municipality.id)
        .outerjoin(partnered, partnered.c.municipality_id == Municipality.id)
        .outerjoin(per_stage, per_stage.c.municipality_id == Municipality.id)
        .order_by(Municipality.name, Municipality.id)
    )
    for mid, code, name, lead, partner, stage, ideas, planned, applied, granted in session.execute(
        query
    ):
        row = rows.setdefault(mid, BalanceRow(code, name, lead=lead, partner=partner))
        if stage is not None:
            row.per_stage[Stage(stage)] = ideas
            row.esf_planned += planned
            row.esf_applied += applied
            row.esf_granted += granted

    return Balance(list(rows.values()), _org_types(session, conditions), filters)


def _org_types(session: Session, conditions: list) -> list[BalanceRow]:
    """Ideas led per organisation type and stage with funds, and partner roles per type."""
    rows = {t: BalanceRow(t.value, t.value) for t in OrgType}
    led = (
        select(Organisation.type, ProjectIdea.stage, func.count(ProjectIdea.id), *_money_columns())
        .join(ProjectIdea, ProjectIdea.lead_organisation_id == Organisation.id)
        .where(*conditions)
        .group_by(Organisation.type, ProjectIdea.stage)
    )
    for org_type, stage, ideas, planned, applied, granted in session.execute(led):
        row = rows[OrgType(org_type)]
        row.per_stage[Stage(stage)] = ideas
        row.lead += ideas
        row.esf_planned += planned
        row.esf_applied += applied
        row.esf_granted += granted
    partner = (
        select(Organisation.type, func.count(func.distinct(IdeaPartner.idea_id)))
        .join(IdeaPartner, IdeaPartner.organisation_id == Organisation.id)
        .join(ProjectIdea, ProjectIdea.id == IdeaPartner.idea_id)
        .where(*conditions)
        .group_by(Organisation.type)
    )
    for org_type, count in session.execute(partner):
        rows[OrgType(org_type)].partner = count
    return list(rows.values())


# --- Participants ------------------------------------------------------------------------------


@dataclass
class ParticipantRow:
    """Planned participants of the ideas in one call or kommun."""

    key: str
    name: str
    ideas: int = 0
    women: int = 0
    men: int = 0
    total: int = 0

    @property
    def unspecified(self) -> int:
        """Participants whose gender the plan leaves open (total beyond women and men)."""
        return max(0, self.total - self.women - self.men)


@dataclass
class Participants:
    """Planned participants per call (and without a call) and per kommun."""

    calls: list[ParticipantRow]
    municipalities: list[ParticipantRow]
    totals: ParticipantRow
    filters: ReportFilters


def _participant_sums() -> tuple:
    return (
        func.count(ProjectIdea.id),
        func.coalesce(func.sum(ProjectIdea.participants_women), 0),
        func.coalesce(func.sum(ProjectIdea.participants_men), 0),
        func.coalesce(func.sum(ProjectIdea.participants_total), 0),
    )


def participants(session: Session, actor: User, filters: ReportFilters) -> Participants:
    """Planned women and men per call and per kommun (withdrawn and rejected ideas left out)."""
    require_team(actor)
    planned = [ProjectIdea.stage.not_in(NOT_PLANNED_STAGES), *filters.conditions()]
    join_on = and_(ProjectIdea.call_id == Call.id, *planned)
    calls_query = (
        select(Call.id, Call.diarienummer, Call.name, *_participant_sums())
        .outerjoin(ProjectIdea, join_on)
        .group_by(Call.id, Call.diarienummer, Call.name)
        .order_by(Call.opens.desc(), Call.name)
    )
    if filters.call_id is not None:
        calls_query = calls_query.where(Call.id == filters.call_id)
    calls = [
        ParticipantRow(code, name, *sums) for _id, code, name, *sums in session.execute(calls_query)
    ]
    without = session.execute(
        select(*_participant_sums()).where(ProjectIdea.call_id.is_(None), *planned)
    ).one()
    if without[0]:
        calls.append(ParticipantRow("", "", *without))

    per_kommun = (
        select(
            idea_municipality.c.municipality_id.label("municipality_id"),
            *(c.label(n) for c, n in zip(_participant_sums(), ("n", "w", "m", "t"), strict=True)),
        )
        .join(ProjectIdea, ProjectIdea.id == idea_municipality.c.idea_id)
        .where(*planned)
        .group_by(idea_municipality.c.municipality_id)
        .subquery("per_kommun")
    )
    kommuner = [
        ParticipantRow(code, name, *sums)
        for code, name, *sums in session.execute(
            select(
                Municipality.code,
                Municipality.name,
                *(func.coalesce(c, 0) for c in list(per_kommun.c)[1:]),
            )
            .outerjoin(per_kommun, per_kommun.c.municipality_id == Municipality.id)
            .order_by(Municipality.name, Municipality.id)
        )
    ]
    totals = ParticipantRow(
        "", "", *session.execute(select(*_participant_sums()).where(*planned)).one()
    )
    return Participants(calls, kommuner, totals, filters)


# --- The pipeline list as rows for export ------------------------------------------------------


@dataclass(frozen=True)
class IdeaRow:
    """One idea of the pipeline list, flat, for a spreadsheet."""

    id: int
    title: str
    stage: Stage
    stage_changed_at: dt.datetime
    lead: str | None
    municipalities: list[str]
    call: str | None
    programme_area: str
    budget_total: int
    esf_share: int
    esf_granted: int | None
    women: int
    men: int
    total: int
    submitted_on: dt.date | None
    updated_at: dt.datetime


def idea_rows(
    session: Session,
    actor: User,
    filters: IdeaFilters,
    *,
    sort: str = "updated",
    descending: bool = True,
) -> list[IdeaRow]:
    """Every idea of the list that `actor` may see, filtered and sorted as the list is, in two
    statements (the ideas, then their kommuner)."""
    from pipeline.queries import _REVERSED_SORTS, SORTS, visible_to

    key = SORTS.get(sort, SORTS["updated"])
    flip = descending != (sort in _REVERSED_SORTS)
    order = [key.desc() if flip else key.asc(), ProjectIdea.id.desc() if flip else ProjectIdea.id]
    conditions = [visible_to(actor), *filters.conditions()]
    query = (
        select(
            ProjectIdea.id,
            ProjectIdea.title,
            ProjectIdea.stage,
            ProjectIdea.stage_changed_at,
            Organisation.name,
            Call.name,
            ProjectIdea.programme_area,
            ProjectIdea.budget_total,
            ProjectIdea.esf_share,
            ProjectIdea.esf_granted,
            ProjectIdea.participants_women,
            ProjectIdea.participants_men,
            ProjectIdea.participants_total,
            ProjectIdea.submitted_on,
            ProjectIdea.updated_at,
        )
        .outerjoin(Organisation, Organisation.id == ProjectIdea.lead_organisation_id)
        .outerjoin(Call, Call.id == ProjectIdea.call_id)
        .where(*conditions)
        .order_by(*order)
    )
    ideas = session.execute(query).all()
    names: dict[int, list[str]] = {}
    chosen = select(ProjectIdea.id).where(*conditions)
    for idea_id, name in session.execute(
        select(idea_municipality.c.idea_id, Municipality.name)
        .join(Municipality, Municipality.id == idea_municipality.c.municipality_id)
        .where(idea_municipality.c.idea_id.in_(chosen))
        .order_by(Municipality.name)
    ):
        names.setdefault(idea_id, []).append(name)
    return [
        IdeaRow(
            id=r[0],
            title=r[1],
            stage=r[2],
            stage_changed_at=r[3],
            lead=r[4],
            municipalities=names.get(r[0], []),
            call=r[5],
            programme_area=r[6],
            budget_total=r[7],
            esf_share=r[8],
            esf_granted=r[9],
            women=r[10],
            men=r[11],
            total=r[12],
            submitted_on=r[13],
            updated_at=r[14],
        )
        for r in ideas
    ]


__all__ = [
    "ACTIVE_STAGES",
    "Balance",
    "BalanceRow",
    "Funnel",
    "FunnelRow",
    "IdeaRow",
    "Participants",
    "ParticipantRow",
    "ReportFilters",
    "StalledIdea",
    "balance",
    "funnel",
    "idea_rows",
    "participants",
]
