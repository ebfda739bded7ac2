"""Regional projects and the local ideas they gather."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.errors import NotFound
from pipeline.i18n import _t
from pipeline.models import Municipality, ProjectIdea, User
from pipeline.queries.access import ideas_for, require_team
from pipeline.queries.board import _card_options
from pipeline.stages import Stage


def regional_projects(session: Session, actor: User) -> list[ProjectIdea]:
    """Every regional project with its member ideas, for the support team."""
    require_team(actor)
    return list(
        session.scalars(
            select(ProjectIdea)
            .where(ProjectIdea.is_regional.is_(True))
            .order_by(ProjectIdea.title, ProjectIdea.id)
            .options(
                selectinload(ProjectIdea.member_ideas).selectinload(ProjectIdea.lead_organisation),
                selectinload(ProjectIdea.municipalities),
            )
        )
    )


def get_regional_project(session: Session, actor: User, project_id: int) -> ProjectIdea:
    """A regional project with its members loaded; NotFound when the id is not one."""
    require_team(actor)
    project = session.scalars(
        select(ProjectIdea)
        .where(ProjectIdea.id == project_id, ProjectIdea.is_regional.is_(True))
        .options(
            selectinload(ProjectIdea.member_ideas).options(*_card_options()),
            selectinload(ProjectIdea.municipalities),
        )
    ).one_or_none()
    if project is None:
        raise NotFound(_t("Det regionala projektet finns inte."))
    return project


def ideas_by_ids(session: Session, actor: User, ids: list[int]) -> list[ProjectIdea]:
    """The visible ideas among `ids`; NotFound if any of them is unknown or hidden."""
    wanted = set(ids)
    found = list(
        session.scalars(ideas_for(actor).where(ProjectIdea.id.in_(wanted)).order_by(ProjectIdea.id))
    )
    if len(found) != len(wanted):
        raise NotFound(_t("En av idéerna finns inte."))
    return found


# Members that no longer plan anything are left out of the sums (as in the participants report).
NOT_SUMMED = frozenset({Stage.WITHDRAWN, Stage.REJECTED})


@dataclass
class RegionalSum:
    """A regional project's members added up: participants, money and the kommuner covered.

    An empty figure is not 0: `without_*` count the members that give none.
    """

    members: int = 0
    women: int = 0
    men: int = 0
    total: int = 0
    budget: int = 0
    esf: int = 0
    without_participants: int = 0
    without_budget: int = 0
    without_esf: int = 0
    covered: list[Municipality] = field(default_factory=list)
    not_covered: list[Municipality] = field(default_factory=list)


def regional_sum(session: Session, actor: User, project: ProjectIdea) -> RegionalSum:
    """The sums over a regional project's member ideas (withdrawn and rejected left out)."""
    require_team(actor)
    found = RegionalSum()
    covered: dict[int, Municipality] = {}
    for idea in project.member_ideas:
        if idea.stage in NOT_SUMMED:
            continue
        found.members += 1
        people = (idea.participants_women, idea.participants_men, idea.participants_total)
        if all(n is None for n in people):
            found.without_participants += 1
        found.women += idea.participants_women or 0
        found.men += idea.participants_men or 0
        found.total += idea.participants_total or 0
        if idea.budget_total is None:
            found.without_budget += 1
        found.budget += idea.budget_total or 0
        if idea.esf_share is None:
            found.without_esf += 1
        found.esf += idea.esf_share or 0
        covered.update((m.id, m) for m in idea.municipalities)
    found.covered = sorted(covered.values(), key=lambda m: m.name)
    found.not_covered = list(
        session.scalars(
            select(Municipality)
            .where(Municipality.id.not_in(list(covered) or [0]))
            .order_by(Municipality.name)
        )
    )
    return found
