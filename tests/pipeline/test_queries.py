"""Board, list and start-page queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, update

from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import render
from pipeline.models import ActivityLog, Call, Role, Visibility, utcnow
from pipeline.queries import (
    IdeaFilters,
    board_columns,
    comments_for,
    filter_options,
    get_idea_detail,
    get_regional_project,
    ideas_by_ids,
    list_ideas,
    move_options,
    my_ideas,
    next_steps,
    regional_projects,
    require_team,
    team_inbox,
)
from pipeline.services import add_comment, advance_stage, link_to_regional_project
from pipeline.stages import BOARD_ORDER, Stage
from tests.factories import make_idea, make_org, make_user, municipality


@pytest.fixture
def world(session):
    lead, partner, other = (make_org(session, n) for n in ("Lead AB", "Partner AB", "Other AB"))
    return {
        "lead": make_user(session, Role.ACTOR, lead),
        "partner": make_user(session, Role.ACTOR, partner),
        "other": make_user(session, Role.ACTOR, other),
        "support": make_user(session, Role.SUPPORT),
        "admin": make_user(session, Role.ADMIN),
        "orgs": (lead, partner, other),
    }


def count_statements(session):
    """A list that grows with every statement the session's connection runs."""
    seen: list[str] = []
    engine = session.get_bind().engine

    def _count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", _count)


def test_only_the_team_gets_the_board(session, world):
    for who in ("lead", "partner", "other"):
        with pytest.raises(NotAllowed):
            board_columns(session, world[who])
        with pytest.raises(NotAllowed):
            require_team(world[who])
    for who in ("support", "admin"):
        assert [c.stage for c in board_columns(session, world[who])] == list(BOARD_ORDER)


def test_board_counts_and_limits_cards(session, world):
    for i in range(5):
        make_idea(session, world["lead"], title=f"Idé {i}")
    moved = make_idea(session, world["lead"], title="Flyttad")
    advance_stage(session, world["support"], moved, Stage.PRESTUDY)
    columns = {c.stage: c for c in board_columns(session, world["support"], per_column=3)}
    assert columns[Stage.IDEA].count == 5 and len(columns[Stage.IDEA].ideas) == 3
    assert columns[Stage.IDEA].more == 2
    assert [i.title for i in columns[Stage.PRESTUDY].ideas] == ["Flyttad"]
    assert columns[Stage.REVIEW].count == 0 and columns[Stage.REVIEW].ideas == []


def test_filters_narrow_board_and_list(session, world):
    lead_org, partner_org, other_org = world["orgs"]
    call = Call(
        name="Utlysning",
        diarienummer="2026/1",
        programme_area="A",
        opens=dt.date(2026, 1, 1),
        closes=dt.date(2026, 6, 1),
        region="Övre Norrland",
    )
    session.add(call)
    session.flush()
    ume, ske = municipality(session, "Umeå"), municipality(session, "Skellefteå")
    a = make_idea(
        session,
        world["lead"],
        title="Lärcentrum i älgskogen",
        municipality_ids=[ume.id],
        programme_area="A",
        call_id=call.id,
    )
    b = make_idea(
        session,
        world["other"],
        title="Vägen in",
        summary="Stöd till ÄLDRE arbetssökande",
        municipality_ids=[ske.id],
        partner_ids=[partner_org.id],
    )
    support = world["support"]

    def titles(**kw):
        page = list_ideas(session, support, IdeaFilters(**kw), sort="title", descending=False)
        return [i.title for i in page.items]

    assert titles() == [a.title, b.title]
    assert titles(municipality_id=ske.id) == [b.title]
    assert titles(organisation_id=partner_org.id) == [b.title]
    assert titles(organisation_id=lead_org.id) == [a.title]
    assert titles(programme_area="A") == [a.title]
    assert titles(call_id=call.id) == [a.title]
    assert titles(stage=Stage.PRESTUDY) == []
    assert titles(text="ÄLGSKOGEN") == [a.title]  # case-insensitive beyond ASCII
    assert titles(text="äldre") == [b.title]  # matches the summary
    assert titles(text="100%") == []
    board = board_columns(session, support, IdeaFilters(municipality_id=ume.id))
    assert sum(c.count for c in board) == 1
    options = filter_options(session)
    assert (call.id, "Utlysning") in options.calls and options.programme_areas == ["A"]
    assert any(name == "Umeå" for _, name in options.municipalities)
    # every area in use once, in order, the empty one left out (the loose index scan)
    for area in ("C", "B", "C", "", "D"):
        make_idea(session, support, title=f"Område {area}", programme_area=area)
    session.flush()
    assert filter_options(session).programme_areas == ["A", "B", "C", "D"]


