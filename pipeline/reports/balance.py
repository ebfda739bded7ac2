"""The regional balance: every kommun and organisation type, ideas per stage, roles, funds."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import CTE, Subquery, case, func, select
from sqlalchemy.orm import Session

from pipeline.models import (
    IdeaPartner,
    Municipality,
    Organisation,
    OrgType,
    ProjectIdea,
    User,
    idea_municipality,
)
from pipeline.queries import require_team
from pipeline.reports.common import ACTIVE_STAGES, ReportFilters, figures, of_filtered_ideas
from pipeline.stages import Stage
from pipeline.tallies import kommun_stage_tally


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
    # Active ideas that give no ESF share: left out of the sums, not counted as 0 kr.
    without_esf_share: int = 0

    @property
    def empty_municipalities(self) -> list[BalanceRow]:
        return [r for r in self.municipalities if r.active == 0]


def _money_columns(ideas=ProjectIdea) -> tuple:
    """Sums of ESF funds: planned in active ideas, applied for once submitted, and granted;
    over `ideas` (the ideas' table or a figures() CTE's columns)."""
    return (
        func.coalesce(func.sum(ideas.esf_share).filter(ideas.stage.in_(ACTIVE_STAGES)), 0),
        func.coalesce(func.sum(ideas.esf_share).filter(ideas.submitted_on.is_not(None)), 0),
        func.coalesce(func.sum(ideas.esf_granted), 0),
    )


def _per_kommun_and_stage(conditions: list, ideas: CTE) -> Subquery:
    """Ideas per kommun (an idea counts in each of its kommuner) and stage, with funds: for
    the whole portfolio the database's own tally (pipeline/tallies.py), for ideas filtered by
    `conditions` (few) added up from their figures, `ideas`."""
    if not conditions:
        tally = kommun_stage_tally.c
        return (
            select(
                tally.municipality_id.label("municipality_id"),
                tally.stage.label("stage"),
                tally.ideas.label("ideas"),
                # Planned: the shares of active ideas (the stage decides, in the caller's sum).
                case((tally.stage.in_(ACTIVE_STAGES), tally.esf_share), else_=0).label("planned"),
                tally.esf_applied.label("applied"),
                tally.esf_granted.label("granted"),
            )
            .where(tally.ideas > 0)
            .subquery("per_stage")
        )
    return (
        select(
            idea_municipality.c.municipality_id.label("municipality_id"),
            ideas.c.stage.label("stage"),
            func.count().label("ideas"),
            *(
                c.label(n)
                for c, n in zip(
                    _money_columns(ideas.c), ("planned", "applied", "granted"), strict=True
                )
            ),
        )
        .select_from(ideas)
        .join(idea_municipality, idea_municipality.c.idea_id == ideas.c.id)
        .group_by(idea_municipality.c.municipality_id, ideas.c.stage)
        .subquery("per_stage")
    )


def balance(session: Session, actor: User, filters: ReportFilters) -> Balance:
    """Every kommun of the region (also those with no ideas) and every organisation type."""
    require_team(actor)
    conditions = filters.conditions()

    ideas = figures(conditions)
    per_stage = _per_kommun_and_stage(conditions, ideas)
    # Ideas led by (an idea has one lead), and partnered in by, organisations in each kommun.
    led = (
        select(Organisation.municipality_id.label("municipality_id"), func.count().label("n"))
        .select_from(ideas)
        .join(Organisation, Organisation.id == ideas.c.lead_organisation_id)
        .group_by(Organisation.municipality_id)
        .subquery("led")
    )
    partnered = of_filtered_ideas(
        select(
            Organisation.municipality_id.label("municipality_id"),
            func.count(func.distinct(IdeaPartner.idea_id)).label("n"),
        )
        .join(IdeaPartner, IdeaPartner.organisation_id == Organisation.id)
        .group_by(Organisation.municipality_id),
        IdeaPartner.idea_id,
        conditions,
    ).subquery("partnered")
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

    without = session.scalar(
        select(func.count())
        .select_from(ProjectIdea)
        .where(ProjectIdea.stage.in_(ACTIVE_STAGES), ProjectIdea.esf_share.is_(None), *conditions)
    )
    return Balance(list(rows.values()), _org_types(session, conditions), filters, without)


def _org_types(session: Session, conditions: list) -> list[BalanceRow]:
    """Ideas led per organisation type and stage with funds, and partner roles per type."""
    rows = {t: BalanceRow(t.value, t.value) for t in OrgType}
    ideas = figures(conditions)
    led = (
        select(Organisation.type, ideas.c.stage, func.count(), *_money_columns(ideas.c))
        .select_from(ideas)
        .join(Organisation, Organisation.id == ideas.c.lead_organisation_id)
        .group_by(Organisation.type, ideas.c.stage)
    )
    for org_type, stage, ideas, planned, applied, granted in session.execute(led):
        row = rows[OrgType(org_type)]
        row.per_stage[Stage(stage)] = ideas
        row.lead += ideas
        row.esf_planned += planned
        row.esf_applied += applied
        row.esf_granted += granted
    partner = of_filtered_ideas(
        select(Organisation.type, func.count(func.distinct(IdeaPartner.idea_id)))
        .join(IdeaPartner, IdeaPartner.organisation_id == Organisation.id)
        .group_by(Organisation.type),
        IdeaPartner.idea_id,
        conditions,
    )
    for org_type, count in session.execute(partner):
        rows[OrgType(org_type)].partner = count
    return list(rows.values())
