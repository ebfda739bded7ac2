"""The audit trail: who did what and when, read from the activity log (admins only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.accounts import is_admin, require
from pipeline.models import ActivityLog, ProjectIdea, User
from pipeline.queries import Page

PER_PAGE = 50


def may_read_audit(actor: User | None) -> bool:
    """The audit trail names people and what they did: admins only."""
    return is_admin(actor)


@dataclass(frozen=True)
class AuditFilters:
    """What to show: a person, an action (or a prefix such as "idea."), an idea, a period."""

    user_id: int | None = None
    action: str | None = None
    idea_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(filters: AuditFilters) -> Select:
    query = select(ActivityLog)
    if filters.user_id is not None:
        query = query.where(ActivityLog.user_id == filters.user_id)
    if filters.action:
        if filters.action.endswith("."):
            query = query.where(ActivityLog.action.startswith(filters.action, autoescape=True))
        else:
            query = query.where(ActivityLog.action == filters.action)
    if filters.idea_id is not None:
        query = query.where(ActivityLog.idea_id == filters.idea_id)
    if filters.since is not None:
        query = query.where(ActivityLog.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(ActivityLog.created_at < filters.until)
    return query


def search(
    session: Session, actor: User, filters: AuditFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of matching entries, newest first, with their people and ideas loaded."""
    require(may_read_audit(actor))
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = session.scalars(
        query.options(selectinload(ActivityLog.user))
        .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(entries), total, page, per_page)


def iter_entries(
    session: Session, actor: User, filters: AuditFilters, *, limit: int = 100_000
) -> Iterator[ActivityLog]:
    """Every matching entry, newest first (for a CSV download), at most `limit`."""
    require(may_read_audit(actor))
    query = (
        _filtered(filters)
        .options(selectinload(ActivityLog.user))
        .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
        .limit(limit)
    )
    yield from session.scalars(query.execution_options(yield_per=1000))


def actions(session: Session, actor: User) -> list[str]:
    """The actions the log holds, for the filter's choices."""
    require(may_read_audit(actor))
    return list(session.scalars(select(ActivityLog.action).distinct().order_by(ActivityLog.action)))


def people(session: Session, actor: User) -> list[User]:
    """Everyone who has done something logged, by name."""
    require(may_read_audit(actor))
    ids = select(ActivityLog.user_id).where(ActivityLog.user_id.is_not(None)).distinct()
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def idea_titles(session: Session, entries: list[ActivityLog]) -> dict[int, str]:
    """The titles of the ideas the entries concern, in one query."""
    ids = {e.idea_id for e in entries if e.idea_id is not None}
    if not ids:
        return {}
    query = select(ProjectIdea.id, ProjectIdea.title).where(ProjectIdea.id.in_(ids))
    return dict(session.execute(query).tuples().all())
