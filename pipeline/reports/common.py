"""Shared pieces of the portfolio reports: stage groups, SQL helpers and the filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import CTE, ColumnElement, Select, select

from pipeline.models import IDEA_FIGURES, ProjectIdea
from pipeline.queries import IdeaFilters
from pipeline.queries.stalled import (  # noqa: F401  (the reports' names for them)
    STALLABLE_STAGES,
    ActivitySource,
    latest_of,
)
from pipeline.stages import BOARD_ORDER, Stage

# Ideas that are still alive in the pipeline: everything but the stages nothing comes after.
INACTIVE_STAGES = frozenset({Stage.CLOSED, Stage.WITHDRAWN, Stage.REJECTED})
ACTIVE_STAGES = frozenset(BOARD_ORDER) - INACTIVE_STAGES
# Planned participants count for every idea except those withdrawn or rejected.
NOT_PLANNED_STAGES = frozenset({Stage.WITHDRAWN, Stage.REJECTED})
STALLED_LIST_LIMIT = 25
DEFAULT_PERIOD_DAYS = 365


def of_filtered_ideas(query: Select, idea_id: ColumnElement, conditions: list) -> Select:
    """`query` over rows that belong to an idea (`idea_id`), narrowed to the ideas meeting
    `conditions`: joined to the ideas only when there are any. Every such row has its idea, and
    reading each row's idea for nothing was most of the funnel's flows and a third of the
    regional balance at national scale."""
    if not conditions:
        return query
    return query.join(ProjectIdea, ProjectIdea.id == idea_id).where(*conditions)


def figures(conditions: list, name: str = "figures") -> CTE:
    """The figures of the ideas meeting `conditions` (IDEA_FIGURES), read once per statement
    from the index that holds them and kept apart from the joins that use them.

    Joined directly, the planners of SQLite in particular walk the joined table (an idea's
    kommuner, its lead organisation) and look up each idea's whole row, whose figures sit
    behind its texts' overflow pages: 100,000 ideas made that half a second per report table.
    MATERIALIZED keeps SQLite from folding the rows back into the join; PostgreSQL plans the
    join well by itself (a hash join over the index), and materialising there doubled it."""
    return (
        select(*(getattr(ProjectIdea, c) for c in IDEA_FIGURES))
        .where(*conditions)
        .cte(name)
        .prefix_with("MATERIALIZED", dialect="sqlite")
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
