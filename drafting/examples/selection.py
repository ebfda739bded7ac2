"""What a reader sees of the good examples: up to three for the section and principle being
written, one for the checker's advice, and the full list with filters.

Everything here reads the frozen copies in `good_example` only, never a draft's own text, so
another organisation's unmarked work cannot show up; a withdrawn example is never chosen for
a writer.
"""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from drafting.checker.results import Level
from drafting.examples.models import GoodExample, GoodExamplePrinciple
from drafting.models import Draft
from drafting.review import level_rank
from pipeline.models import ProjectIdea, User
from pipeline.queries.board import Page

WRITER_LIMIT = 3
PER_PAGE = 25
CONCRETE = level_rank(Level.CONCRETE.value)
STATUSES = ("active", "withdrawn", "all")


def _loaded(query: Select) -> Select:
    return query.options(
        selectinload(GoodExample.principles),
        selectinload(GoodExample.organisation),
        selectinload(GoodExample.draft).selectinload(Draft.idea),
    )


def _ranked(principle: str, draft: Draft, section_key: str | None) -> Select:
    """Active examples at least concrete for `principle`, best first: the level, then the
    same section, then the same template (programme period), then the newest."""
    rank = GoodExamplePrinciple.rank
    query = (
        select(GoodExample)
        .join(GoodExamplePrinciple, GoodExamplePrinciple.example_id == GoodExample.id)
        .where(
            GoodExamplePrinciple.principle == principle,
            rank >= CONCRETE,
            GoodExample.withdrawn_at.is_(None),
            GoodExample.draft_id != draft.id,
        )
    )
    order = [rank.desc()]
    if section_key is not None:
        order.append(case((GoodExample.section_key == section_key, 0), else_=1))
    order += [
        case((GoodExample.template_key == draft.template_key, 0), else_=1),
        GoodExample.marked_at.desc(),
        GoodExample.id.desc(),
    ]
    return _loaded(query.order_by(*order))


def examples_for_writer(
    session: Session, actor: User, draft: Draft, section_key: str, principle: str
) -> list[GoodExample]:
    """Up to three marked examples of the same section that are good for `principle`."""
    query = _ranked(principle, draft, section_key).where(GoodExample.section_key == section_key)
    return list(session.scalars(query.limit(WRITER_LIMIT)))


def example_for_advice(
    session: Session, actor: User, draft: Draft, principle: str, section_key: str | None = None
) -> GoodExample | None:
    """The one example the checker's advice links to: the best for `principle`, from the same
    section when there is one."""
    return session.scalars(_ranked(principle, draft, section_key).limit(1)).first()


def _visible(query: Select, actor: User) -> Select:
    if actor.is_team:
        return query
    own = GoodExample.organisation_id == actor.organisation_id
    if actor.organisation_id is None:
        return query.where(GoodExample.withdrawn_at.is_(None))
    return query.where(or_(GoodExample.withdrawn_at.is_(None), own))


def list_examples(
    session: Session,
    actor: User,
    *,
    principle: str | None = None,
    section_key: str | None = None,
    status: str = "active",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the examples `actor` may see, newest first: everyone sees the marked ones;
    withdrawn ones only the team and the owning organisation."""
    query = _visible(select(GoodExample), actor)
    if principle:
        query = query.where(
            GoodExample.id.in_(
                select(GoodExamplePrinciple.example_id).where(
                    GoodExamplePrinciple.principle == principle,
                    GoodExamplePrinciple.rank >= CONCRETE,
                )
            )
        )
    if section_key:
        query = query.where(GoodExample.section_key == section_key)
    if status == "active":
        query = query.where(GoodExample.withdrawn_at.is_(None))
    elif status == "withdrawn":
        query = query.where(GoodExample.withdrawn_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    items = session.scalars(
        _loaded(query)
        .order_by(GoodExample.marked_at.desc(), GoodExample.id.desc())
        .offset((number - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(items), total, number, per_page)


def examples_of_idea(session: Session, idea: ProjectIdea) -> list[GoodExample]:
    """Every example taken from the idea's draft, newest first (for its history)."""
    return list(
        session.scalars(
            _loaded(
                select(GoodExample)
                .join(Draft, Draft.id == GoodExample.draft_id)
                .where(Draft.idea_id == idea.id)
                .order_by(GoodExample.marked_at.desc(), GoodExample.id.desc())
            )
        )
    )
