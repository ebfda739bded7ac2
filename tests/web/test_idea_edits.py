"""Idea edits that never overwrite each other, partial posts, and who removes partners."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import EditConflict
from pipeline.models import ProjectIdea, Role
from pipeline.services import IdeaData, update_idea
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        lead, partner, third = (
            make_org(session, n) for n in ("Vindelns kommun", "Lärcentrum", "AF")
        )
        users = {
            "actor": make_user(session, Role.ACTOR, lead, name="Anna Lead"),
            "partner": make_user(session, Role.ACTOR, partner, name="Per Partner"),
            "support": make_user(session, Role.SUPPORT),
        }
        idea = make_idea(
            session,
            users["actor"],
            title="Vägen in",
            summary="Unga vuxna i arbete.",
            budget_total=1000,
            esf_share=500,
            partner_ids=[partner.id, third.id],
            municipality_ids=[municipality(session, "Umeå").id],
        )
        session.commit()
        return {
            "idea": idea.id,
            "partner_org": partner.id,
            "third_org": third.id,
            **{k: u.id for k, u in users.items()},
        }


def _load(app, idea_id: int) -> ProjectIdea:
    with app.app_context():
        idea = db.session().get(ProjectIdea, idea_id)
        _ = idea.partners, idea.municipalities
        return idea


def _client(app, user_id: int):
    return sign_in(app, app.test_client(), user_id)


def _version_on_page(client, idea_id: int) -> str:
    page = client.get(f"/ideer/{idea_id}/andra").get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


def _figure(value: int | None) -> str:
    """A number field as the browser sends it: empty when nothing was given."""
    return "" if value is None else str(value)


def _full_post(app, idea_id: int, version: str, **changes) -> dict:
    """What a browser sends for the edit form as loaded, with `changes`."""
    idea = _load(app, idea_id)
    form = {
        "version": version,
        "title": idea.title,
        "summary": idea.summary,
        "background": idea.background,
        "purpose": idea.purpose,
        "target_groups": idea.target_groups,
        "participants_women": _figure(idea.participants_women),
        "participants_men": _figure(idea.participants_men),
        "participants_total": _figure(idea.participants_total),
        "municipality_ids": ["", *(str(m.id) for m in idea.municipalities)],
        "partner_ids": ["", *(str(p.organisation_id) for p in idea.partners)],
        "programme_area": "",
        "call_id": "",
        "budget_total": _figure(idea.budget_total),
        "esf_share": _figure(idea.esf_share),
        "period_start": "",
        "period_end": "",
        "contact_name": idea.contact_name,
        "contact_email": idea.contact_email,
        "contact_phone": idea.contact_phone,
    }
    form.update(changes)
    return form


def test_two_concurrent_edits_lose_nothing(app, world):
    a, b = _client(app, world["actor"]), _client(app, world["partner"])
    idea_id = world["idea"]
    version_a, version_b = _version_on_page(a, idea_id), _version_on_page(b, idea_id)
    form_b = _full_post(app, idea_id, version_b, summary="Bs nya sammanfattning.")
    response = a.post(
        f"/ideer/{idea_id}/andra", data=_full_post(app, idea_id, version_a, title="As titel")
    )
    assert response.status_code == 302
    response = b.post(f"/ideer/{idea_id}/andra", data=form_b)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Någon annan sparade idén medan du ändrade den" in page
    # Both versions are on the page: the saved title and B's summary, in the form too.
    assert "As titel" in page and "Vägen in" in page
    assert "Bs nya sammanfattning." in page
    saved = _load(app, idea_id)
    assert (saved.title, saved.summary) == ("As titel", "Unga vuxna i arbete.")
    # B merges (keeps A's title) and saves on top of the saved version.
    version_now = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    merged = _full_post(app, idea_id, version_now, summary="Bs nya sammanfattning.")
    assert b.post(f"/ideer/{idea_id}/andra", data=merged).status_code == 302
    saved = _load(app, idea_id)
    assert (saved.title, saved.summary) == ("As titel", "Bs nya sammanfattning.")
    assert saved.version == int(version_a) + 2


def test_a_concurrent_save_that_wins_the_race_is_not_overwritten(app, world):
    """Both read version 1; the later flush finds the row changed and raises."""
    factory = app.extensions["framsyn.sessions"]
    with app.app_context():
        first, second = factory(), factory()
        try:
            mine = first.get(ProjectIdea, world["idea"])
            theirs = second.get(ProjectIdea, world["idea"])
            actor = second.get(type(mine.created_by), world["actor"])
            update_idea(second, actor, theirs, _data(theirs, title="Deras titel"), base_version=1)
            second.commit()
            me = first.get(type(mine.created_by), world["actor"])
            with pytest.raises(EditConflict):
                update_idea(first, me, mine, _data(mine, title="Min titel"), base_version=1)
            first.rollback()
        finally:
            first.close()
            second.close()
    assert _load(app, world["idea"]).title == "Deras titel"


def _data(idea: ProjectIdea, **changes) -> IdeaData:
    values = {
        "title": idea.title,
        "summary": idea.summary,
        "budget_total": idea.budget_total,
        "esf_share": idea.esf_share,
        "lead_organisation_id": idea.lead_organisation_id,
        "partner_ids": [p.organisation_id for p in idea.partners],
        "municipality_ids": [m.id for m in idea.municipalities],
    }
    values.update(changes)
    return IdeaData(**values)


def test_a_post_with_only_a_title_changes_only_the_title(app, world):
    client = _client(app, world["partner"])
    response = client.post(f"/ideer/{world['idea']}/andra", data={"title": "Ny titel"})
    assert response.status_code == 302
    idea = _load(app, world["idea"])
    assert idea.title == "Ny titel"
    assert idea.summary == "Unga vuxna i arbete."
    assert (idea.budget_total, idea.esf_share) == (1000, 500)
    assert {p.organisation_id for p in idea.partners} == {world["partner_org"], world["third_org"]}
    assert len(idea.municipalities) == 1


def test_unticking_every_kommun_still_empties_the_list(app, world):
    client = _client(app, world["actor"])
    version = _version_on_page(client, world["idea"])
    data = _full_post(app, world["idea"], version, municipality_ids=[""])
    assert client.post(f"/ideer/{world['idea']}/andra", data=data).status_code == 302
    assert _load(app, world["idea"]).municipalities == []


def test_an_edit_partner_cannot_remove_partners(app, world):
    client = _client(app, world["partner"])
    page = client.get(f"/ideer/{world['idea']}/andra").get_data(as_text=True)
    assert "bara projektägaren eller stödteamet kan ta bort dem" in page
    lead_page = _client(app, world["actor"]).get(f"/ideer/{world['idea']}/andra")
    assert "kan ta bort dem" not in lead_page.get_data(as_text=True)
    version = _version_on_page(client, world["idea"])
    data = _full_post(
        app, world["idea"], version, partner_ids=["", str(world["partner_org"])], title="X"
    )
    page = client.post(f"/ideer/{world['idea']}/andra", data=data).get_data(as_text=True)
    assert "Bara projektägaren eller stödteamet kan ta bort samverkansparter." in page
    idea = _load(app, world["idea"])
    assert {p.organisation_id for p in idea.partners} == {world["partner_org"], world["third_org"]}
    assert idea.title == "Vägen in"


@pytest.mark.parametrize("who", ["actor", "support"])
def test_the_lead_and_the_team_can_remove_partners(app, world, who):
    client = _client(app, world[who])
    version = _version_on_page(client, world["idea"])
    data = _full_post(app, world["idea"], version, partner_ids=["", str(world["partner_org"])])
    if who == "support":
        data["lead_organisation_id"] = str(_load(app, world["idea"]).lead_organisation_id)
    assert client.post(f"/ideer/{world['idea']}/andra", data=data).status_code == 302
    idea = _load(app, world["idea"])
    assert {p.organisation_id for p in idea.partners} == {world["partner_org"]}


def test_saving_nothing_new_keeps_the_version(app, world):
    client = _client(app, world["actor"])
    version = _version_on_page(client, world["idea"])
    data = _full_post(app, world["idea"], version)
    assert client.post(f"/ideer/{world['idea']}/andra", data=data).status_code == 302
    assert _load(app, world["idea"]).version == int(version)
