"""The idea page: the idea with what it shows, its comments and the moves open to the user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pipeline.i18n import Text
from pipeline.models import Comment, ProjectIdea, StageChange, User, Visibility
from pipeline.queries.access import get_idea, ideas_for
from pipeline.queries.board import RECORDED_BY_MOVE, SIDE_STAGES
from pipeline.stages import GUARDS, Stage, guard_names, moves_from


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
