"""Planned participants, women and men, per call and per kommun."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from pipeline.models import Call, Municipality, ProjectIdea, User, idea_municipality
from pipeline.queries import require_team
from pipeline.reports.common import NOT_PLANNED_STAGES, ReportFilters, figures


@dataclass
class ParticipantRow:
    """Planned participants of the ideas in one call or kommun."""

    key: str
    name: str
    ideas: int = 0
    women: int = 0
    men: int = 0
    total: int = 0
    without_figures: int = 0  # ideas that give no participant figure at all (not counted as 0)

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


def _participant_sums(ideas=ProjectIdea) -> tuple:
    """Ideas, women, men, total and ideas without figures, over `ideas` (the ideas' table or
    a figures() CTE's columns)."""
    return (
        func.count(ideas.id),
        func.coalesce(func.sum(ideas.participants_women), 0),
        func.coalesce(func.sum(ideas.participants_men), 0),
        func.coalesce(func.sum(ideas.participants_total), 0),
        func.count(ideas.id).filter(
            ideas.participants_women.is_(None),
            ideas.participants_men.is_(None),
            ideas.participants_total.is_(None),
        ),
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

    ideas = figures(planned)
    per_kommun = (
        select(
            idea_municipality.c.municipality_id.label("municipality_id"),
            *(c.label(n) for c, n in zip(_participant_sums(ideas.c), "nwmtx", strict=True)),
        )
        .select_from(ideas)
        .join(idea_municipality, idea_municipality.c.idea_id == ideas.c.id)
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
