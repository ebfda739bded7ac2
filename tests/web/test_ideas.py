"""Submitting, editing, moving and commenting on ideas through the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from pipeline.errors import InvalidData
from pipeline.models import Call, Comment, ProjectIdea, Role, User, Visibility
from pipeline.services import IdeaData, create_idea
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        lead, partner, other = (
            make_org(session, n) for n in ("Vindelns kommun", "Lärcentrum", "X")
        )
        users = {
            "actor": make_user(session, Role.ACTOR, lead),
            "partner": make_user(session, Role.ACTOR, partner),
            "other": make_user(session, Role.ACTOR, other),
            "support": make_user(session, Role.SUPPORT),
        }
        idea = make_idea(session, users["actor"], title="Vägen in", partner_ids=[partner.id])
        ids = {
            "umea": municipality(session, "Umeå").id,
            "vindeln": municipality(session, "Vindeln").id,
            "lead": lead.id,
            "partner_org": partner.id,
            "idea": idea.id,
            **{k: u.id for k, u in users.items()},
        }
        session.commit()
        return ids


def good_form(world, **changes):
    form = {
        "title": "Unga vuxna i arbete",
        "summary": "Vi vill\r\nhjälpa unga.",
        "participants_women": "10",
        "participants_men": "12",
        "participants_total": "25",
        "municipality_ids": [str(world["umea"]), str(world["vindeln"])],
        "partner_ids": [str(world["partner_org"])],
        "programme_area": "other",
        "programme_area_other": "Eget område",
        "budget_total": "1 250 000",
        "esf_share": "600000 kr",
        "period_start": "2027-01-01",
        "period_end": "2028-12-31",
        "contact_name": "Kim",
        "contact_email": "kim@vindeln.se",
        "contact_phone": "0933-140 00",
    }
    form.update(changes)
    return form


def stored(app, idea_id):
    with app.app_context():
        return db.session().get(ProjectIdea, idea_id)


def test_actor_submits_an_idea_led_by_their_organisation(app, client, world):
    sign_in(app, client, world["actor"])
    page = client.get("/ideer/ny").get_data(as_text=True)
    assert 'data-maxlength="200"' in page and "Projektägare" in page
    assert 'name="lead_organisation_id"' not in page  # an actor leads with their own org
    response = client.post("/ideer/ny", data=good_form(world))
    assert response.status_code == 302
    idea_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        idea = db.session().get(ProjectIdea, idea_id)
        assert idea.lead_organisation_id == world["lead"]
        assert idea.budget_total == 1_250_000 and idea.esf_share == 600_000
        assert idea.summary == "Vi vill\nhjälpa unga."
        assert idea.programme_area == "Eget område"
        assert {m.id for m in idea.municipalities} == {world["umea"], world["vindeln"]}
        assert [p.organisation_id for p in idea.partners] == [world["partner_org"]]
    page = client.get(response.location).get_data(as_text=True)
    assert "1\xa0250\xa0000 kr" in page and "Unga vuxna i arbete" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Ge idén en titel."),
        ({"title": "x" * 201}, "title", "högst 200 tecken"),
        ({"summary": "x" * 5001}, "summary", "Högst 5000 tecken."),
        ({"participants_men": "tolv"}, "participants_men", "Skriv ett heltal"),
        ({"participants_men": "-3"}, "participants_men", "mellan 0 och"),
        ({"participants_total": "5"}, "participants_total", "minst kvinnor + män"),
        ({"budget_total": "99999999999"}, "budget_total", "mellan 0 och"),
        ({"esf_share": "2000000"}, "esf_share", "större än total budget"),
        ({"period_start": "2027-02-30"}, "period_start", "ÅÅÅÅ-MM-DD"),
        ({"period_end": "2026-01-01"}, "period_end", "sluta före"),
        ({"municipality_ids": ["999999"]}, "municipality_ids", "Välj bland"),
        ({"municipality_ids": ["abc"]}, "municipality_ids", "Välj bland"),
        ({"partner_ids": ["999999"]}, "partner_ids", "Välj bland"),
        ({"call_id": "42"}, "call_id", "Välj ett av"),
        ({"call_id": "drop table"}, "call_id", "Välj ett av"),
        ({"programme_area": "Z"}, "programme_area", ""),
        ({"programme_area_other": ""}, "programme_area", "Skriv vilket"),
        ({"contact_email": "kim"}, "contact_email", "namn@exempel.se"),
        ({"contact_phone": "ring mig"}, "contact_phone", "siffror"),
    ],
)
def test_bad_input_is_listed_at_the_top_and_kept(app, client, world, changes, field, message):
    sign_in(app, client, world["actor"])
    response = client.post("/ideer/ny", data=good_form(world, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#{field}"' in summary and message in summary
    assert 'value="kim@vindeln.se"' in page or field == "contact_email"
    assert f'id="{field}"' in page
    with app.app_context():
        assert (
            db.session().scalar(select(ProjectIdea).filter_by(title="Unga vuxna i arbete")) is None
        )


def test_team_chooses_the_lead_and_sees_internal_options(app, client, world):
    sign_in(app, client, world["support"])
    assert 'name="lead_organisation_id"' in client.get("/ideer/ny").get_data(as_text=True)
    response = client.post(
        "/ideer/ny", data=good_form(world, lead_organisation_id=str(world["partner_org"]))
    )
    assert response.status_code == 302
    idea_id = int(response.location.rsplit("/", 1)[1])
    assert stored(app, idea_id).lead_organisation_id == world["partner_org"]


def test_edit_shows_current_values_and_saves(app, client, world):
    sign_in(app, client, world["partner"])
    page = client.get(f"/ideer/{world['idea']}/andra").get_data(as_text=True)
    assert 'value="Vägen in"' in page
    assert re.search(rf'value="{world["umea"]}"\s+checked', page)
    response = client.post(
        f"/ideer/{world['idea']}/andra",
        data=good_form(world, title="Vägen in, del 2", partner_ids=[str(world["partner_org"])]),
    )
    assert response.status_code == 302
    assert stored(app, world["idea"]).title == "Vägen in, del 2"
    assert stored(app, world["idea"]).lead_organisation_id == world["lead"]


def test_other_organisations_get_404_not_the_form(app, client, world):
    sign_in(app, client, world["other"])
    assert client.get(f"/ideer/{world['idea']}").status_code == 404
    assert client.post(f"/ideer/{world['idea']}/andra", data=good_form(world)).status_code == 404


def test_idea_page_shows_moves_with_the_reasons_they_are_blocked(app, client, world):
    with app.app_context():
        session = db.session()
        actor = session.get(
            type(session.get(ProjectIdea, world["idea"]).created_by), world["actor"]
        )
        bare = make_idea(session, actor, title="Utan kommun", municipality_ids=[])
        session.commit()
        bare_id = bare.id
    sign_in(app, client, world["support"])
    page = client.get(f"/ideer/{bare_id}").get_data(as_text=True)
    assert re.search(r'id="move-prestudy"[^>]*disabled', page)
    assert "Ange minst en kommun som idén gäller." in page
    assert not re.search(r'id="move-parked"[^>]*disabled', page)
    response = client.post(f"/ideer/{bare_id}/flytta", data={"target": "prestudy"})
    assert response.status_code == 400
    assert stored(app, bare_id).stage == Stage.IDEA


def test_move_with_comment_shows_in_the_history(app, client, world):
    sign_in(app, client, world["support"])
    response = client.post(
        f"/ideer/{world['idea']}/flytta", data={"target": "prestudy", "comment": "Bra start!"}
    )
    assert response.status_code == 302
    assert stored(app, world["idea"]).stage == Stage.PRESTUDY
    sign_in(app, client, world["actor"])
    page = client.get(f"/ideer/{world['idea']}").get_data(as_text=True)
    timeline = page.split('class="timeline"', 1)[1]
    assert "Bra start!" in timeline and "Förstudie" in timeline


def test_move_from_the_board_returns_to_the_filtered_board(app, client, world):
    sign_in(app, client, world["support"])
    back = "/tavla?q=v%C3%A4gen&skede=idea"
    response = client.post(
        f"/ideer/{world['idea']}/flytta", data={"target": "prestudy", "next": back}
    )
    assert response.status_code == 302 and response.location.endswith(back)
    response = client.post(
        f"/ideer/{world['idea']}/flytta", data={"target": "granted", "next": "https://evil/"}
    )
    assert response.status_code == 302 and response.location == "/"


def test_submission_records_date_and_case_number(app, client, world):
    with app.app_context():
        session = db.session()
        idea = session.get(ProjectIdea, world["idea"])
        idea.stage = Stage.READY
        session.commit()
    sign_in(app, client, world["actor"])
    page = client.get(f"/ideer/{world['idea']}").get_data(as_text=True)
    assert 'name="submitted_on"' in page and 'name="esf_diarienummer"' in page
    response = client.post(
        f"/ideer/{world['idea']}/flytta", data={"target": "submitted", "submitted_on": "i går"}
    )
    assert response.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in response.get_data(as_text=True)
    response = client.post(f"/ideer/{world['idea']}/flytta", data={"target": "submitted"})
    assert response.status_code == 400
    assert "diarienummer" in response.get_data(as_text=True)
    response = client.post(
        f"/ideer/{world['idea']}/flytta",
        data={"target": "submitted", "submitted_on": "2026-09-01", "esf_diarienummer": "2026/77"},
    )
    assert response.status_code == 302
    assert stored(app, world["idea"]).esf_diarienummer == "2026/77"


def test_comments_internal_only_for_the_team(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get(f"/ideer/{world['idea']}").get_data(as_text=True)
    assert 'value="internal"' in page
    client.post(
        f"/ideer/{world['idea']}/kommentera", data={"body": "Hemligt", "visibility": "internal"}
    )
    client.post(f"/ideer/{world['idea']}/kommentera", data={"body": "Till er"})
    assert (
        client.post(
            f"/ideer/{world['idea']}/kommentera", data={"body": "x", "visibility": "bogus"}
        ).status_code
        == 400
    )
    sign_in(app, client, world["actor"])
    page = client.get(f"/ideer/{world['idea']}").get_data(as_text=True)
    assert "Till er" in page and "Hemligt" not in page and 'value="internal"' not in page
    client.post(
        f"/ideer/{world['idea']}/kommentera", data={"body": "Smygintern", "visibility": "internal"}
    )
    response = client.post(f"/ideer/{world['idea']}/kommentera", data={"body": "x" * 5001})
    assert response.status_code == 400 and "Högst 5000 tecken." in response.get_data(as_text=True)
    with app.app_context():
        comments = {c.body: c.visibility for c in db.session().scalars(select(Comment))}
    assert comments == {
        "Hemligt": Visibility.INTERNAL,
        "Till er": Visibility.SHARED,
        "Smygintern": Visibility.SHARED,
    }


def test_closed_idea_cannot_be_edited(app, client, world):
    with app.app_context():
        session = db.session()
        session.get(ProjectIdea, world["idea"]).stage = Stage.WITHDRAWN
        session.commit()
    sign_in(app, client, world["actor"])
    response = client.get(f"/ideer/{world['idea']}/andra")
    assert response.status_code == 302 and response.location.endswith(f"/ideer/{world['idea']}")


def test_pages_render_in_english(app, client, world):
    sign_in(app, client, world["actor"])
    with client.session_transaction() as session:
        session["locale"] = "en"
    page = client.get(f"/ideer/{world['idea']}").get_data(as_text=True)
    assert '<html lang="en">' in page


@pytest.fixture
def calls(app):
    """An ESF+ call and a 2014–2020 one."""
    with app.app_context():
        session = db.session()
        found = {}
        for key, opens in (("plus", dt.date(2026, 2, 1)), ("old", dt.date(2016, 5, 1))):
            call = Call(
                name=f"Utlysning {key}",
                diarienummer=f"2026/{key}",
                programme_area="2021-2027:A" if key == "plus" else "2014-2020:1",
                opens=opens,
                closes=opens + dt.timedelta(days=60),
                region="Övre Norrland",
            )
            session.add(call)
            session.flush()
            found[key] = call.id
        session.commit()
        return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_programme_areas_are_chosen_by_full_name_and_checked_against_the_call(
    app, client, world, calls, lang
):
    sign_in(app, client, world["actor"])
    client.post("/sprak", data={"locale": lang})
    page = client.get("/ideer/ny").get_data(as_text=True)
    if lang == "sv":
        assert '<option value="2021-2027:B">B: Öka möjligheten till arbete (ESF+ 2021–2027)' in page
        assert "1: Kompetensförsörjning (Socialfonden 2007–2013)</option>" in page
    else:
        assert '<option value="2021-2027:B">B: Greater opportunities for work (ESF+' in page
    wrong = good_form(world, programme_area="2014-2020:2", call_id=str(calls["plus"]))
    response = client.post("/ideer/ny", data=wrong)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    field = text.split('id="programme_area-error"', 1)[1].split("</p>", 1)[0]
    assert ("utlysningen" if lang == "sv" else "the call") in field
    assert '<option selected value="2014-2020:2">' in text or 'value="2014-2020:2" selected' in text
    right = good_form(world, programme_area="2021-2027:B", call_id=str(calls["plus"]))
    response = client.post("/ideer/ny", data=right)
    assert response.status_code == 302
    idea_id = int(response.location.rsplit("/", 1)[1])
    assert stored(app, idea_id).programme_area == "2021-2027:B"
    shown = client.get(response.location).get_data(as_text=True)
    name = "B: Öka möjligheten till arbete" if lang == "sv" else "B: Greater opportunities for work"
    assert f"<dd>{name} (ESF+ 2021–2027)</dd>" in shown
    # The service refuses it too, whatever sends it.
    with app.app_context():
        session = db.session()
        actor = session.get(User, world["actor"])
        with pytest.raises(InvalidData):
            create_idea(
                session,
                actor,
                IdeaData(title="Fel period", programme_area="2007-2013:1", call_id=calls["plus"]),
            )
        session.rollback()
