"""Good examples: only the team marks, only with the organisation's agreement; writers see at
most three for their section and principle, never a withdrawn one and never unmarked text;
the team and the owning organisation withdraw; removing a person takes their name out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import drafting
from drafting.demo import ACTIVITIES, ANALYSIS, FOLLOWUP, GOALS, WEAK
from drafting.examples.marking import (
    Agreement,
    ExampleRefused,
    get_example,
    mark_example,
    may_see_agreement,
    withdraw_example,
)
from drafting.examples.models import GoodExample
from drafting.examples.selection import example_for_advice, examples_for_writer, list_examples
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import render
from pipeline.models import ActivityLog, Role
from pipeline.personal_data import REMOVED_NAME, export_person, remove_person
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user

drafting.install()  # the erasers and the export list, as the app factory attaches them

KEY = "bakgrund_problemanalys"
TODAY = dt.date(2026, 12, 1)
ACCESS = (
    "Personer med funktionsnedsättning möter hinder i lokaler och information; en "
    "tillgänglighetsinventering av lokalerna visade trappor utan ramp."
)
EQUALITY = (
    "I Lycksele är 62 procent av de långtidsarbetslösa kvinnor, jämfört med 38 procent män, "
    "och kvinnorna har oftare ofrivillig deltid."
)
WHOLE_CHAIN = " ".join([ANALYSIS, GOALS, ACTIVITIES, FOLLOWUP])


def agreed(name: str = "Anna Ägare", **kw) -> Agreement:
    return Agreement(confirmed=kw.pop("confirmed", True), name=name, on=kw.pop("on", TODAY), **kw)


def write(session, actor, idea, texts: dict[str, str]):
    draft = get_or_create_draft(session, actor, idea)
    for key, text in texts.items():
        base = latest_revision(session, draft, key)
        save_section(session, actor, draft, key, text, base.id if base else None, check=False)
    return draft


def mark(session, support, draft, key=KEY, **kw):
    revision = latest_revision(session, draft, key)
    return mark_example(
        session, support, draft, key, revision.id, kw.pop("agreement", agreed()), today=TODAY
    )


def other_draft(session, texts, *, template="esf_plus"):
    """A draft of another organisation's idea in Ansökan skrivs."""
    owner = make_user(session, Role.ACTOR, make_org(session))
    idea = make_idea(session, owner)
    idea.stage = Stage.DRAFTING
    session.flush()
    draft = write(session, owner, idea, texts)
    draft.template_key = template
    return owner, draft


@pytest.fixture
def draft(session, people, idea):
    return write(session, people["owner"], idea, {KEY: ANALYSIS, "syfte": WEAK})


# --- Marking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "error"), [("owner", NotAllowed), ("partner", NotAllowed),
                                            ("other", NotFound)])  # fmt: skip
def test_only_the_support_team_marks(session, people, draft, who, error):
    with pytest.raises(error):
        mark(session, people[who], draft)
    assert session.scalars(select(GoodExample)).all() == []


@pytest.mark.parametrize("who", ["support", "admin"])
def test_the_team_marks_a_frozen_copy_with_the_agreement(session, people, idea, draft, who):
    example = mark(session, people[who], draft, agreement=agreed(email="anna@example.se"))
    revision = latest_revision(session, draft, KEY)
    assert (example.text, example.revision_id, example.revision_number) == (
        ANALYSIS,
        revision.id,
        revision.number,
    )
    assert example.organisation_id == idea.lead_organisation_id
    assert (example.agreed_by_name, example.agreed_by_email, example.agreed_on) == (
        "Anna Ägare",
        "anna@example.se",
        TODAY,
    )
    assert example.marked_by == people[who] and example.is_active
    assert example.level_of("jamstalldhet") == "concrete"
    assert all(s["sentence"] in ANALYSIS for p in example.principles for s in p.sentences)
    # A later save changes the draft, not the copy others read.
    write(session, people["owner"], idea, {KEY: "En helt ny text."})
    session.refresh(example)
    assert example.text == ANALYSIS
    [entry] = session.scalars(select(ActivityLog).where(ActivityLog.action == "example.mark"))
    assert entry.idea_id == idea.id and entry.details["section"] == KEY
    assert "Anna" not in str(entry.details)  # who agreed stays out of the log


@pytest.mark.parametrize(
    ("agreement", "field"),
    [
        (agreed(confirmed=False), "confirmed"),
        (agreed(name=" "), "agreed_by_name"),
        (agreed(name="x" * 121), "agreed_by_name"),
        (agreed(email="inte-en-adress"), "agreed_by_email"),
        (agreed(on=None), "agreed_on"),
        (agreed(on=TODAY + dt.timedelta(days=1)), "agreed_on"),
    ],
)
def test_marking_needs_the_organisations_agreement(session, people, draft, agreement, field):
    with pytest.raises(ExampleRefused) as refused:
        mark(session, people["support"], draft, agreement=agreement)
    assert refused.value.field == field
    assert render(refused.value.text, "sv") and render(refused.value.text, "en") != render(
        refused.value.text, "sv"
    )
    assert session.scalars(select(GoodExample)).all() == []


