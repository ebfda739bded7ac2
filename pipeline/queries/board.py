"""The board, the list and their filters: a fixed number of statements whatever the data size."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, String, case, event, func, or_, select, union_all
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, defer, joinedload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from pipeline.models import (
    Call,
    IdeaPartner,
    Municipality,
    Organisation,
    ProjectIdea,
    Role,
    User,
    idea_municipality,
)
from pipeline.queries.access import require_team, visible_to
from pipeline.search import SearchMatch
from pipeline.stages import BOARD_ORDER, Stage

# Each function below runs a fixed number of statements whatever the number of ideas: counts
# come from GROUP BY, rows are limited in SQL, related rows are fetched with selectinload.

BOARD_CARDS_PER_COLUMN = 10
LIST_PAGE_SIZE = 50
INBOX_LIMIT = 10
CALLS_CLOSING_WITHIN_DAYS = 30

# Guards whose missing values the move form itself asks for (so they do not block the button).
RECORDED_BY_MOVE = {
    "has_submission_date": "submitted_on",
    "has_esf_diarienummer": "esf_diarienummer",
    "has_granted_amount": "esf_granted",
    # The drafting gate's resubmission rule: a new revision, or the move's comment as a reply.
    "draft_changed_or_replied": "reply",
}
# Moves that step aside rather than forward; the start page does not suggest them.
SIDE_STAGES = frozenset({Stage.PARKED, Stage.WITHDRAWN})


class _Fold(FunctionElement):
    """Lower-case a string for comparison (Unicode-aware on SQLite too)."""

    type = String()
    inherit_cache = True
    name = "fold"


@compiles(_Fold)
def _fold_default(element: _Fold, compiler, **kw) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_Fold, "sqlite")
def _fold_sqlite(element: _Fold, compiler, **kw) -> str:
    return f"framsyn_fold({compiler.process(element.clauses, **kw)})"


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
    """SQLite's own lower() only folds ASCII; give it Python's for å, ä and ö."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "framsyn_fold",
            1,
            lambda s: s.casefold() if isinstance(s, str) else s,
            deterministic=True,
        )


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class IdeaFilters:
    """What the board and the list are narrowed to; every field is optional."""

    municipality_id: int | None = None
    organisation_id: int | None = None
    programme_area: str = ""
    call_id: int | None = None
    stage: Stage | None = None
    text: str = ""
    reviewer_id: int | None = None
    # `text` as search terms (lemmas, from the drafting layer's normaliser): with them the
    # text filter is the full-text search; `internal` lets it look in internal comments too.
    terms: tuple[str, ...] = ()
    internal: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses these filters stand for."""
        found: list[ColumnElement[bool]] = []
        if self.municipality_id is not None:
            found.append(
                ProjectIdea.id.in_(
                    select(idea_municipality.c.idea_id).where(
                        idea_municipality.c.municipality_id == self.municipality_id
                    )
                )
            )
        if self.organisation_id is not None:
            found.append(
                or_(
                    ProjectIdea.lead_organisation_id == self.organisation_id,
                    ProjectIdea.id.in_(
                        select(IdeaPartner.idea_id).where(
                            IdeaPartner.organisation_id == self.organisation_id
                        )
                    ),
                )
            )
        if self.programme_area:
            found.append(ProjectIdea.programme_area == self.programme_area)
        if self.call_id is not None:
            found.append(ProjectIdea.call_id == self.call_id)
        if self.stage is not None:
            found.append(ProjectIdea.stage == self.stage)
        if self.reviewer_id is not None:
            found.append(ProjectIdea.reviewer_id == self.reviewer_id)
        words = self.text.strip()
        if self.terms:
            found.append(SearchMatch(ProjectIdea.id, self.terms, self.internal))
        elif words:
            pattern = f"%{_escape_like(words.casefold())}%"
            found.append(
                or_(
                    _Fold(ProjectIdea.title).like(pattern, escape="\\"),
                    _Fold(ProjectIdea.summary).like(pattern, escape="\\"),
                )
            )
        return found

    @property
    def active(self) -> bool:
        return bool(self.conditions())


def _card_options() -> tuple:
    """What a card or a list row shows: single rows joined in, kommuner in one more query.

    Joining the many-to-one rows keeps the statement count the same whether or not the
    ideas on a page happen to have a call or a regional project.
    """
    return (
        joinedload(ProjectIdea.lead_organisation),
        joinedload(ProjectIdea.call),
        joinedload(ProjectIdea.regional_project),
        joinedload(ProjectIdea.reviewer),
        selectinload(ProjectIdea.municipalities),
    )


@dataclass
class BoardColumn:
    """One stage on the board: how many ideas it holds and the first of them."""

    stage: Stage
    count: int
    ideas: list[ProjectIdea]

    @property
    def more(self) -> int:
        return self.count - len(self.ideas)


def board_columns(
    session: Session,
    actor: User,
    filters: IdeaFilters = IdeaFilters(),
    per_column: int = BOARD_CARDS_PER_COLUMN,
) -> list[BoardColumn]:
    """The board for the support team: every stage with its count and first cards.

    Cards in a column are the ones that have waited longest in the stage.
    """
    require_team(actor)
    conditions = filters.conditions()
    order = (ProjectIdea.stage_changed_at, ProjectIdea.id)
    if filters.terms and session.get_bind().dialect.name == "sqlite":
        # A full-text filter on SQLite: the matches are numbered and counted per stage in one
        # pass over the index in the board's order (migration 0025), so the FTS5 match runs
        # once (a branch per stage ran it again in each). PostgreSQL takes the branches below:
        # each walks its stage in order and probes the matches' vectors by id until its cards
        # are found, where numbering every match sorted them all (a word in half the ideas:
        # 250 ms a board, now 160).
        window = {"partition_by": ProjectIdea.stage, "order_by": order}
        numbered = (
            select(
                ProjectIdea.id,
                ProjectIdea.stage,
                func.row_number().over(**window).label("position"),
                func.count().over(**window, rows=(None, None)).label("n"),
            )
            .where(*conditions)
            .subquery()
        )
        found = session.execute(
            select(numbered.c.id, numbered.c.stage, numbered.c.n).where(
                numbered.c.position <= per_column
            )
        ).all()
        counts = {Stage(stage): n for _id, stage, n in found}
        firsts = [row.id for row in found] or [-1]
    else:
        counts = dict(
            session.execute(
                select(ProjectIdea.stage, func.count())
                .where(*conditions)
                .group_by(ProjectIdea.stage)
            ).all()
        )
        # The first cards of each column: one LIMITed branch per stage, each walking the
        # (stage, stage_changed_at) index, glued into a single statement.
        firsts = union_all(
            *(
                select(
                    select(ProjectIdea.id)
                    .where(ProjectIdea.stage == stage, *conditions)
                    .order_by(*order)
                    .limit(per_column)
                    .subquery()
                    .c.id
                )
                for stage in BOARD_ORDER
            )
        )
    cards = session.scalars(
        select(ProjectIdea)
        .where(ProjectIdea.id.in_(firsts))
        .order_by(*order)
        .options(
            *_card_options(),
            defer(ProjectIdea.summary),
            defer(ProjectIdea.background),
            defer(ProjectIdea.purpose),
            defer(ProjectIdea.target_groups),
        )
    ).all()
    by_stage: dict[Stage, list[ProjectIdea]] = {}
    for idea in cards:
        by_stage.setdefault(idea.stage, []).append(idea)
    return [
        BoardColumn(stage, counts.get(stage, 0), by_stage.get(stage, [])) for stage in BOARD_ORDER
    ]


SORTS: dict[str, object] = {
    "title": ProjectIdea.title,
    "stage": case(
        {stage.value: position for position, stage in enumerate(BOARD_ORDER)},
        value=ProjectIdea.stage,
    ),
    "days": ProjectIdea.stage_changed_at,
    "lead": Organisation.name,
    "updated": ProjectIdea.updated_at,
}
# For "days in stage" ascending means fewest days, i.e. the latest change first.
_REVERSED_SORTS = frozenset({"days"})


@dataclass
class Page:
    """One page of a sorted list (of ideas, log entries, ...)."""

    items: list
    total: int
    number: int
    size: int
    capped: bool = False  # there are more than `total` (a search counts up to a limit)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def list_ideas(
    session: Session,
    actor: User,
    filters: IdeaFilters = IdeaFilters(),
    *,
    sort: str = "updated",
    descending: bool = True,
    page: int = 1,
    size: int = LIST_PAGE_SIZE,
) -> Page:
    """The ideas `actor` may see, filtered, sorted and cut into pages."""
    if sort not in SORTS:
        sort = "updated"
    conditions = [visible_to(actor), *filters.conditions()]
    total = session.scalar(select(func.count()).select_from(ProjectIdea).where(*conditions)) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    key = SORTS[sort]
    flip = descending != (sort in _REVERSED_SORTS)

    def ordered(by, idea_id):
        return [by.desc() if flip else by.asc(), idea_id.desc() if flip else idea_id.asc()]

    # The page's ids first, sorted on the key alone, then those ideas whole: sorting whole
    # rows carried every idea's texts through the sort (400 ms a page at national scale).
    ids = (
        select(ProjectIdea.id.label("id"), key.label("key"))
        .outerjoin(Organisation, Organisation.id == ProjectIdea.lead_organisation_id)
        .where(*conditions)
        .order_by(*ordered(key, ProjectIdea.id))
        .limit(size)
        .offset((page - 1) * size)
        .subquery("page")
    )
    query = (
        select(ProjectIdea)
        .join(ids, ids.c.id == ProjectIdea.id)
        .order_by(*ordered(ids.c.key, ids.c.id))
        .options(*_card_options())
    )
    return Page(list(session.scalars(query)), total, page, size)


@dataclass(frozen=True)
class FilterOptions:
    """The choices the board's filter form offers."""

    municipalities: list[tuple[int, str]]
    organisations: list[tuple[int, str]]
    calls: list[tuple[int, str]]
    programme_areas: list[str]
    reviewers: list[tuple[int, str]] = field(default_factory=list)


