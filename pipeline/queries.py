"""Read helpers: what an actor may see, fetched without N+1 queries."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    event,
    false,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, defer, joinedload, selectinload
from sqlalchemy.sql.functions import FunctionElement

import pipeline.guards  # noqa: F401  (registers the table's guards)
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import Text
from pipeline.models import (
    Call,
    Comment,
    IdeaPartner,
    Municipality,
    Organisation,
    ProjectIdea,
    StageChange,
    User,
    Visibility,
    idea_municipality,
)
from pipeline.stages import (
    BOARD_ORDER,
    FINAL_STAGES,
    GUARDS,
    OPEN_STAGES,
    Stage,
    guard_names,
    moves_from,
)


def visible_to(actor: User) -> ColumnElement[bool]:
    """A WHERE clause keeping the ideas `actor` may see (all of them for the support team)."""
    if actor.is_team:
        return true()
    if actor.organisation_id is None:
        return false()
    partner_of = select(IdeaPartner.idea_id).where(
        IdeaPartner.organisation_id == actor.organisation_id
    )
    return or_(
        ProjectIdea.lead_organisation_id == actor.organisation_id,
        ProjectIdea.id.in_(partner_of),
    )


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
        raise NotFound(
            Text(
                "Idén finns inte eller så saknar du behörighet att se den.",
                "The idea does not exist or you may not see it.",
            )
        )
    return idea


# --- Board, list and start-page queries --------------------------------------------------------
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
}
# Moves that step aside rather than forward; the start page does not suggest them.
SIDE_STAGES = frozenset({Stage.PARKED, Stage.WITHDRAWN})

_TEAM_ONLY = Text(
    "Den här sidan är till för regionens stödteam.", "This page is for the regional support team."
)


def require_team(actor: User) -> None:
    """Raise NotAllowed unless `actor` belongs to the support team (or is an admin)."""
    if not actor.is_team:
        raise NotAllowed(_TEAM_ONLY)


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
        words = self.text.strip()
        if words:
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
    counts = dict(
        session.execute(
            select(ProjectIdea.stage, func.count(ProjectIdea.id))
            .where(*conditions)
            .group_by(ProjectIdea.stage)
        ).all()
    )
    # The first cards of each column: one LIMITed branch per stage, each walking the
    # (stage, stage_changed_at) index, glued into a single statement.
    order = (ProjectIdea.stage_changed_at, ProjectIdea.id)
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
    """One page of a sorted list."""

    items: list[ProjectIdea]
    total: int
    number: int
    size: int

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
    total = session.scalar(select(func.count(ProjectIdea.id)).where(*conditions)) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    key = SORTS[sort]
    flip = descending != (sort in _REVERSED_SORTS)
    order = [key.desc() if flip else key.asc(), ProjectIdea.id.desc() if flip else ProjectIdea.id]
    query = (
        select(ProjectIdea)
        .outerjoin(Organisation, Organisation.id == ProjectIdea.lead_organisation_id)
        .where(*conditions)
        .order_by(*order)
        .limit(size)
        .offset((page - 1) * size)
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
        programme_areas=list(
            session.scalars(
                select(ProjectIdea.programme_area)
                .where(ProjectIdea.programme_area != "")
                .distinct()
                .order_by(ProjectIdea.programme_area)
            )
        ),
    )


# --- Start pages -------------------------------------------------------------------------------


def my_ideas(session: Session, actor: User, limit: int = 100) -> list[ProjectIdea]:
    """The ideas an actor's organisation leads or partners in, most recently changed first."""
    return list(
        session.scalars(
            ideas_for(actor)
            .where(ProjectIdea.stage.not_in(FINAL_STAGES))
            .order_by(ProjectIdea.updated_at.desc(), ProjectIdea.id.desc())
            .limit(limit)
        )
    )


@dataclass
class Inbox:
    """What waits for the support team."""

    in_review: list[ProjectIdea]
    in_review_count: int
    new: list[ProjectIdea]
    new_count: int
    stalled: list[ProjectIdea]
    stalled_count: int
    closing_calls: list[Call]
    stalled_after_days: int


