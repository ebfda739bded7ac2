"""The funnel: ideas per stage, how many passed each stage, time in stage, stalled ideas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from pipeline.models import Organisation, ProjectIdea, StageChange, User
from pipeline.queries import require_team
from pipeline.queries.stalled import ActivitySource, stalled, waited_longest
from pipeline.reports.common import (
    STALLED_LIST_LIMIT,
    ReportFilters,
    days_between,
    median_by,
    of_filtered_ideas,
)
from pipeline.stages import BOARD_ORDER, Stage


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
    return of_filtered_ideas(
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
        ).where(StageChange.idea_id.in_(moved), StageChange.created_at < end),
        StageChange.idea_id,
        filters.conditions(),
    ).subquery("stays")


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
        select(ProjectIdea.stage, func.count()).where(*conditions).group_by(ProjectIdea.stage)
    ):
        rows[stage].now = count

    in_period = and_(StageChange.created_at >= start, StageChange.created_at < end)
    flows = of_filtered_ideas(
        select(StageChange.to_stage, func.count(func.distinct(StageChange.idea_id)))
        .where(in_period)
        .group_by(StageChange.to_stage),
        StageChange.idea_id,
        conditions,
    )
    for stage, count in session.execute(flows):
        rows[stage].entered = count
    outflows = of_filtered_ideas(
        select(StageChange.from_stage, func.count(func.distinct(StageChange.idea_id)))
        .where(in_period, StageChange.from_stage.is_not(None))
        .group_by(StageChange.from_stage),
        StageChange.idea_id,
        conditions,
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
    dialect = session.get_bind().dialect.name
    medians = median_by(ended.c.days, ended.c.stage, ended, dialect)
    for stage, median, count in session.execute(medians):
        row = rows[Stage(stage)]
        row.median_days = round(float(median), 1)
        row.stays = int(count)

    stalled_condition = stalled(now, filters.stalled_after_days, activity)
    for stage, count in session.execute(
        select(ProjectIdea.stage, func.count())
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


def _stalled_ideas(
    session: Session,
    filters: ReportFilters,
    now: dt.datetime,
    sources: tuple[ActivitySource, ...],
    limit: int,
) -> list[StalledIdea]:
    """The stalled ideas that have waited longest (at most `limit`)."""
    condition = and_(stalled(now, filters.stalled_after_days, sources), *filters.conditions())
    page = waited_longest(condition, sources, limit).subquery("page")
    query = (
        select(
            ProjectIdea.id,
            ProjectIdea.title,
            ProjectIdea.stage,
            Organisation.name,
            page.c.last_activity,
        )
        .join(page, page.c.id == ProjectIdea.id)
        .outerjoin(Organisation, Organisation.id == ProjectIdea.lead_organisation_id)
        .order_by(page.c.last_activity, ProjectIdea.id)
    )
    return [
        StalledIdea(id, title, stage, lead, at, int((now - at).total_seconds() // 86400))
        for id, title, stage, lead, at in session.execute(query)
    ]
