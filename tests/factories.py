"""Callables that build domain objects with sensible defaults."""

from __future__ import annotations

import itertools

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.models import Municipality, Organisation, OrgType, ProjectIdea, Role, User
from pipeline.services import IdeaData, create_idea

_seq = itertools.count(1)


def make_org(session: Session, name: str | None = None, **kw) -> Organisation:
    org = Organisation(
        name=name or f"Organisation {next(_seq)}", type=kw.pop("type", OrgType.KOMMUN), **kw
    )
    session.add(org)
    session.flush()
    return org


def make_user(
    session: Session, role: Role = Role.ACTOR, organisation: Organisation | None = None, **kw
) -> User:
    n = next(_seq)
    user = User(
        name=kw.pop("name", f"Person {n}"),
        email=kw.pop("email", f"person{n}@example.se"),
        role=role,
        organisation=organisation,
        **kw,
    )
    session.add(user)
    session.flush()
    return user


def municipality(session: Session, name: str = "Umeå") -> Municipality:
    return session.scalars(select(Municipality).filter_by(name=name)).one()


def make_idea(session: Session, actor: User, **kw) -> ProjectIdea:
    """An idea created through the service, with a lead organisation and a kommun."""
    if "municipality_ids" not in kw:
        kw["municipality_ids"] = [municipality(session).id]
    if "lead_organisation_id" not in kw and actor.organisation_id is not None:
        kw["lead_organisation_id"] = actor.organisation_id
    data = IdeaData(title=kw.pop("title", f"Idé {next(_seq)}"), **kw)
    return create_idea(session, actor, data)
