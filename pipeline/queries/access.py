"""What an actor may see: the visibility rule, and fetching one idea without leaking others."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select, true, union
from sqlalchemy.orm import Session, selectinload

import pipeline.guards  # noqa: F401  (registers the table's guards)
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import _t
from pipeline.models import IdeaPartner, ProjectIdea, User


def visible_to(actor: User) -> ColumnElement[bool]:
    """A WHERE clause keeping the ideas `actor` may see (all of them for the support team)."""
    if actor.is_team:
        return true()
    if actor.organisation_id is None:
        return false()
    # One list of ids, the led ideas and the partnered: written as "led OR partnered" the
    # planner guessed half of all ideas matched and, at 100,000 ideas, read every idea to
    # find an actor's few hundred (a search for a common word read all its matches).
    led = select(ProjectIdea.id).where(ProjectIdea.lead_organisation_id == actor.organisation_id)
    partnered = select(IdeaPartner.idea_id).where(
        IdeaPartner.organisation_id == actor.organisation_id
    )
    return ProjectIdea.id.in_(union(led, partnered))


def ideas_for(actor: User) -> Select[tuple[ProjectIdea]]:
    """The ideas `actor` may see, with what a card or a list row shows loaded up front."""
    return (
        select(ProjectIdea)
        .where(visible_to(actor))
        .options(
            selectinload(ProjectIdea.lead_organisation),
            selectinload(ProjectIdea.municipalities),
            selectinload(ProjectIdea.call),
            selectinload(ProjectIdea.partners).selectinload(IdeaPartner.organisation),
        )
    )


def get_idea(session: Session, actor: User, idea_id: int) -> ProjectIdea:
    """The idea with `idea_id` if `actor` may see it; NotFound otherwise (no existence leak)."""
    idea = session.scalars(ideas_for(actor).where(ProjectIdea.id == idea_id)).one_or_none()
    if idea is None:
        raise NotFound(_t("Idén finns inte eller så saknar du behörighet att se den."))
    return idea


_TEAM_ONLY = _t("Den här sidan är till för regionens stödteam.")


def require_team(actor: User) -> None:
    """Raise NotAllowed unless `actor` belongs to the support team (or is an admin)."""
    if not actor.is_team:
        raise NotAllowed(_TEAM_ONLY)