def test_the_person_who_agreed_is_with_the_owning_organisation(session, people, draft):
    with pytest.raises(ExampleRefused) as refused:
        mark(session, people["support"], draft, agreement=agreed(email=people["other"].email))
    assert refused.value.field == "agreed_by_email"
    example = mark(session, people["support"], draft, agreement=agreed(email=people["owner"].email))
    assert example.agreed_by == people["owner"]


def test_a_section_is_marked_once_until_withdrawn(session, people, draft):
    first = mark(session, people["support"], draft)
    with pytest.raises(ExampleRefused):
        mark(session, people["support"], draft)
    withdraw_example(session, people["owner"], first, "Vi vill visa en nyare version.")
    second = mark(session, people["support"], draft)
    assert second.id != first.id and not first.is_active and second.is_active


def test_a_text_concrete_about_no_principle_is_not_an_example(session, people, draft):
    with pytest.raises(ExampleRefused):
        mark(session, people["support"], draft, key="syfte")


def test_the_revision_must_be_the_sections(session, people, draft):
    other = latest_revision(session, draft, "syfte")
    with pytest.raises(NotFound):
        mark_example(session, people["support"], draft, KEY, other.id, agreed(), today=TODAY)


# --- Withdrawing and seeing -------------------------------------------------------------------


@pytest.mark.parametrize(("who", "allowed"), [("support", True), ("admin", True), ("owner", True),
                                              ("partner", False), ("other", False)])  # fmt: skip
def test_who_withdraws(session, people, draft, who, allowed):
    example = mark(session, people["support"], draft)
    if not allowed:
        with pytest.raises(NotAllowed):
            withdraw_example(session, people[who], example)
        assert example.is_active
        return
    withdraw_example(session, people[who], example, "Organisationen ångrade sig.")
    assert not example.is_active and example.withdrawn_by == people[who]
    [entry] = session.scalars(select(ActivityLog).where(ActivityLog.action == "example.withdraw"))
    assert entry.details["reason"] == "Organisationen ångrade sig."
    with pytest.raises(ExampleRefused):
        withdraw_example(session, people[who], example)


def test_a_withdrawn_example_is_only_for_the_team_and_its_organisation(session, people, draft):
    example = mark(session, people["support"], draft)
    assert get_example(session, people["other"], example.id) is example  # marked: for all
    assert not may_see_agreement(people["other"], example)
    assert may_see_agreement(people["owner"], example)
    withdraw_example(session, people["support"], example)
    for who in ("other", "partner"):
        with pytest.raises(NotFound):
            get_example(session, people[who], example.id)
        assert list_examples(session, people[who], status="all").items == []
    for who in ("owner", "support"):
        assert get_example(session, people[who], example.id) is example
        assert list_examples(session, people[who], status="withdrawn").items == [example]
    assert list_examples(session, people["owner"]).items == []  # the default: marked ones


# --- What a writer sees -----------------------------------------------------------------------


def test_a_writer_sees_at_most_three_of_the_section_and_principle(session, people, idea, draft):
    support = people["support"]
    marked = []
    for _ in range(4):
        _owner, theirs = other_draft(session, {KEY: ANALYSIS})
        marked.append(mark(session, support, theirs))
    _owner, access_only = other_draft(session, {KEY: ACCESS})
    mark(session, support, access_only)
    _owner, elsewhere = other_draft(session, {"hp_jamstalldhet": WHOLE_CHAIN})
    mark(session, support, elsewhere, key="hp_jamstalldhet")
    shown = examples_for_writer(session, people["owner"], draft, KEY, "jamstalldhet")
    assert len(shown) == 3
    assert set(shown) <= set(marked)
    assert shown == sorted(shown, key=lambda e: e.marked_at, reverse=True)
    # Tillgänglighet: the access-only text counts too.
    assert access_only.id in {
        e.draft_id
        for e in examples_for_writer(session, people["owner"], draft, KEY, "tillganglighet")
    }


def test_withdrawn_own_and_unmarked_texts_are_never_shown(session, people, idea, draft):
    support = people["support"]
    _owner, theirs = other_draft(session, {KEY: ANALYSIS})
    withdrawn = mark(session, support, theirs)
    withdraw_example(session, support, withdrawn)
    other_draft(session, {KEY: WHOLE_CHAIN})  # a strong text nobody marked
    own = mark(session, support, draft)  # the writer's own section
    for principle in ("jamstalldhet", "tillganglighet", "likabehandling"):
        assert examples_for_writer(session, people["owner"], draft, KEY, principle) == []
        assert example_for_advice(session, people["owner"], draft, principle, KEY) is None
    _owner, visible = other_draft(session, {KEY: ANALYSIS})
    shown = mark(session, support, visible)
    assert examples_for_writer(session, people["other"], theirs, KEY, "jamstalldhet") == [
        shown,
        own,
    ]


