"""The good-example pages in Swedish and English: the team marks from the section page with the
agreement, a writer of another organisation sees the example and the advice links to it, the
owning organisation withdraws it, and the audit log names the events."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from drafting.demo import ANALYSIS, WEAK
from drafting.examples.models import GoodExample
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.models import Role, User
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db

KEY = "bakgrund_problemanalys"


@dataclass(frozen=True)
class World:
    users: dict[str, int]
    theirs: int  # the idea whose section becomes the example
    mine: int  # another organisation's idea, whose writer learns from it
    revision: int

    def section(self, idea: int, key: str = KEY) -> str:
        return f"/ideer/{idea}/ansokan/avsnitt/{key}"

    def mark_url(self) -> str:
        return self.section(self.theirs) + "/gott-exempel"


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        session = db.session()
        lender, learner, partner = (
            make_org(session, name) for name in ("Åsele kommun", "Dorotea kommun", "Partner AB")
        )
        users = {
            "owner": make_user(session, Role.ACTOR, lender, name="Olle Ägare"),
            "writer": make_user(session, Role.ACTOR, learner, name="Vera Skribent"),
            "partner": make_user(session, Role.ACTOR, partner),
            "support": make_user(session, Role.SUPPORT),
            "admin": make_user(session, Role.ADMIN),
        }
        theirs = make_idea(session, users["owner"], title="Unga vuxna i Åsele")
        mine = make_idea(session, users["writer"], title="Unga vuxna i Dorotea")
        for idea, who, text in ((theirs, "owner", ANALYSIS), (mine, "writer", WEAK)):
            idea.stage = Stage.DRAFTING
            session.flush()
            draft = get_or_create_draft(session, users[who], idea)
            save_section(session, users[who], draft, KEY, text, None)
        revision = latest_revision(
            session, get_or_create_draft(session, users["owner"], theirs), KEY
        )
        session.commit()
        return World({k: u.id for k, u in users.items()}, theirs.id, mine.id, revision.id)


def as_(app, client, world: World, who: str, lang: str = "sv"):
    client = sign_in(app, client, world.users.get(who))
    if lang != "sv":
        client.post("/sprak", data={"locale": lang})
    return client


def agreement(world: World, **changes) -> dict[str, str]:
    data = {
        "revision_id": str(world.revision),
        "confirmed": "y",
        "agreed_by_name": "Karin Kontakt",
        "agreed_by_email": "",
        "agreed_on": "2026-11-30",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def marked(app) -> list[GoodExample]:
    with app.app_context():
        return db.session().scalars(select(GoodExample)).all()


def mark(app, client, world: World) -> int:
    response = as_(app, client, world, "support").post(world.mark_url(), data=agreement(world))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [example] = marked(app)
    return example.id


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_team_sees_the_mark_form_and_marks(app, client, world, lang):
    client = as_(app, client, world, "support", lang)
    page = client.get(world.section(world.theirs)).get_data(as_text=True)
    form = {"sv": "Markera avsnittet som gott exempel", "en": "Mark the section as a good example"}
    assert form[lang] in page
    assert 'name="agreed_by_name"' in page and 'name="confirmed"' in page
    response = client.post(world.mark_url(), data=agreement(world))
    assert response.status_code == 302 and response.location.endswith("#goda-exempel")
    [example] = marked(app)
    assert (example.agreed_by_name, str(example.agreed_on)) == ("Karin Kontakt", "2026-11-30")
    page = client.get(world.section(world.theirs)).get_data(as_text=True)
    shown = {"sv": "visas som gott exempel för andra", "en": "is shown to others as a good"}
    assert shown[lang] in page
    assert {"sv": "Dra tillbaka exemplet", "en": "Withdraw the example"}[lang] in page


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"confirmed": None}, "confirmed",
         {"sv": "Kryssa i att organisationen har godkänt", "en": "Tick that the organisation"}),
        ({"agreed_by_name": ""}, "agreed_by_name",
         {"sv": "Skriv namnet på den som godkände", "en": "Give the name of the person"}),
        ({"agreed_on": "2100-01-01"}, "agreed_on",
         {"sv": "kan inte ligga i framtiden", "en": "cannot be in the future"}),
        ({"agreed_on": "i går"}, "agreed_on", {"sv": "ÅÅÅÅ-MM-DD", "en": "YYYY-MM-DD"}),
    ],
)  # fmt: skip
def test_a_mark_without_the_agreement_is_refused_and_kept(
    app, client, world, lang, changes, field, message
):
    typed = dict(changes)
    if field != "agreed_by_name":
        typed["agreed_by_name"] = "Namn Som Skrevs"
    client = as_(app, client, world, "support", lang)
    response = client.post(world.mark_url(), data=agreement(world, **typed))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message[lang] in html
    assert f'id="{field}-error"' in html or 'role="alert"' in html
    if field != "agreed_by_name":
        assert 'value="Namn Som Skrevs"' in html  # what the team typed is kept
    assert marked(app) == []


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("partner", 404), ("writer", 404)])
def test_only_the_team_marks(app, client, world, who, status):
    response = as_(app, client, world, who).post(world.mark_url(), data=agreement(world))
    assert response.status_code == status
    assert marked(app) == []
    page = as_(app, client, world, "owner").get(world.section(world.theirs)).get_data(as_text=True)
    assert 'name="agreed_by_name"' not in page


def test_anonymous_cannot_mark(app, client, world):
    response = client.post(world.mark_url(), data=agreement(world))
    assert response.status_code == 302 and "/konto/logga-in" in response.location


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_another_organisations_writer_learns_from_it(app, client, world, lang):
    client = as_(app, client, world, "writer", lang)
    before = client.get(world.section(world.mine)).get_data(as_text=True)
    assert "Unga vuxna i Åsele" not in before and ANALYSIS[:40] not in before
    example_id = mark(app, client, world)
    client = as_(app, client, world, "writer", lang)
    page = client.get(world.section(world.mine)).get_data(as_text=True)
    heading = {"sv": "Goda exempel", "en": "Good examples"}
    assert heading[lang] in page
    assert "Åsele kommun: Unga vuxna i Åsele" in page  # attributed
    assert "62 procent av de långtidsarbetslösa" in page  # the text, read-only
    assert "<mark>" in page
    # The advice for a principle at Nämns links to the example.
    link = {"sv": "Se ett gott exempel på", "en": "See a good example of"}
    assert link[lang] in page and f"/goda-exempel/{example_id}" in page
    # The example's page: the organisation agreed, but who is not for other organisations.
    shown = client.get(f"/goda-exempel/{example_id}").get_data(as_text=True)
    assert "Åsele kommun" in shown and "Karin Kontakt" not in shown
    for who in ("owner", "support"):
        page = as_(app, client, world, who, lang).get(f"/goda-exempel/{example_id}")
        assert "Karin Kontakt" in page.get_data(as_text=True)


def test_the_principle_choice_on_the_section_page(app, client, world):
    mark(app, client, world)
    client = as_(app, client, world, "writer")
    page = client.get(world.section(world.mine) + "?princip=tillganglighet").get_data(as_text=True)
    assert re.search(r'<option value="tillganglighet" selected>', page)
    assert "Unga vuxna i Åsele" in page
    odd = client.get(world.section(world.mine) + "?princip=<script>")
    assert odd.status_code == 200 and "<script>" not in odd.get_data(as_text=True).split("main")[1]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_owning_organisation_withdraws(app, client, world, lang):
    example_id = mark(app, client, world)
    response = as_(app, client, world, "partner").post(f"/goda-exempel/{example_id}/dra-tillbaka")
    assert response.status_code == 403
    client = as_(app, client, world, "owner", lang)
    page = client.get(world.section(world.theirs)).get_data(as_text=True)
    assert f"/goda-exempel/{example_id}/dra-tillbaka" in page
    too_long = client.post(f"/goda-exempel/{example_id}/dra-tillbaka", data={"reason": "x" * 2001})
    assert too_long.status_code == 400
    response = client.post(
        f"/goda-exempel/{example_id}/dra-tillbaka",
        data={"reason": "Vi skriver om avsnittet.", "next": "avsnitt"},
    )
    assert response.status_code == 302 and world.section(world.theirs) in response.location
    history = client.get(f"/goda-exempel/{example_id}").get_data(as_text=True)
    assert "Vi skriver om avsnittet." in history
    writer = as_(app, client, world, "writer", lang)
    assert writer.get(f"/goda-exempel/{example_id}").status_code == 404
    page = writer.get(world.section(world.mine)).get_data(as_text=True)
    assert "Unga vuxna i Åsele" not in page and f"/goda-exempel/{example_id}" not in page
    assert "Unga vuxna i Åsele" not in writer.get("/goda-exempel?status=all").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_list_with_filters(app, client, world, lang):
    example_id = mark(app, client, world)
    client = as_(app, client, world, "support", lang)
    page = client.get("/goda-exempel").get_data(as_text=True)
    assert {"sv": "Goda exempel", "en": "Good examples"}[lang] in page
    assert f"/goda-exempel/{example_id}" in page and "Åsele kommun" in page
    assert f"/goda-exempel/{example_id}" not in client.get("/goda-exempel?avsnitt=syfte").get_data(
        as_text=True
    )
    assert f"/goda-exempel/{example_id}" in client.get(
        "/goda-exempel?princip=likabehandling&avsnitt=" + KEY
    ).get_data(as_text=True)
    assert client.get("/goda-exempel?status=nonsense&sida=x&princip=%00").status_code == 200
    client.post(f"/goda-exempel/{example_id}/dra-tillbaka", data={"reason": ""})
    assert f"/goda-exempel/{example_id}" not in client.get("/goda-exempel").get_data(as_text=True)
    withdrawn = client.get("/goda-exempel?status=withdrawn").get_data(as_text=True)
    assert f"/goda-exempel/{example_id}" in withdrawn
    assert {"sv": "Tillbakadraget", "en": "Withdrawn"}[lang] in withdrawn


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("sv", ["Markerade ett avsnitt som gott exempel", "Drog tillbaka ett gott exempel",
             "Gott exempel"]),
     ("en", ["Marked a section as a good example", "Withdrew a good example",
             "Good example"])],
)  # fmt: skip
def test_the_audit_log_names_the_events(app, client, world, lang, expected):
    example_id = mark(app, client, world)
    as_(app, client, world, "owner").post(f"/goda-exempel/{example_id}/dra-tillbaka")
    client = as_(app, client, world, "admin", lang)
    page = client.get("/admin/logg").get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for text in expected:
        assert text in table, text
    assert "example.mark" not in table and "GoodExample" not in table


def test_the_personal_data_export_lists_agreements(app, client, world):
    with app.app_context():
        session = db.session()
        owner = session.get(User, world.users["owner"])
        email = owner.email
    response = as_(app, client, world, "support").post(
        world.mark_url(), data=agreement(world, agreed_by_name="Olle Ägare", agreed_by_email=email)
    )
    assert response.status_code == 302
    data = as_(app, client, world, "owner").post("/konto/mina-uppgifter/hamta").get_json(force=True)
    [row] = data["good_examples_agreed_to"]
    assert row["agreed_by_email"] == email and row["idea_title"] == "Unga vuxna i Åsele"
