"""The transition table: every (from, to, role), the guards and the history they leave."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from pipeline import stages
from pipeline.errors import GuardFailed, IllegalTransition, NotAllowed
from pipeline.i18n import render
from pipeline.models import ActivityLog, Role, StageChange
from pipeline.services import advance_stage, allowed_moves
from pipeline.stages import (
    GUARDS,
    OPEN_STAGES,
    STAGE_LABELS,
    TRANSITIONS,
    Stage,
    guard,
    guard_names,
    moves_from,
    transition,
)
from tests.factories import make_idea, make_org, make_user


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The matrix is about the table, not the database: SQLite only."""
    return sqlite_url


@pytest.fixture(autouse=True)
def only_the_tables_guards(monkeypatch):
    """The matrix is about the table; other layers test the guards they attach to it."""
    monkeypatch.setattr(stages, "_EXTRA_GUARDS", {})


@pytest.fixture
def people(session):
    org = make_org(session, "Åsele Lärcentrum")
    return {
        Role.ACTOR: make_user(session, Role.ACTOR, org),
        Role.SUPPORT: make_user(session, Role.SUPPORT, make_org(session, "Region Västerbotten")),
        Role.ADMIN: make_user(session, Role.ADMIN),
    }


def ready_for_anything(idea, source: Stage, target: Stage) -> None:
    """Put the idea in `source` with every foundation guard satisfied."""
    idea.stage = source
    idea.submitted_on = dt.date(2026, 10, 1)
    idea.esf_diarienummer = "2026/01234"
    idea.esf_granted = 1_000_000
    idea.parked_from = target if source == Stage.PARKED else None


EXPECTED_ACTOR_MOVES = {
    (Stage.DRAFTING, Stage.REVIEW),
    (Stage.CHANGES_REQUESTED, Stage.REVIEW),
    (Stage.READY, Stage.SUBMITTED),
    *[(s, Stage.PARKED) for s in OPEN_STAGES],
    *[(Stage.PARKED, s) for s in OPEN_STAGES],
    *[(s, Stage.WITHDRAWN) for s in OPEN_STAGES | {Stage.PARKED, Stage.SUBMITTED}],
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize(
    ("source", "target"),
    list(itertools.product(Stage, Stage)),
    ids=lambda s: s.value,
)
def test_transition_matrix(session, people, role, source, target):
    actor = people[role]
    idea = make_idea(session, people[Role.ACTOR])
    ready_for_anything(idea, source, target)
    in_table = (source, target) in TRANSITIONS
    role_may = role in (Role.SUPPORT, Role.ADMIN) or (source, target) in EXPECTED_ACTOR_MOVES
    if not in_table:
        with pytest.raises(IllegalTransition):
            advance_stage(session, actor, idea, target)
    elif not role_may:
        with pytest.raises(NotAllowed):
            advance_stage(session, actor, idea, target)
    else:
        change = advance_stage(session, actor, idea, target, "ok")
        assert idea.stage == target
        assert (change.from_stage, change.to_stage, change.user) == (source, target, actor)


def test_table_shape():
    # The path from idea to closed exists, with the pre-study skippable.
    for move in [
        (Stage.IDEA, Stage.PRESTUDY),
        (Stage.IDEA, Stage.DRAFTING),
        (Stage.PRESTUDY, Stage.DRAFTING),
        (Stage.DRAFTING, Stage.REVIEW),
        (Stage.REVIEW, Stage.CHANGES_REQUESTED),
        (Stage.CHANGES_REQUESTED, Stage.REVIEW),
        (Stage.REVIEW, Stage.READY),
        (Stage.READY, Stage.SUBMITTED),
        (Stage.SUBMITTED, Stage.GRANTED),
        (Stage.SUBMITTED, Stage.REJECTED),
        (Stage.REJECTED, Stage.DRAFTING),
        (Stage.GRANTED, Stage.IMPLEMENTATION),
        (Stage.IMPLEMENTATION, Stage.CLOSED),
    ]:
        assert transition(*move) is not None, move
    assert not moves_from(Stage.CLOSED) and not moves_from(Stage.WITHDRAWN)
    assert transition(Stage.IMPLEMENTATION, Stage.PARKED) is None
    assert set(STAGE_LABELS) == set(Stage)
    assert Stage.PRESTUDY.label_for("sv") == "Förstudie"
    assert Stage.PRESTUDY.label_for("en") == "Pre-study"
    for move in TRANSITIONS.values():
        for name in guard_names(move):
            assert name in GUARDS, f"{move.key} names an unregistered guard {name}"


@pytest.mark.parametrize(
    ("source", "target", "prepare", "expected"),
    [
        (
            Stage.IDEA,
            Stage.PRESTUDY,
            lambda i: setattr(i, "lead_organisation_id", None),
            "projektägare",
        ),
        (Stage.IDEA, Stage.DRAFTING, lambda i: setattr(i, "municipalities", []), "kommun"),
        (Stage.READY, Stage.SUBMITTED, lambda i: setattr(i, "submitted_on", None), "datum"),
        (
            Stage.READY,
            Stage.SUBMITTED,
            lambda i: setattr(i, "esf_diarienummer", " "),
            "diarienummer",
        ),
        (Stage.SUBMITTED, Stage.GRANTED, lambda i: setattr(i, "esf_granted", None), "beviljat"),
    ],
)
def test_guards_block_with_a_message(session, people, source, target, prepare, expected):
    support = people[Role.SUPPORT]
    idea = make_idea(session, people[Role.ACTOR])
    ready_for_anything(idea, source, target)
    prepare(idea)
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, support, idea, target)
    assert expected in info.value.message("sv").lower()
    assert info.value.message("en") != info.value.message("sv")
    assert idea.stage == source
    assert (
        session.scalars(select(StageChange).filter_by(idea_id=idea.id)).all()[-1].to_stage
        == Stage.IDEA
    )


