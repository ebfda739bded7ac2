"""The funnel, regional balance and participants reports against a hand-computed world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from pipeline.errors import NotAllowed
from pipeline.models import (
    ActivityLog,
    Call,
    IdeaPartner,
    Municipality,
    Organisation,
    OrgType,
    ProjectIdea,
    Role,
    StageChange,
    User,
)
from pipeline.reports import ReportFilters, balance, funnel, participants
from pipeline.reports.balance import _per_kommun_and_stage
from pipeline.reports.common import figures
from pipeline.stages import Stage

S = Stage
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
PERIOD = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 5, 31)}


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=dt.UTC)


@dataclass
class World:
    """Ids of what `build_world` made."""

    support: User
    actor: User
    kommun: dict[str, int]
    org: dict[str, int]
    call: dict[str, int]
    idea: dict[str, int]


def _idea(
    session: Session,
    title: str,
    lead: Organisation,
    kommuner: list[Municipality],
    history: list[tuple[Stage, str]],
    **kw,
) -> ProjectIdea:
    """An idea whose history is the given (stage, day) steps, oldest first."""
    last = at(history[-1][1])
    idea = ProjectIdea(
        title=title,
        lead_organisation_id=lead.id,
        stage=history[-1][0],
        stage_changed_at=last,
        created_at=at(history[0][1]),
        updated_at=last,
        **kw,
    )
    idea.municipalities = kommuner
    previous = None
    for stage, day in history:
        idea.history.append(StageChange(from_stage=previous, to_stage=stage, created_at=at(day)))
        previous = stage
    session.add(idea)
    return idea


def build_world(session: Session) -> World:
    """Six ideas in three of the region's kommuner; Sorsele and eleven more have none.

    A  Alfa     Umeå                lead Umeå kommun, partner Lärcentrum   Ansökan skrivs
    B  Beta     Skellefteå, Umeå    lead Lärcentrum, partners Umeå, AF     Inskickad
    C  Gamma    Lycksele            lead Lycksele kommun                   Beviljad
    D  Delta    Umeå                lead Umeå kommun                       Avbruten
    E  Epsilon  Skellefteå          lead Arbetsförmedlingen                Idé
    F  Zeta     Lycksele, Umeå      lead Lycksele kommun                   Förstudie
    """
    kommun = {m.name: m for m in session.scalars(select(Municipality))}
    umea, skelleftea, lycksele = kommun["Umeå"], kommun["Skellefteå"], kommun["Lycksele"]
    orgs = {
        "umea": Organisation(name="Umeå kommun R", type=OrgType.KOMMUN, municipality=umea),
        "larcentrum": Organisation(
            name="Lärcentrum Skellefteå R", type=OrgType.LARCENTRUM, municipality=skelleftea
        ),
        "lycksele": Organisation(
            name="Lycksele kommun R", type=OrgType.KOMMUN, municipality=lycksele
        ),
        "af": Organisation(name="Arbetsförmedlingen R", type=OrgType.ARBETSFORMEDLINGEN),
    }
    session.add_all(orgs.values())
    calls = {
        "c1": Call(
            name="Vägar till arbete",
            diarienummer="R-2026/001",
            programme_area="Område 1",
            opens=dt.date(2026, 1, 1),
            closes=dt.date(2026, 9, 30),
            region="Region Västerbotten",
        ),
        "c2": Call(
            name="Kompetens i glesbygd",
            diarienummer="R-2026/002",
            programme_area="Område 2",
            opens=dt.date(2026, 3, 1),
            closes=dt.date(2026, 10, 31),
            region="Region Västerbotten",
        ),
    }
    session.add_all(calls.values())
    session.flush()
    support = User(name="Stina Stöd", email="stina@report.example.se", role=Role.SUPPORT)
    actor = User(
        name="Anders Aktör", email="anders@report.example.se", organisation_id=orgs["umea"].id
    )
    session.add_all([support, actor])

    ideas = {
        "A": _idea(
            session, "Alfa", orgs["umea"], [umea],
            [(S.IDEA, "2026-01-10"), (S.PRESTUDY, "2026-01-20"), (S.DRAFTING, "2026-02-19")],
            call_id=calls["c1"].id, programme_area="Område 1", budget_total=200_000,
            esf_share=100_000, participants_women=10, participants_men=5, participants_total=20,
        ),
        "B": _idea(
            session, "Beta", orgs["larcentrum"], [skelleftea, umea],
            [
                (S.IDEA, "2025-11-01"), (S.DRAFTING, "2025-12-01"), (S.REVIEW, "2026-03-01"),
                (S.READY, "2026-03-11"), (S.SUBMITTED, "2026-04-01"),
            ],
            call_id=calls["c1"].id, programme_area="Område 1", budget_total=500_000,
            esf_share=300_000, submitted_on=dt.date(2026, 4, 1), esf_diarienummer="2026-00042",
            participants_women=4, participants_men=6, participants_total=10,
        ),
        "C": _idea(
            session, "Gamma", orgs["lycksele"], [lycksele],
            [
                (S.IDEA, "2025-06-01"), (S.DRAFTING, "2025-07-01"), (S.REVIEW, "2025-08-01"),
                (S.READY, "2025-09-01"), (S.SUBMITTED, "2025-10-01"), (S.GRANTED, "2026-02-01"),
            ],
            programme_area="Område 2", budget_total=800_000, esf_share=400_000,
            submitted_on=dt.date(2025, 10, 1), esf_diarienummer="2025-00007", esf_granted=350_000,
            participants_women=7, participants_men=7, participants_total=14,
        ),
        "D": _idea(
            session, "Delta", orgs["umea"], [umea],
            [(S.IDEA, "2026-03-01"), (S.WITHDRAWN, "2026-03-05")],
            call_id=calls["c1"].id, budget_total=50_000, esf_share=50_000,
            participants_women=3, participants_men=3, participants_total=6,
        ),
        "E": _idea(session, "Epsilon", orgs["af"], [skelleftea], [(S.IDEA, "2026-05-25")]),
        "F": _idea(
            session, "Zeta", orgs["lycksele"], [lycksele, umea],
            [(S.IDEA, "2026-04-01"), (S.PRESTUDY, "2026-04-15")],
            call_id=calls["c1"].id, programme_area="Område 2", budget_total=80_000,
            esf_share=80_000, participants_women=2, participants_men=1, participants_total=5,
        ),
    }  # fmt: skip
    session.flush()
    ideas["B"].partners = [
        IdeaPartner(organisation_id=orgs["umea"].id),
        IdeaPartner(organisation_id=orgs["af"].id),
    ]
    ideas["A"].partners = [IdeaPartner(organisation_id=orgs["larcentrum"].id)]
    session.flush()
    return World(
        support=support,
        actor=actor,
        kommun={name: m.id for name, m in kommun.items()},
        org={k: o.id for k, o in orgs.items()},
        call={k: c.id for k, c in calls.items()},
        idea={k: i.id for k, i in ideas.items()},
    )


@pytest.fixture
def world(session) -> World:
    return build_world(session)


def _filters(**kw) -> ReportFilters:
    return ReportFilters(**{**PERIOD, **kw})


# --- Funnel ------------------------------------------------------------------------------------


def _by_stage(report, attr):
    return {row.stage: getattr(row, attr) for row in report.rows if getattr(row, attr)}


def test_funnel_counts_now_and_in_the_period(session, world):
    report = funnel(session, world.support, _filters(), now=NOW)
    assert [row.stage for row in report.rows] == list(Stage)
    assert _by_stage(report, "now") == {
        S.IDEA: 1, S.PRESTUDY: 1, S.DRAFTING: 1, S.SUBMITTED: 1, S.GRANTED: 1, S.WITHDRAWN: 1,
    }  # fmt: skip
    assert report.total == 6
    assert _by_stage(report, "entered") == {
        S.IDEA: 4, S.PRESTUDY: 2, S.DRAFTING: 1, S.REVIEW: 1, S.READY: 1, S.SUBMITTED: 1,
        S.GRANTED: 1, S.WITHDRAWN: 1,
    }  # fmt: skip
    assert _by_stage(report, "left") == {
        S.IDEA: 3, S.PRESTUDY: 1, S.DRAFTING: 1, S.REVIEW: 1, S.READY: 1, S.SUBMITTED: 1,
    }  # fmt: skip


def test_funnel_medians_of_the_stays_that_ended_in_the_period(session, world):
    report = funnel(session, world.support, _filters(), now=NOW)
    # Idé: Delta 4, Alfa 10, Zeta 14 days (Beta's and Gamma's stays ended before the period).
    assert _by_stage(report, "median_days") == {
        S.IDEA: 10.0, S.PRESTUDY: 30.0, S.DRAFTING: 90.0, S.REVIEW: 10.0, S.READY: 21.0,
        S.SUBMITTED: 123.0,
    }  # fmt: skip
    assert _by_stage(report, "stays") == {
        S.IDEA: 3, S.PRESTUDY: 1, S.DRAFTING: 1, S.REVIEW: 1, S.READY: 1, S.SUBMITTED: 1,
    }  # fmt: skip


def test_median_of_an_even_number_of_stays_is_the_mean_of_the_middle_two(session, world):
    # From 1 March on, only Delta (4) and Zeta (14) left Idé.
    report = funnel(session, world.support, _filters(start=dt.date(2026, 3, 1)), now=NOW)
    assert report.rows[0].median_days == 9.0
    assert report.rows[0].stays == 2


def test_stalled_ideas_have_had_no_activity_for_longer_than_the_limit(session, world):
    report = funnel(session, world.support, _filters(), now=NOW)
    assert report.stalled_total == 2
    assert _by_stage(report, "stalled") == {S.DRAFTING: 1, S.PRESTUDY: 1}
    assert [(s.title, s.stage, s.days, s.lead) for s in report.stalled] == [
        ("Alfa", S.DRAFTING, 102, "Umeå kommun R"),
        ("Zeta", S.PRESTUDY, 47, "Lycksele kommun R"),
    ]
    longer = funnel(session, world.support, _filters(stalled_after_days=60), now=NOW)
    assert [s.title for s in longer.stalled] == ["Alfa"]


def test_logged_activity_keeps_an_idea_from_stalling(session, world):
    session.add(
        ActivityLog(
            action="comment.add",
            entity_type="comment",
            idea_id=world.idea["F"],
            details={},
            created_at=at("2026-05-20"),
        )
    )
    session.flush()
    report = funnel(session, world.support, _filters(), now=NOW)
    assert [s.title for s in report.stalled] == ["Alfa"]
    # A later limit of 10 days makes Zeta stalled again, with its last activity on 20 May.
    short = funnel(session, world.support, _filters(stalled_after_days=10), now=NOW)
    assert ("Zeta", 12) in [(s.title, s.days) for s in short.stalled]


def test_funnel_filters_by_call_area_and_kommun(session, world):
    by_call = funnel(session, world.support, _filters(call_id=world.call["c1"]), now=NOW)
    assert by_call.total == 4
    by_area = funnel(session, world.support, _filters(programme_area="Område 2"), now=NOW)
    assert _by_stage(by_area, "now") == {S.GRANTED: 1, S.PRESTUDY: 1}
    by_kommun = funnel(
        session, world.support, _filters(municipality_id=world.kommun["Lycksele"]), now=NOW
    )
    assert _by_stage(by_kommun, "now") == {S.GRANTED: 1, S.PRESTUDY: 1}
    assert _by_stage(by_kommun, "entered") == {S.IDEA: 1, S.PRESTUDY: 1, S.GRANTED: 1}


# --- Regional balance ---------------------------------------------------------------------------


def test_every_kommun_is_listed_also_those_with_no_ideas(session, world):
    report = balance(session, world.support, _filters())
    names = [row.name for row in report.municipalities]
    assert len(names) == 15 == session.query(Municipality).count()
    assert names == sorted(names)
    sorsele = next(r for r in report.municipalities if r.name == "Sorsele")
    assert (sorsele.ideas, sorsele.lead, sorsele.partner, sorsele.esf_applied) == (0, 0, 0, 0)
    assert sorsele.empty
    assert len(report.empty_municipalities) == 12
    assert {r.name for r in report.municipalities if not r.empty} == {
        "Umeå",
        "Skellefteå",
        "Lycksele",
    }


def test_balance_per_kommun_hand_computed(session, world):
    rows = {r.name: r for r in balance(session, world.support, _filters()).municipalities}
    umea, skelleftea, lycksele = rows["Umeå"], rows["Skellefteå"], rows["Lycksele"]
    assert umea.per_stage == {S.DRAFTING: 1, S.SUBMITTED: 1, S.WITHDRAWN: 1, S.PRESTUDY: 1}
    assert (umea.ideas, umea.active, umea.lead, umea.partner) == (4, 3, 2, 1)
    assert (umea.esf_planned, umea.esf_applied, umea.esf_granted) == (480_000, 300_000, 0)
    assert skelleftea.per_stage == {S.SUBMITTED: 1, S.IDEA: 1}
    assert (skelleftea.lead, skelleftea.partner) == (1, 1)
    assert (skelleftea.esf_planned, skelleftea.esf_applied) == (300_000, 300_000)
    assert lycksele.per_stage == {S.GRANTED: 1, S.PRESTUDY: 1}
    assert (lycksele.lead, lycksele.partner) == (2, 0)
    assert (lycksele.esf_planned, lycksele.esf_applied, lycksele.esf_granted) == (
        480_000,
        400_000,
        350_000,
    )


def test_balance_per_organisation_type_hand_computed(session, world):
    rows = {r.key: r for r in balance(session, world.support, _filters()).org_types}
    assert list(rows) == [t.value for t in OrgType]
    kommun = rows["kommun"]
    assert kommun.per_stage == {S.DRAFTING: 1, S.WITHDRAWN: 1, S.GRANTED: 1, S.PRESTUDY: 1}
    assert (kommun.lead, kommun.partner) == (4, 1)
    assert (kommun.esf_planned, kommun.esf_applied, kommun.esf_granted) == (
        580_000,
        400_000,
        350_000,
    )
    assert (rows["larcentrum"].lead, rows["larcentrum"].partner) == (1, 1)
    assert rows["larcentrum"].esf_applied == 300_000
    assert (rows["arbetsformedlingen"].lead, rows["arbetsformedlingen"].partner) == (1, 1)
    assert rows["foretag"].ideas == rows["foretag"].lead == rows["foretag"].partner == 0


def test_balance_with_a_kommun_filter_counts_the_ideas_touching_it(session, world):
    report = balance(session, world.support, _filters(municipality_id=world.kommun["Lycksele"]))
    rows = {r.name: r for r in report.municipalities}
    assert len(rows) == 15
    assert rows["Lycksele"].per_stage == {S.GRANTED: 1, S.PRESTUDY: 1}
    assert rows["Umeå"].per_stage == {S.PRESTUDY: 1}  # Zeta is in both
    assert rows["Skellefteå"].ideas == 0


# --- Participants ------------------------------------------------------------------------------


def _sums(row):
    return (row.ideas, row.women, row.men, row.total)


def test_participants_per_call_and_kommun_hand_computed(session, world):
    report = participants(session, world.support, _filters())
    calls = {row.key: _sums(row) for row in report.calls}
    # Delta is withdrawn and left out; Gamma and Epsilon have no call.
    assert calls == {
        "R-2026/002": (0, 0, 0, 0),
        "R-2026/001": (3, 16, 12, 35),
        "": (2, 7, 7, 14),
    }
    assert [row.key for row in report.calls] == ["R-2026/002", "R-2026/001", ""]
    kommuner = {row.name: _sums(row) for row in report.municipalities}
    assert len(kommuner) == 15
    assert kommuner["Umeå"] == (3, 16, 12, 35)
    assert kommuner["Skellefteå"] == (2, 4, 6, 10)
    assert kommuner["Lycksele"] == (2, 9, 8, 19)
    assert kommuner["Sorsele"] == (0, 0, 0, 0)
    assert _sums(report.totals) == (5, 23, 19, 49)
    assert next(r for r in report.calls if r.key == "R-2026/001").unspecified == 7


def test_participants_for_one_call(session, world):
    report = participants(session, world.support, _filters(call_id=world.call["c1"]))
    assert [row.key for row in report.calls] == ["R-2026/001"]
    assert _sums(report.totals) == (3, 16, 12, 35)


# --- Who may see them --------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["funnel", "balance", "participants"])
def test_reports_are_for_the_support_team(session, world, report):
    run = {
        "funnel": lambda who: funnel(session, who, _filters(), now=NOW),
        "balance": lambda who: balance(session, who, _filters()),
        "participants": lambda who: participants(session, who, _filters()),
    }[report]
    with pytest.raises(NotAllowed):
        run(world.actor)
    admin = User(name="Ada Admin", email="ada@report.example.se", role=Role.ADMIN)
    session.add(admin)
    session.flush()
    assert run(admin) is not None


def _per_kommun(session, conditions) -> set[tuple]:
    rows = session.execute(select(_per_kommun_and_stage(conditions, figures(conditions)))).all()
    return {tuple(r) for r in rows if r.ideas}


def test_the_balance_tally_follows_every_edit(session, world):
    """The whole portfolio's ideas per kommun and stage come from the database's tally; after
    kommuner, stages and funds change and an idea goes, it still equals the ideas added up."""
    assert _per_kommun(session, []) == _per_kommun(session, [true()]) != set()
    ideas = session.scalars(select(ProjectIdea).order_by(ProjectIdea.id)).all()
    first, second, third = ideas[0], ideas[1], ideas[2]
    first.municipalities = [
        session.get(Municipality, world.kommun["Sorsele"]),
        *first.municipalities[1:],
    ]
    first.stage = S.PRESTUDY
    second.budget_total, second.esf_share, second.esf_granted = 900_000, 450_000, 100_000
    second.submitted_on = dt.date(2026, 3, 1)
    session.delete(third)
    session.flush()
    assert _per_kommun(session, []) == _per_kommun(session, [true()])
    sorsele = next(
        r for r in balance(session, world.support, _filters()).municipalities if r.name == "Sorsele"
    )
    assert sorsele.per_stage == {S.PRESTUDY: 1}
