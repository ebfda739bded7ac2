"""The one definition of a stalled idea, used by the team's start page and the funnel report.

An idea has stalled when it is in an open stage (Idé to Klar att skicka in) and nothing has
happened to it for `after_days` days: no stage change, no edit of the idea, no logged activity
and no activity in the other layers' `sources` (a draft's last edit).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from pipeline.db import UTCDateTime
from pipeline.models import ActivityLog, ProjectIdea
from pipeline.stages import OPEN_STAGES

# An idea can stall while it is being prepared; a parked idea rests on purpose.
STALLABLE_STAGES = OPEN_STAGES
# Other layers' activity (for example a draft's last edit) as (idea id, timestamp) columns.
ActivitySource = tuple[ColumnElement, ColumnElement]


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


def _recently_active(cutoff: dt.datetime, sources: tuple[ActivitySource, ...]) -> list[Select]:
    """The ids of the ideas with logged activity, or activity in `sources`, since `cutoff`:
    each set read once through its timestamp's index, where a correlated EXISTS per idea
    probed the logs once for every open idea (most of the start page at national scale)."""
    found = [
        select(ActivityLog.idea_id).where(
            ActivityLog.created_at >= cutoff, ActivityLog.idea_id.is_not(None)
        )
    ]
    for idea_id, stamp in sources:
        found.append(select(idea_id).where(stamp >= cutoff, idea_id.is_not(None)))
    return found


def _quiet(cutoff: dt.datetime) -> ColumnElement[bool]:
    """In a stage that can stall, with no stage change and no edit since `cutoff`."""
    return ProjectIdea.stage.in_(STALLABLE_STAGES) & (
        (ProjectIdea.stage_changed_at < cutoff) & (ProjectIdea.updated_at < cutoff)
    )


def stalled(
    now: dt.datetime, after_days: int, sources: tuple[ActivitySource, ...] = ()
) -> ColumnElement[bool]:
    """WHERE clause on ProjectIdea: the idea has stalled (see the module's docstring)."""
    cutoff = now - dt.timedelta(days=after_days)
    active = [ProjectIdea.id.in_(ids) for ids in _recently_active(cutoff, sources)]
    return _quiet(cutoff) & ~or_(*active)


def last_activity(sources: tuple[ActivitySource, ...] = ()) -> ColumnElement:
    """The latest of an idea's stage change, edit and other activity (correlated subqueries)."""
    stamps = [ProjectIdea.stage_changed_at, ProjectIdea.updated_at]
    logged = [(ActivityLog.idea_id, ActivityLog.created_at), *sources]
    for idea_id, stamp in logged:
        latest = select(func.max(stamp)).where(idea_id == ProjectIdea.id).scalar_subquery()
        stamps.append(func.coalesce(latest, ProjectIdea.stage_changed_at))
    return latest_of(*stamps)


def waited_longest(
    condition: ColumnElement[bool], sources: tuple[ActivitySource, ...], limit: int
) -> Select:
    """A subquery-ready SELECT of (id, last_activity) of the `limit` ideas meeting `condition`
    whose last activity is oldest, oldest first.

    Computing every stalled idea's last activity to sort them all cost most of a start page
    at national scale, so the sort is narrowed first, exactly: the `limit` ideas edited
    longest ago give a bound (the latest of their last activities) that the answer's last
    activities cannot exceed, and an idea's last activity is never before its stage change or
    its edit, so only ideas changed and edited by the bound are sorted (read from the index
    on stage and those two times). With fewer than `limit` ideas, the bound takes them all.
    """
    last = last_activity(sources)
    # Ids only in the probe's sort: a computed column would be computed for every row sorted.
    probe = (
        select(ProjectIdea.id)
        .where(condition)
        .order_by(ProjectIdea.updated_at, ProjectIdea.id)
        .limit(limit)
    )
    bound = select(func.max(last)).where(ProjectIdea.id.in_(probe)).cte("stalled_bound").c[0]
    within = select(bound).scalar_subquery()
    return (
        select(ProjectIdea.id.label("id"), last.label("last_activity"))
        .where(condition, ProjectIdea.stage_changed_at <= within, ProjectIdea.updated_at <= within)
        .order_by(last, ProjectIdea.id)
        .limit(limit)
    )
