"""Services: permissions between organisations, validation, regional projects, comments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.models import ActivityLog, Role, Visibility
from pipeline.queries import get_idea, ideas_for
from pipeline.services import (
    IdeaData,
    add_comment,
    create_idea,
    link_to_regional_project,
    unlink_from_regional_project,
    update_idea,
)
from tests.factories import make_idea, make_org, make_user, municipality


@pytest.fixture
def world(session):
    lead, partner, other = (make_org(session, n) for n in ("Lead AB", "Partner AB", "Other AB"))
    return {
        "lead": make_user(session, Role.ACTOR, lead),
        "partner": make_user(session, Role.ACTOR, partner),
        "other": make_user(session, Role.ACTOR, other),
        "support": make_user(session, Role.SUPPORT),
        "orgs": (lead, partner, other),
    }


def data_for(idea, **changes) -> IdeaData:
    values = {
        "title": idea.title,
        "lead_organisation_id": idea.lead_organisation_id,
        "partner_ids": [p.organisation_id for p in idea.partners],
        "municipality_ids": [m.id for m in idea.municipalities],
        "participants_total": idea.participants_total,
    }
    values.update(changes)
    return IdeaData(**values)


def test_actor_creates_idea_led_by_own_organisation(session, world):
    actor = world["lead"]
    idea = create_idea(session, actor, IdeaData(title="  Vägen till vård  "))
    assert idea.title == "Vägen till vård"
    assert idea.lead_organisation_id == actor.organisation_id
    with pytest.raises(NotAllowed):
        create_idea(session, actor, IdeaData(title="x", lead_organisation_id=world["orgs"][2].id))


def test_visibility_between_organisations(session, world):
    lead_org, partner_org, _ = world["orgs"]
    idea = make_idea(session, world["lead"], partner_ids=[partner_org.id])
    for who in ("lead", "partner", "support"):
        assert get_idea(session, world[who], idea.id) is idea
    with pytest.raises(NotFound):
        get_idea(session, world["other"], idea.id)
    visible = session.scalars(ideas_for(world["other"])).all()
    assert idea not in visible


def test_services_refuse_another_organisations_idea(session, world):
    idea = make_idea(session, world["lead"])
    other = world["other"]
    with pytest.raises(NotAllowed):
        update_idea(session, other, idea, data_for(idea, title="Kapad"))
    with pytest.raises(NotAllowed):
        add_comment(session, other, idea, "Hej")
    from pipeline.services import advance_stage
    from pipeline.stages import Stage

    with pytest.raises(NotAllowed):
        advance_stage(session, other, idea, Stage.WITHDRAWN)
    assert idea.title != "Kapad" and idea.stage == Stage.IDEA


def test_partner_edits_but_cannot_take_the_lead(session, world):
    lead_org, partner_org, _ = world["orgs"]
    idea = make_idea(session, world["lead"], partner_ids=[partner_org.id])
    changed = update_idea(session, world["partner"], idea, data_for(idea, purpose="Nytt syfte"))
    assert changed == {"purpose": ["", "Nytt syfte"]}
    with pytest.raises(NotAllowed):
        update_idea(
            session, world["partner"], idea, data_for(idea, lead_organisation_id=partner_org.id)
        )
    idea.partners[0].can_edit = False
    with pytest.raises(NotAllowed):
        update_idea(session, world["partner"], idea, data_for(idea, purpose="x"))
    assert get_idea(session, world["partner"], idea.id) is idea  # still sees it


def test_update_logs_changed_fields(session, world):
    idea = make_idea(session, world["lead"])
    ume, ske = municipality(session, "Umeå"), municipality(session, "Skellefteå")
    update_idea(
        session,
        world["lead"],
        idea,
        data_for(idea, municipality_ids=[ume.id, ske.id], budget_total=100, esf_share=50),
    )
    entry = session.scalars(
        select(ActivityLog).filter_by(idea_id=idea.id, action="idea.update")
    ).one()
    assert entry.details["changed"]["municipalities"] == [[ume.id], sorted([ume.id, ske.id])]
    assert entry.details["changed"]["esf_share"] == [None, 50]
    assert (
        update_idea(session, world["lead"], idea, data_for(idea, budget_total=100, esf_share=50))
        == {}
    )


@pytest.mark.parametrize(
    ("changes", "word"),
    [
        ({"title": " "}, "titel"),
        ({"title": "x" * 201}, "200"),
        ({"participants_women": 5, "participants_men": 5, "participants_total": 9}, "deltagare"),
        ({"budget_total": 10, "esf_share": 11}, "esf-stöd"),
        ({"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2026, 1, 1)}, "slutar"),
        ({"participants_women": -1, "participants_total": 0}, "negativa"),
    ],
)
def test_invalid_data_is_refused_with_a_message(session, world, changes, word):
    with pytest.raises(InvalidData) as info:
        create_idea(session, world["lead"], IdeaData(**{"title": "Idé", **changes}))
    assert word in info.value.message("sv").lower()


def test_unknown_references_are_refused(session, world):
    with pytest.raises(InvalidData):
        create_idea(session, world["lead"], IdeaData(title="x", municipality_ids=[99999]))
    with pytest.raises(InvalidData):
        create_idea(session, world["lead"], IdeaData(title="x", partner_ids=[99999]))


def test_regional_project_gathers_ideas_and_keeps_their_history(session, world):
    a = make_idea(session, world["lead"], municipality_ids=[municipality(session, "Åsele").id])
    b = make_idea(session, world["partner"], municipality_ids=[municipality(session, "Dorotea").id])
    with pytest.raises(NotAllowed):
        link_to_regional_project(session, world["lead"], [a, b], new_title="Inlandet")
    regional = link_to_regional_project(session, world["support"], [a, b], new_title="Inlandet")
    assert regional.is_regional and set(regional.member_ideas) == {a, b}
    assert {m.name for m in regional.municipalities} == {"Åsele", "Dorotea"}
    assert len(a.history) == 1  # the link does not rewrite an idea's own history
    with pytest.raises(InvalidData):
        link_to_regional_project(session, world["support"], [regional], regional)
    c = make_idea(session, world["lead"])
    link_to_regional_project(session, world["support"], [c], regional)
    assert c.regional_project is regional
    unlink_from_regional_project(session, world["support"], c)
    assert c.regional_project is None


def test_comment_visibility(session, world):
    idea = make_idea(session, world["lead"])
    with pytest.raises(NotAllowed):
        add_comment(session, world["lead"], idea, "intern?", Visibility.INTERNAL)
    internal = add_comment(session, world["support"], idea, "Bara för oss", Visibility.INTERNAL)
    shared = add_comment(session, world["support"], idea, "Bra start!")
    assert not internal.can_view(world["lead"]) and internal.can_view(world["support"])
    assert shared.can_view(world["lead"])
    with pytest.raises(InvalidData):
        add_comment(session, world["lead"], idea, "   ")
