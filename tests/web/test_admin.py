"""Admin pages: who may open them, and the forms' happy and unhappy paths."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pipeline.models import Call, Municipality, Organisation, OutboxMessage, Role, User
from tests.web.people import make_people, sign_in
from web import db

ROLES = ("anonymous", "actor", "support", "admin")
TEAM = {"support", "admin"}
ADMIN = {"admin"}

# (method, url, who may use it); {org}, {user}, {muni} and {call} are filled in per test.
ROUTES = [
    ("GET", "/admin/", TEAM),
    ("GET", "/admin/organisationer", TEAM),
    ("GET", "/admin/organisationer/ny", TEAM),
    ("GET", "/admin/organisationer/{org}", TEAM),
    ("GET", "/admin/anvandare", TEAM),
    ("GET", "/admin/anvandare/bjud-in", TEAM),
    ("GET", "/admin/anvandare/{user}", ADMIN),
    ("GET", "/admin/utlysningar", TEAM),
    ("GET", "/admin/utlysningar/ny", TEAM),
    ("GET", "/admin/utlysningar/{call}", TEAM),
    ("GET", "/admin/kommuner", TEAM),
    ("GET", "/admin/kommuner/ny", ADMIN),
    ("GET", "/admin/kommuner/{muni}", ADMIN),
    ("GET", "/admin/utskick", ADMIN),
    ("GET", "/konto/losenord", {"actor", "support", "admin"}),
    ("POST", "/admin/organisationer/ny", TEAM),
    ("POST", "/admin/anvandare/bjud-in", TEAM),
    ("POST", "/admin/anvandare/{user}", ADMIN),
    ("POST", "/admin/utlysningar/ny", TEAM),
    ("POST", "/admin/kommuner/ny", ADMIN),
    ("POST", "/admin/kommuner/{muni}", ADMIN),
]


@pytest.fixture
def people(app):
    return make_people(app)


@pytest.fixture
def ids(app, people):
    """Ids of things the routes point at: an invited user, a call and a kommun."""
    with app.app_context():
        session = db.session()
        invited = User(name="Ny Person", email="ny@example.se", role=Role.ACTOR)
        invited.organisation_id = people.organisation
        call = Call(
            name="Kompetens i norr",
            diarienummer="2025/00042",
            programme_area="A",
            opens=dt.date(2025, 1, 1),
            closes=dt.date(2025, 3, 1),
            region="Övre Norrland",
        )
        session.add_all([invited, call])
        session.commit()
        muni = session.scalars(select(Municipality).filter_by(name="Umeå")).one()
        return {"org": people.organisation, "user": invited.id, "call": call.id, "muni": muni.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), ROUTES)
def test_authorization_matrix(app, client, people, ids, role, method, url, allowed):
    sign_in(app, client, people.id_for(role))
    response = client.open(url.format(**ids), method=method, data={})
    if role == "anonymous":
        assert response.status_code == 302
        assert "/konto/logga-in" in response.location
    elif role in allowed:
        # a page, a form re-rendered with its errors, or (a POST that validated) a redirect
        assert response.status_code in ((200,) if method == "GET" else (200, 302))
    else:
        assert response.status_code == 403
        assert "Du har inte behörighet" in response.get_data(as_text=True)


def test_menu_shows_administration_to_the_team_only(app, client, people):
    sign_in(app, client, people.actor)
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    sign_in(app, client, people.support)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_create_organisation_and_duplicate_name(app, client, people):
    sign_in(app, client, people.support)
    data = {"name": "Storumans kommun", "type": "kommun", "municipality_id": "", "org_number": ""}
    response = client.post("/admin/organisationer/ny", data=data)
    assert response.status_code == 302
    response = client.post("/admin/organisationer/ny", data={**data, "name": "storumans KOMMUN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Det finns redan en organisation med det namnet." in page
    assert 'value="storumans KOMMUN"' in page  # the input is kept
    assert 'href="#name"' in page  # the summary links to the field


@pytest.mark.parametrize("number", ["2120002726", "212000-272", "abcdef-ghij", "212000 2726"])
def test_organisation_number_format(app, client, people, number):
    sign_in(app, client, people.admin)
    data = {"name": "Bolaget AB", "type": "foretag", "municipality_id": "", "org_number": number}
    response = client.post("/admin/organisationer/ny", data=data)
    assert response.status_code == 200
    assert "Skriv organisationsnumret som NNNNNN-NNNN." in response.get_data(as_text=True)


def test_edit_organisation(app, client, people):
    sign_in(app, client, people.admin)
    data = {"name": "Lycksele kommun", "type": "kommun", "org_number": "212000-2460"}
    url = f"/admin/organisationer/{people.organisation}"
    response = client.post(url, data={**data, "municipality_id": "", "name": "Lycksele K"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(Organisation, people.organisation).name == "Lycksele K"


def test_tampered_select_is_a_field_error_not_a_500(app, client, people):
    sign_in(app, client, people.admin)
    data = {"name": "X", "type": "nonsense", "municipality_id": "abc", "org_number": ""}
    response = client.post("/admin/organisationer/ny", data=data)
    assert response.status_code == 200
    # two fields, each named in the error summary and next to the field
    assert response.get_data(as_text=True).count("Välj ett av alternativen.") == 4


def test_support_invites_an_actor_and_the_mail_lands_in_the_outbox(app, client, people):
    sign_in(app, client, people.support)
    data = {
        "name": "Anna Andersson",
        "email": "Anna@Example.se",
        "role": "actor",
        "organisation_id": str(people.organisation),
        "locale": "en",
    }
    response = client.post("/admin/anvandare/bjud-in", data=data)
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        user = session.scalars(select(User).filter_by(email="anna@example.se")).one()
        assert user.password_hash is None and user.invited_by_id == people.support
        message = session.scalars(select(OutboxMessage)).one()
        assert message.to == "anna@example.se"
        assert message.subject == "You are invited to Framsyn"  # the invitee's language
        assert "/konto/inbjudan/" not in message.body_text  # only the recipient gets it
    page = client.get("/admin/anvandare").get_data(as_text=True)
    assert "har inte valt lösenord" in page


def test_support_cannot_invite_an_admin(app, client, people):
    sign_in(app, client, people.support)
    data = {"name": "B", "email": "b@example.se", "role": "admin", "organisation_id": ""}
    response = client.post("/admin/anvandare/bjud-in", data={**data, "locale": "sv"})
    assert response.status_code == 200
    assert "Välj ett av alternativen." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalars(select(User).filter_by(email="b@example.se")).first() is None


def test_invite_duplicate_email_and_actor_without_organisation(app, client, people):
    sign_in(app, client, people.admin)
    data = {"name": "C", "email": "ACTOR@example.se", "role": "actor", "organisation_id": ""}
    page = client.post("/admin/anvandare/bjud-in", data={**data, "locale": "sv"}).get_data(
        as_text=True
    )
    assert "Det finns redan ett konto med den e-postadressen." in page
    assert "En lokal aktör behöver tillhöra en organisation." in page


def test_reinvite_sends_a_new_link(app, client, people, ids):
    sign_in(app, client, people.support)
    response = client.post(f"/admin/anvandare/{ids['user']}/ny-inbjudan")
    assert response.status_code == 302
    with app.app_context():
        assert db.session().scalars(select(OutboxMessage)).one().to == "ny@example.se"


def test_admin_edits_a_user(app, client, people):
    sign_in(app, client, people.admin)
    data = {"name": "Sara Stöd", "role": "admin", "organisation_id": "", "is_active": ""}
    response = client.post(f"/admin/anvandare/{people.support}", data=data)
    assert response.status_code == 302
    with app.app_context():
        user = db.session().get(User, people.support)
        assert (user.name, user.role, user.is_active) == ("Sara Stöd", Role.ADMIN, False)


def test_admin_cannot_demote_themself(app, client, people):
    sign_in(app, client, people.admin)
    data = {"name": "Admin", "role": "support", "organisation_id": "", "is_active": "y"}
    response = client.post(f"/admin/anvandare/{people.admin}", data=data)
    assert response.status_code == 200
    assert "egen administratörsbehörighet" in response.get_data(as_text=True)


def _call_form(**changes: str) -> dict[str, str]:
    data = {
        "name": "Inkludering i Västerbotten",
        "diarienummer": "2026/00007",
        "programme_area": "2021-2027:A",
        "specific_objective": "",
        "opens": "2026-02-01",
        "closes": "2026-04-30",
        "region": "Övre Norrland",
        "template_key": "esf_plus",
    }
    return {**data, **changes}


def test_create_and_edit_a_call(app, client, people):
    sign_in(app, client, people.support)
    assert client.post("/admin/utlysningar/ny", data=_call_form()).status_code == 302
    with app.app_context():
        call = db.session().scalars(select(Call).filter_by(diarienummer="2026/00007")).one()
    data = _call_form(template_key="esf_2007")
    response = client.post(f"/admin/utlysningar/{call.id}", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(Call, call.id).template_key == "esf_2007"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes": "2026-01-31"}, "Utlysningen kan inte stänga före den öppnar."),
        ({"opens": "1 februari"}, "Skriv datumet som ÅÅÅÅ-MM-DD."),
        ({"diarienummer": "2025/00042"}, "Det finns redan en utlysning med det diarienumret."),
        ({"template_key": "esf_1994"}, "Välj ett av alternativen."),
        ({"name": ""}, "Fältet måste fyllas i."),
    ],
)
def test_call_form_errors(app, client, people, ids, changes, message):
    sign_in(app, client, people.admin)
    response = client.post("/admin/utlysningar/ny", data=_call_form(**changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_kommuner_add_and_rename(app, client, people, ids):
    sign_in(app, client, people.admin)
    response = client.post("/admin/kommuner/ny", data={"code": "9999", "name": "Testby"})
    assert response.status_code == 302
    response = client.post("/admin/kommuner/ny", data={"code": "99", "name": "Umeå"})
    page = response.get_data(as_text=True)
    assert "Kommunkoden är fyra siffror." in page
    response = client.post(f"/admin/kommuner/{ids['muni']}", data={"name": "Testby"})
    assert "Kommunen finns redan." in response.get_data(as_text=True)
    response = client.post(f"/admin/kommuner/{ids['muni']}", data={"name": "Umeå stad"})
    assert response.status_code == 302
    assert "Umeå stad" in client.get("/admin/kommuner").get_data(as_text=True)


def test_outbox_lists_messages(app, client, people):
    client.post("/konto/glomt-losenord", data={"email": "actor@example.se"})
    sign_in(app, client, people.admin)
    page = client.get("/admin/utskick").get_data(as_text=True)
    assert "actor@example.se" in page and "Välj ett nytt lösenord i Framsyn" in page
    assert "Ingen e-postserver är inställd" in page


def test_unknown_ids_give_404(app, client, people):
    sign_in(app, client, people.admin)
    for url in ("/admin/organisationer/999", "/admin/anvandare/999", "/admin/utlysningar/999"):
        assert client.get(url).status_code == 404