def test_list_is_limited_to_what_an_actor_sees(session, world):
    partner_org = world["orgs"][1]
    mine = make_idea(session, world["lead"], partner_ids=[partner_org.id])
    make_idea(session, world["other"])
    assert [i.id for i in list_ideas(session, world["lead"]).items] == [mine.id]
    assert [i.id for i in list_ideas(session, world["partner"]).items] == [mine.id]
    assert list_ideas(session, world["support"]).total == 2


@pytest.mark.parametrize("sort", ["title", "stage", "days", "lead", "updated", "bogus"])
def test_list_sorts_and_pages(session, world, sort):
    for i in range(7):
        make_idea(session, world["lead"], title=f"Idé {i:02d}")
    first = list_ideas(session, world["support"], sort=sort, descending=False, page=1, size=3)
    last = list_ideas(session, world["support"], sort=sort, descending=False, page=99, size=3)
    assert first.total == 7 and first.pages == 3 and len(first.items) == 3
    assert last.number == 3 and len(last.items) == 1 and not last.has_next
    seen = {
        i.id
        for p in (1, 2, 3)
        for i in list_ideas(session, world["support"], sort=sort, page=p, size=3).items
    }
    assert len(seen) == 7


def test_list_sorts_by_title_both_ways(session, world):
    for title in ("B", "A", "C"):
        make_idea(session, world["lead"], title=title)
    up = list_ideas(session, world["support"], sort="title", descending=False)
    down = list_ideas(session, world["support"], sort="title", descending=True)
    assert [i.title for i in up.items] == ["A", "B", "C"]
    assert [i.title for i in down.items] == ["C", "B", "A"]


def test_board_and_list_run_a_fixed_number_of_statements(session, world):
    def statements(n_more: int) -> tuple[int, int]:
        for i in range(n_more):
            make_idea(session, world["lead"], title=f"Idé {i}")
        session.flush()
        session.expire_all()
        seen, stop = count_statements(session)
        board_columns(session, world["support"])
        board = len(seen)
        seen.clear()
        list_ideas(session, world["support"])
        listed = len(seen)
        stop()
        return board, listed

    assert statements(3) == statements(60)


def test_inbox_for_the_team(session, world):
    support = world["support"]
    with pytest.raises(NotAllowed):
        team_inbox(session, world["lead"], now=utcnow(), stalled_after_days=30)
    new = make_idea(session, world["lead"], title="Ny")
    old = make_idea(session, world["lead"], title="Gammal")
    old.stage = Stage.REVIEW  # the way there is the drafting module's business
    # Stalled: no stage change, edit or logged activity for 45 days.
    old.stage_changed_at = old.updated_at = utcnow() - dt.timedelta(days=45)
    session.flush()
    session.execute(
        update(ActivityLog).where(ActivityLog.idea_id == old.id).values(created_at=old.updated_at)
    )
    today = dt.date.today()
    soon = Call(
        name="Snart",
        diarienummer="S/1",
        programme_area="A",
        opens=today - dt.timedelta(days=30),
        closes=today + dt.timedelta(days=10),
        region="x",
    )
    later = Call(
        name="Senare",
        diarienummer="S/2",
        programme_area="A",
        opens=today,
        closes=today + dt.timedelta(days=90),
        region="x",
    )
    session.add_all([soon, later])
    session.flush()
    inbox = team_inbox(session, support, now=utcnow(), stalled_after_days=30)
    assert [i.title for i in inbox.in_review] == ["Gammal"] and inbox.in_review_count == 1
    assert [i.title for i in inbox.new] == ["Ny"] and inbox.new_count == 1
    assert [i.title for i in inbox.stalled] == ["Gammal"] and inbox.stalled_count == 1
    assert [c.name for c in inbox.closing_calls] == ["Snart"]
    assert new in inbox.new