def _programme_areas_in_use(session: Session) -> list[str]:
    """The distinct non-empty programme areas of the ideas, in order.

    A loose index scan: a recursive CTE steps from each area to the next larger one through
    the programme-area index, a few index probes per area in use, where SELECT DISTINCT read
    every idea (100 ms a page at national scale).
    """
    area = ProjectIdea.programme_area
    steps = select(func.min(area).label("area")).where(area > "").cte("areas", recursive=True)
    following = select(func.min(area)).where(area > steps.c.area).scalar_subquery()
    steps = steps.union_all(select(following).where(steps.c.area.is_not(None)))
    return list(
        session.scalars(
            select(steps.c.area).where(steps.c.area.is_not(None)).order_by(steps.c.area)
        )
    )


def filter_options(session: Session) -> FilterOptions:
    """Kommuner, organisations, calls and the programme areas in use."""
    return FilterOptions(
        municipalities=[
            tuple(r)
            for r in session.execute(
                select(Municipality.id, Municipality.name).order_by(Municipality.name)
            )
        ],
        organisations=[
            tuple(r)
            for r in session.execute(
                select(Organisation.id, Organisation.name).order_by(Organisation.name)
            )
        ],
        calls=[
            tuple(r)
            for r in session.execute(
                select(Call.id, Call.name).order_by(Call.closes.desc(), Call.name)
            )
        ],
        programme_areas=_programme_areas_in_use(session),
        reviewers=[
            tuple(r)
            for r in session.execute(
                select(User.id, User.name)
                .where(User.role.in_((Role.SUPPORT, Role.ADMIN)), User.is_active.is_(True))
                .order_by(User.name, User.id)
            )
        ],
    )
