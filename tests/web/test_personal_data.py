"""Personal data pages: my data as JSON; an admin's export and removal of a person."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from pipeline.models import ActivityLog, User
from pipeline.personal_data import REMOVED_NAME
from tests.web.people import PASSWORD, make_people, sign_in
from web import db


@pytest.fixture
def people(app):
    return make_people(app)


def test_a_person_downloads_their_own_data(app, client, people) -> None:
    sign_in(app, client, people.actor)
    assert "Ladda ner mina uppgifter" in client.get("/konto/mina-uppgifter").get_data(as_text=True)
    response = client.post("/konto/mina-uppgifter/hamta")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "actor@example.se"
    assert "password_hash" not in data["account"]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("actor", 403), ("support", 403), ("admin", 200)]
)
def test_only_admins_export_or_remove_others(app, client, people, role, status) -> None:
    sign_in(app, client, people.id_for(role))
    target = people.actor if role != "actor" else people.support
    assert client.get(f"/admin/anvandare/{target}/personuppgifter").status_code == status
    assert client.post(f"/admin/anvandare/{target}/personuppgifter/hamta").status_code == status
    if role != "admin":
        removal = client.post(f"/admin/anvandare/{target}/ta-bort", data={"bekrafta": "ja"})
        assert removal.status_code == status
        with app.app_context():
            assert db.session().get(User, target).name != REMOVED_NAME


def test_unknown_person_is_404(app, client, people) -> None:
    sign_in(app, client, people.admin)
    assert client.get("/admin/anvandare/99999/personuppgifter").status_code == 404


def test_admin_removes_a_person_who_can_no_longer_sign_in(app, client, people) -> None:
    sign_in(app, client, people.admin)
    page = client.get(f"/admin/anvandare/{people.actor}/personuppgifter").get_data(as_text=True)
    assert "Ta bort personen" in page
    unconfirmed = client.post(f"/admin/anvandare/{people.actor}/ta-bort")
    assert unconfirmed.status_code == 302
    with app.app_context():
        assert db.session().get(User, people.actor).name != REMOVED_NAME
    response = client.post(f"/admin/anvandare/{people.actor}/ta-bort", data={"bekrafta": "ja"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session()
        person = session.get(User, people.actor)
        assert person.name == REMOVED_NAME and not person.is_active
        assert person.email == f"removed-{people.actor}@invalid"
        assert session.scalars(
            select(ActivityLog.action).where(ActivityLog.action == "person.remove")
        ).all() == ["person.remove"]
    fresh = app.test_client()
    login = fresh.post("/konto/logga-in", data={"email": "actor@example.se", "password": PASSWORD})
    assert login.status_code == 200  # the form again: no such account any more
    # An admin cannot remove themselves.
    assert (
        client.post(f"/admin/anvandare/{people.admin}/ta-bort", data={"bekrafta": "ja"}).status_code
        == 403
    )


def test_cli_export_and_remove(app, people, tmp_path) -> None:
    runner = app.test_cli_runner()
    out = tmp_path / "person.json"
    result = runner.invoke(args=["export-person", "actor@example.se", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["account"]["id"] == people.actor
    result = runner.invoke(args=["remove-person", "ACTOR@example.se", "--yes"])
    assert result.exit_code == 0, result.output
    assert "anonymised" in result.output
    again = runner.invoke(args=["remove-person", "nobody@example.se", "--yes"])
    assert again.exit_code != 0 and "No account" in again.output