def test_my_ideas_and_next_steps(session, world):
    lead = world["lead"]
    bare = make_idea(session, lead, title="Utan kommun", municipality_ids=[])
    make_idea(session, world["other"], title="Inte min")
    assert [i.title for i in my_ideas(session, lead)] == ["Utan kommun"]
    steps = next_steps(bare, lead)
    assert steps.moves == []  # only the team starts a pre-study
    assert any("kommun" in render(m, "sv") for m in steps.missing)
    support_moves = {m.target: m for m in move_options(bare, world["support"])}
    assert support_moves[Stage.PRESTUDY].blocked
    assert not support_moves[Stage.PARKED].blocked
    assert move_options(bare, world["other"]) == []


def test_move_options_ask_for_recorded_values_instead_of_blocking(session, world):
    idea = make_idea(session, world["lead"])
    idea.stage = Stage.READY
    session.flush()
    options = {m.target: m for m in move_options(idea, world["lead"])}
    submit = options[Stage.SUBMITTED]
    assert not submit.blocked and set(submit.records) == {"submitted_on", "esf_diarienummer"}


def test_idea_detail_and_comments(session, world):
    idea = make_idea(session, world["lead"])
    add_comment(session, world["support"], idea, "Intern", Visibility.INTERNAL)
    add_comment(session, world["lead"], idea, "Delad")
    with pytest.raises(NotFound):
        get_idea_detail(session, world["other"], idea.id)
    assert get_idea_detail(session, world["lead"], idea.id) is idea
    assert [c.body for c in comments_for(session, world["lead"], idea)] == ["Delad"]
    assert [c.body for c in comments_for(session, world["support"], idea)] == ["Intern", "Delad"]


def test_regional_projects(session, world):
    a = make_idea(session, world["lead"])
    b = make_idea(session, world["other"])
    regional = link_to_regional_project(session, world["support"], [a, b], new_title="Inlandet")
    with pytest.raises(NotAllowed):
        regional_projects(session, world["lead"])
    assert regional_projects(session, world["support"]) == [regional]
    assert set(get_regional_project(session, world["support"], regional.id).member_ideas) == {
        a,
        b,
    }
    with pytest.raises(NotFound):
        get_regional_project(session, world["support"], a.id)
    assert ideas_by_ids(session, world["support"], [b.id, a.id]) == [a, b]
    with pytest.raises(NotFound):
        ideas_by_ids(session, world["lead"], [a.id, b.id])


def test_board_moves_can_skip_guards_added_outside_the_table(session, world):
    from pipeline.stages import TRANSITIONS, guard

    calls = []

    @guard("test_counting_guard")
    def counting(idea, actor, move):
        calls.append(idea.id)
        return None

    key = (Stage.IDEA, Stage.PARKED)
    from pipeline import stages

    stages._EXTRA_GUARDS.setdefault(key, []).append("test_counting_guard")
    try:
        idea = make_idea(session, world["lead"])
        move_options(idea, world["support"], table_guards_only=True)
        assert calls == []
        move_options(idea, world["support"])
        assert calls == [idea.id]
    finally:
        stages._EXTRA_GUARDS[key].remove("test_counting_guard")
        stages.GUARDS.pop("test_counting_guard")
    assert key in TRANSITIONS


def test_stalled_ideas_come_oldest_activity_first_whatever_their_last_edit(session, world):
    """The list is narrowed by a bound taken from the ideas edited longest ago; an idea edited
    long ago but active lately must still sort by its last activity."""
    now = utcnow()
    ages = {"Aktiv nyss": (100, 40), "Äldst": (90, None), "Mellan": (80, None), "Yngst": (70, None)}
    for title, (edited, logged) in ages.items():
        idea = make_idea(session, world["lead"], title=title)
        idea.stage_changed_at = idea.updated_at = now - dt.timedelta(days=edited)
        session.flush()
        session.execute(
            update(ActivityLog)
            .where(ActivityLog.idea_id == idea.id)
            .values(created_at=now - dt.timedelta(days=logged or edited))
        )
    support = world["support"]
    two = team_inbox(session, support, now=now, stalled_after_days=30, limit=2)
    assert [i.title for i in two.stalled] == ["Äldst", "Mellan"] and two.stalled_count == 4
    every = team_inbox(session, support, now=now, stalled_after_days=30, limit=10)
    assert [i.title for i in every.stalled] == ["Äldst", "Mellan", "Yngst", "Aktiv nyss"]