def test_the_highest_level_comes_first(session, people, idea):
    support, key = people["support"], "hp_jamstalldhet"
    mine = write(session, people["owner"], idea, {key: WEAK})
    _o, integrated = other_draft(session, {key: WHOLE_CHAIN})
    _o, concrete = other_draft(session, {key: EQUALITY})  # newer, but only concrete
    best, second = (
        mark(session, support, integrated, key=key),
        mark(session, support, concrete, key=key),
    )
    assert best.level_of("jamstalldhet") == "integrated"
    assert second.level_of("jamstalldhet") == "concrete"
    shown = examples_for_writer(session, people["owner"], mine, key, "jamstalldhet")
    assert shown == [best, second]
    # The advice for Nämns links to the best one.
    assert example_for_advice(session, people["owner"], mine, "jamstalldhet", key) == best


def test_the_same_template_comes_first(session, people, idea):
    support, key = people["support"], "syfte"
    mine = write(session, people["owner"], idea, {key: WEAK})
    _o, same = other_draft(session, {key: ACCESS})
    _o, older_period = other_draft(session, {key: ACCESS}, template="esf_2007")
    same_example = mark(session, support, same, key=key)
    older = mark(session, support, older_period, key=key)  # newer, but the 2007-2013 template
    assert older.template_key == "esf_2007"
    shown = examples_for_writer(session, people["owner"], mine, key, "tillganglighet")
    assert shown == [same_example, older]


def test_the_advice_prefers_the_same_section(session, people, idea, draft):
    support = people["support"]
    _o, same = other_draft(session, {KEY: ANALYSIS})
    _o, other_section = other_draft(session, {"mal_resultat": ANALYSIS})
    in_section = mark(session, support, same)
    elsewhere = mark(session, support, other_section, key="mal_resultat")
    assert example_for_advice(session, people["owner"], draft, "likabehandling", KEY) == in_section
    assert example_for_advice(session, people["owner"], draft, "likabehandling", "syfte") in (
        in_section,
        elsewhere,
    )
    assert example_for_advice(session, people["owner"], draft, "likabehandling", None)


def test_the_list_filters_by_principle_and_section(session, people, draft):
    support = people["support"]
    _o, access = other_draft(session, {KEY: ACCESS})
    _o, goals = other_draft(session, {"mal_resultat": ANALYSIS})
    a = mark(session, support, access)
    g = mark(session, support, goals, key="mal_resultat")
    assert set(list_examples(session, support).items) == {a, g}
    assert list_examples(session, support, principle="jamstalldhet").items == [g]
    assert list_examples(session, support, section_key=KEY).items == [a]
    assert list_examples(session, people["other"], section_key="mal_resultat").items == [g]


# --- A person's data --------------------------------------------------------------------------


def test_export_lists_the_examples_a_person_agreed_to(session, people, draft):
    owner = people["owner"]
    example = mark(
        session, people["support"], draft, agreement=agreed(owner.name, email=owner.email)
    )
    data = export_person(session, owner, owner)
    [row] = data["good_examples_agreed_to"]
    assert row["id"] == example.id and row["agreed_by_name"] == owner.name
    assert (
        export_person(session, people["partner"], people["partner"])["good_examples_agreed_to"]
        == []
    )


def test_removing_a_person_takes_their_name_out_of_examples(session, people, idea):
    owner, admin = people["owner"], people["admin"]
    signed = f"{ANALYSIS} Kontaktperson: {owner.name}, {owner.email}."
    draft = write(session, owner, idea, {KEY: signed})
    example = mark(
        session, people["support"], draft, agreement=agreed(owner.name, email=owner.email)
    )
    _o, by_name = other_draft(session, {KEY: ANALYSIS})
    namesake = mark(session, people["support"], by_name, agreement=agreed("Bertil Bo"))
    name, email = owner.name, owner.email
    remove_person(session, admin, owner)
    session.refresh(example)
    assert (example.agreed_by_name, example.agreed_by_email) == ("", "")
    assert name not in example.text and email not in example.text
    assert example.agreed_by.name == REMOVED_NAME and example.agreed_on == TODAY
    assert example.level_of("jamstalldhet") == "concrete"
    for row in example.principles:  # the sentences were found again in the redacted text
        assert all(example.text[s["start"] : s["end"]] == s["sentence"] for s in row.sentences)
    assert namesake.agreed_by_name == "Bertil Bo"  # someone else's agreement is kept


@pytest.mark.parametrize("name", ["Bo Berg", "Örjan Ålund"])
def test_removing_a_person_who_agreed_by_name_only(session, people, draft, name):
    partner = people["partner"]
    partner.name = name
    example = mark(session, people["support"], draft, agreement=agreed(name))
    remove_person(session, people["admin"], partner)
    session.refresh(example)
    assert example.agreed_by_name == ""
