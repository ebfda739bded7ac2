"""The support team's reviewer of an idea, and the date a Komplettering is due.

Services take an explicit actor, check permissions, flush and never commit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.errors import InvalidData, NotAllowed
from pipeline.i18n import _t
from pipeline.models import ProjectIdea, Role, User
from pipeline.services import log_activity

TEAM_ROLES = (Role.SUPPORT, Role.ADMIN)


def reviewers(session: Session) -> list[User]:
    """The people who can be assigned to review: active members of the support team."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_(TEAM_ROLES), User.is_active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def assign_reviewer(
    session: Session, actor: User, idea: ProjectIdea, reviewer: User | None
) -> ProjectIdea:
    """The team names who reviews the idea (None: nobody)."""
    if not actor.is_team:
        raise NotAllowed(_t("Bara stödteamet kan välja granskare."))
    if reviewer is not None and (reviewer.role not in TEAM_ROLES or not reviewer.is_active):
        raise InvalidData(_t("Granskaren ska vara en aktiv medlem av stödteamet."))
    new_id = reviewer.id if reviewer is not None else None
    if idea.reviewer_id == new_id:
        return idea
    old_id = idea.reviewer_id
    idea.reviewer = reviewer
    session.flush()
    log_activity(session, actor, "idea.reviewer", idea, idea=idea, reviewer_id=[old_id, new_id])
    return idea
