"""Regional projects and the local ideas they gather."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.errors import NotFound
from pipeline.i18n import Text
from pipeline.models import ProjectIdea, User
from pipeline.queries.access import ideas_for, require_team
from pipeline.queries.board import _card_options


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
        raise NotFound(
            Text("Det regionala projektet finns inte.", "The regional project does not exist.")
        )
    return project


def ideas_by_ids(session: Session, actor: User, ids: list[int]) -> list[ProjectIdea]:
    """The visible ideas among `ids`; NotFound if any of them is unknown or hidden."""
    wanted = set(ids)
    found = list(
        session.scalars(ideas_for(actor).where(ProjectIdea.id.in_(wanted)).order_by(ProjectIdea.id))
    )
    if len(found) != len(wanted):
        raise NotFound(Text("En av idéerna finns inte.", "One of the ideas does not exist."))
    return found
