"""The start pages: an actor's own ideas, and what waits for the support team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from pipeline.models import Call, ProjectIdea, User
from pipeline.queries.access import ideas_for, require_team
from pipeline.queries.board import CALLS_CLOSING_WITHIN_DAYS, INBOX_LIMIT, _card_options
from pipeline.queries.stalled import ActivitySource, waited_longest
from pipeline.queries.stalled import stalled as is_stalled
from pipeline.stages import FINAL_STAGES, Stage


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
    mine: list[ProjectIdea] = field(default_factory=list)
    mine_count: int = 0
    overdue: list[ProjectIdea] = field(default_factory=list)
    overdue_count: int = 0


def team_inbox(
    session: Session,
    actor: User,
    *,
    now: dt.datetime,
    stalled_after_days: int,
    activity: tuple[ActivitySource, ...] = (),
    limit: int = INBOX_LIMIT,
) -> Inbox:
    """Ideas in review, new ideas, ideas stalled in an open stage and calls closing soon.

    Stalled means what the funnel report means (`pipeline.queries.stalled`), with the same
    `activity` sources.
    """
    require_team(actor)
    in_review = ProjectIdea.stage == Stage.REVIEW
    new = ProjectIdea.stage == Stage.IDEA
    stalled = is_stalled(now, stalled_after_days, activity)
    today = now.date()
    # Mine to review: assigned to me and waiting in review or for the changes I asked for.
    mine = and_(
        ProjectIdea.reviewer_id == actor.id,
        ProjectIdea.stage.in_((Stage.REVIEW, Stage.CHANGES_REQUESTED)),
    )
    overdue = and_(ProjectIdea.stage == Stage.CHANGES_REQUESTED, ProjectIdea.changes_due_on < today)
    # One statement, each count on its own so that each can be read from an index (a count
    # per condition over one scan of every open idea read the whole table).
    counts = session.execute(
        select(
            *(
                select(func.count()).select_from(ProjectIdea).where(condition).scalar_subquery()
                for condition in (in_review, new, stalled, mine, overdue)
            )
        )
    ).one()

    def first(condition: ColumnElement[bool], order=ProjectIdea.stage_changed_at, page=None):
        # The page of ids first, from the index where there is one, then those ideas whole:
        # sorting whole rows carried every open idea's texts through the sort.
        if page is None:
            key = order.label("key")
            page = (
                select(ProjectIdea.id.label("id"), key)
                .where(condition)
                .order_by(key, ProjectIdea.id)
                .limit(limit)
            )
        page = page.subquery("page")
        return list(
            session.scalars(
                select(ProjectIdea)
                .join(page, page.c.id == ProjectIdea.id)
                .order_by(page.c[1], page.c.id)
                .options(*_card_options())
            )
        )

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
        stalled=first(stalled, page=waited_longest(stalled, activity, limit)),
        stalled_count=counts[2],
        closing_calls=list(closing),
        stalled_after_days=stalled_after_days,
        mine=first(mine),
        mine_count=counts[3],
        overdue=first(overdue, ProjectIdea.changes_due_on),
        overdue_count=counts[4],
    )