def team_inbox(
    session: Session,
    actor: User,
    *,
    now: dt.datetime,
    stalled_after_days: int,
    limit: int = INBOX_LIMIT,
) -> Inbox:
    """Ideas in review, new ideas, ideas stalled in an open stage and calls closing soon."""
    require_team(actor)
    cutoff = now - dt.timedelta(days=stalled_after_days)
    in_review = ProjectIdea.stage == Stage.REVIEW
    new = ProjectIdea.stage == Stage.IDEA
    stalled = and_(ProjectIdea.stage.in_(OPEN_STAGES), ProjectIdea.stage_changed_at < cutoff)
    counts = session.execute(
        select(
            func.count(ProjectIdea.id).filter(in_review),
            func.count(ProjectIdea.id).filter(new),
            func.count(ProjectIdea.id).filter(stalled),
        ).where(ProjectIdea.stage.in_(OPEN_STAGES))
    ).one()

    def first(condition: ColumnElement[bool]) -> list[ProjectIdea]:
        return list(
            session.scalars(
                select(ProjectIdea)
                .where(condition)
                .order_by(ProjectIdea.stage_changed_at, ProjectIdea.id)
                .limit(limit)
                .options(*_card_options())
            )
        )

    today = now.date()
    closing = session.scalars(
        select(Call)
        .where(
            Call.closes >= today,
            Call.closes <= today + dt.timedelta(days=CALLS_CLOSING_WITHIN_DAYS),
        )
        .order_by(Call.closes, Call.name)
    )
    return Inbox(
        in_review=first(in_review),
        in_review_count=counts[0],
        new=first(new),
        new_count=counts[1],
        stalled=first(stalled),
        stalled_count=counts[2],
        closing_calls=list(closing),
        stalled_after_days=stalled_after_days,
    )


# --- The idea page ----------------------------------------------------------------------------


def get_idea_detail(session: Session, actor: User, idea_id: int) -> ProjectIdea:
    """Like get_idea, with the history, its people and the regional grouping loaded."""
    query = (
        ideas_for(actor)
        .where(ProjectIdea.id == idea_id)
        .options(
            selectinload(ProjectIdea.history).selectinload(StageChange.user),
            selectinload(ProjectIdea.regional_project)
            .selectinload(ProjectIdea.member_ideas)
            .selectinload(ProjectIdea.partners),
            selectinload(ProjectIdea.member_ideas).selectinload(ProjectIdea.lead_organisation),
        )
    )
    idea = session.scalars(query).one_or_none()
    if idea is None:
        return get_idea(session, actor, idea_id)  # raises NotFound
    return idea


def comments_for(session: Session, actor: User, idea: ProjectIdea) -> list[Comment]:
    """The comments on `idea` that `actor` may read, oldest first."""
    query = (
        select(Comment)
        .where(Comment.idea_id == idea.id)
        .order_by(Comment.created_at, Comment.id)
        .options(selectinload(Comment.author))
    )
    if not actor.is_team:
        query = query.where(Comment.visibility == Visibility.SHARED)
    return list(session.scalars(query))


@dataclass(frozen=True)
class MoveOption:
    """A move the actor may make now, what blocks it and what the move form must record."""

    target: Stage
    action: Text
    blockers: list[Text]
    records: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)


def move_options(
    idea: ProjectIdea, actor: User, *, table_guards_only: bool = False
) -> list[MoveOption]:
    """The moves out of the idea's stage open to `actor`, in board order of the target.

    With `table_guards_only` only the transition table's own guards run: guards attached
    later (the drafting gate) may query the database, which a board of many cards must not
    do per card; the move itself still runs every guard.
    """
    options = []
    if not idea.can_edit(actor):
        return options
    for move in moves_from(idea.stage):
        if actor.role.value not in move.roles:
            continue
        blockers: list[Text] = []
        records: list[str] = []
        for name in move.guards if table_guards_only else guard_names(move):
            if name in RECORDED_BY_MOVE:
                records.append(RECORDED_BY_MOVE[name])
                continue
            message = GUARDS[name](idea, actor, move)
            if message is not None:
                blockers.append(message)
        options.append(MoveOption(move.target, move.action, blockers, tuple(records)))
    return options


@dataclass(frozen=True)
class NextSteps:
    """What an actor can do next with an idea, and what is missing before it can go on."""

    moves: list[MoveOption]
    missing: list[Text]


def next_steps(idea: ProjectIdea, actor: User) -> NextSteps:
    """The forward moves open to `actor` and the guard items missing for any forward move."""
    moves = [m for m in move_options(idea, actor) if m.target not in SIDE_STAGES]
    missing: list[Text] = []
    for move in moves_from(idea.stage):
        if move.target in SIDE_STAGES:
            continue
        for name in guard_names(move):
            if name == "returns_to_parked_from":
                continue
            message = GUARDS[name](idea, actor, move)
            if message is not None and message not in missing:
                missing.append(message)
    return NextSteps(moves, missing)


# --- Regional projects -------------------------------------------------------------------------


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
