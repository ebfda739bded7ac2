"""The pipeline list as rows for export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.models import Call, Municipality, Organisation, ProjectIdea, User, idea_municipality
from pipeline.queries import IdeaFilters
from pipeline.stages import Stage


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
    budget_total: int | None
    esf_share: int | None
    esf_granted: int | None
    women: int | None
    men: int | None
    total: int | None
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