def test_submission_values_are_recorded_with_the_move(session, people):
    actor = people[Role.ACTOR]
    idea = make_idea(session, actor)
    idea.stage = Stage.READY
    with pytest.raises(GuardFailed):
        advance_stage(session, actor, idea, Stage.SUBMITTED, submitted_on=dt.date(2026, 11, 2))
    assert idea.submitted_on is None  # a refused move keeps nothing
    advance_stage(
        session,
        actor,
        idea,
        Stage.SUBMITTED,
        "Inskickad i Projektrummet+",
        submitted_on=dt.date(2026, 11, 2),
        esf_diarienummer=" 2026/00042 ",
    )
    assert (idea.stage, idea.esf_diarienummer) == (Stage.SUBMITTED, "2026/00042")


def test_park_and_resume_returns_to_the_stage_it_left(session, people):
    actor = people[Role.ACTOR]
    idea = make_idea(session, actor)
    idea.stage = Stage.DRAFTING
    advance_stage(session, actor, idea, Stage.PARKED, "Väntar på medfinansiering")
    assert idea.parked_from == Stage.DRAFTING
    with pytest.raises(GuardFailed) as info:
        advance_stage(session, actor, idea, Stage.IDEA)
    assert "Ansökan skrivs" in info.value.message("sv")
    advance_stage(session, actor, idea, Stage.DRAFTING)
    assert (idea.stage, idea.parked_from) == (Stage.DRAFTING, None)


def test_history_and_activity_log(session, people):
    actor, support = people[Role.ACTOR], people[Role.SUPPORT]
    idea = make_idea(session, actor)
    advance_stage(session, support, idea, Stage.PRESTUDY, "Bra idé, gör en förstudie")
    advance_stage(session, support, idea, Stage.DRAFTING)
    rows = session.scalars(
        select(StageChange).filter_by(idea_id=idea.id).order_by(StageChange.id)
    ).all()
    assert [(r.from_stage, r.to_stage) for r in rows] == [
        (None, Stage.IDEA),
        (Stage.IDEA, Stage.PRESTUDY),
        (Stage.PRESTUDY, Stage.DRAFTING),
    ]
    assert rows[1].comment == "Bra idé, gör en förstudie" and rows[1].user == support
    assert rows[2].created_at >= rows[1].created_at
    actions = session.scalars(
        select(ActivityLog.action).filter_by(idea_id=idea.id).order_by(ActivityLog.id)
    ).all()
    # The move into drafting starts the draft (drafting.install()'s after-move rule).
    assert actions == ["idea.create", "idea.stage", "idea.stage", "draft.create"]


def test_allowed_moves_show_what_is_missing(session, people):
    actor, support = people[Role.ACTOR], people[Role.SUPPORT]
    idea = make_idea(session, actor, municipality_ids=[])
    moves = dict(allowed_moves(idea, support))
    assert Stage.PRESTUDY in moves
    assert render(moves[Stage.PRESTUDY][0], "sv").startswith("Ange minst en")
    assert moves[Stage.PARKED] == []
    assert {s for s, _ in allowed_moves(idea, actor)} == {Stage.PARKED, Stage.WITHDRAWN}


def test_adding_a_guard_is_one_decorator(session, people):
    idea = make_idea(session, people[Role.ACTOR])

    @guard("test_only_needs_summary", on=[(Stage.IDEA, Stage.PRESTUDY)])
    def needs_summary(idea, actor, move):
        return None if idea.summary else STAGE_LABELS[Stage.IDEA]

    try:
        with pytest.raises(GuardFailed):
            advance_stage(session, people[Role.SUPPORT], idea, Stage.PRESTUDY)
        idea.summary = "Kort sammanfattning"
        advance_stage(session, people[Role.SUPPORT], idea, Stage.PRESTUDY)
    finally:
        GUARDS.pop("test_only_needs_summary")
