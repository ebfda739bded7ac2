"""The audit page: admins only, filters in the URL, pagination, CSV, and the events it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pipeline import audit
from pipeline.errors import NotAllowed
from pipeline.models import ActivityLog, Role, User
from tests.web.people import PASSWORD, make_people, sign_in
from web import db


@pytest.fixture
def people(app):
    return make_people(app)


def _add_entries(app, people, count: int = 0) -> None:
    with app.app_context():
        session = db.session()
        base = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
        session.add_all(
            [
                ActivityLog(
                    user_id=people.actor if i % 2 else people.support,
                    action="idea.stage" if i % 3 == 0 else "idea.update",
                    entity_type="ProjectIdea",
                    entity_id=None,
                    details={"n": i, "note": "<script>alert(1)</script>"},
                    created_at=base + dt.timedelta(days=i),
                )
                for i in range(count)
            ]
        )
        session.commit()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("actor", 403), ("support", 403), ("admin", 200)]
)
def test_only_admins_see_the_log(app, client, people, role, status) -> None:
    sign_in(app, client, people.id_for(role))
    assert client.get("/admin/logg").status_code == status
    assert client.get("/admin/logg.csv").status_code == status


def test_the_service_refuses_the_support_team(app, people) -> None:
    with app.app_context():
        support = db.session().get(User, people.support)
        with pytest.raises(NotAllowed):
            audit.search(db.session(), support, audit.AuditFilters())
        with pytest.raises(NotAllowed):
            list(audit.iter_entries(db.session(), support, audit.AuditFilters()))


def test_sign_ins_and_role_changes_show_up(app, client, people) -> None:
    client.post("/konto/logga-in", data={"email": "actor@example.se", "password": PASSWORD})
    client.post("/konto/logga-ut")
    sign_in(app, client, people.admin)
    response = client.post(
        f"/admin/anvandare/{people.support}",
        data={"name": "Support Testsson", "role": "admin", "organisation_id": "", "is_active": "y"},
    )
    assert response.status_code == 302
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Inloggning" in page and "auth.login" in page
    assert "user.update" in page and "admin" in page
    only_logins = client.get("/admin/logg?handelse=auth.").get_data(as_text=True)
    assert "auth.login" in only_logins and "user.update</" not in only_logins


def test_filters_pagination_and_escaping(app, client, people) -> None:
    _add_entries(app, people, count=120)
    sign_in(app, client, people.admin)
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "120 händelser" in page and "sida 1 av 3" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    # Filters are kept in the URL, also in the pagination links.
    url = f"/admin/logg?person={people.actor}&handelse=idea.update&fran=2026-03-01&till=2026-05-31"
    page = client.get(url).get_data(as_text=True)
    with app.app_context():
        expected = sum(
            1
            for i in range(120)
            if i % 2
            and i % 3
            and dt.date(2026, 3, 1) + dt.timedelta(days=i) <= dt.date(2026, 5, 31)
        )
    assert f"{expected} händelser" in page
    assert f"person={people.actor}" in page and "handelse=idea.update" in page
    # Malformed values are ignored rather than failing.
    assert client.get("/admin/logg?person=x&fran=2026-13-45&ide=%27&sida=-1").status_code == 200


def test_csv_download_is_filtered_and_formula_safe(app, client, people) -> None:
    with app.app_context():
        session = db.session()
        session.add(
            ActivityLog(
                user_id=people.actor,
                action="idea.update",
                entity_type="ProjectIdea",
                details={"title": "=HYPERLINK(1)"},
            )
        )
        session.commit()
    sign_in(app, client, people.admin)
    response = client.get(f"/admin/logg.csv?person={people.actor}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert "idea.update" in body and "HYPERLINK" in body
    with app.app_context():
        logged = (
            db.session()
            .scalars(select(ActivityLog).where(ActivityLog.action == "audit.export"))
            .all()
        )
        assert [e.user_id for e in logged] == [people.admin]


def test_downloads_and_exports_are_logged(app, client, people) -> None:
    """An export job and the download of its file both leave an entry."""
    from tests.factories import make_idea

    with app.app_context():
        session = db.session()
        actor = session.get(User, people.actor)
        idea = make_idea(session, actor)
        session.commit()
        idea_id = idea.id
    sign_in(app, client, people.actor)
    response = client.post(f"/jobb/ide/{idea_id}/export", data={"export-revision": "-1"})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    download = client.get(job_url.rstrip("/") + "/fil")
    with app.app_context():
        actions = (
            db.session()
            .scalars(select(ActivityLog.action).where(ActivityLog.user_id == people.actor))
            .all()
        )
    assert download.status_code == 200
    assert "job.export" in actions and "file.download" in actions


def test_role_is_checked_per_request(app, client, people) -> None:
    """An admin demoted mid-session loses the page at once."""
    sign_in(app, client, people.admin)
    assert client.get("/admin/logg").status_code == 200
    with app.app_context():
        session = db.session()
        session.get(User, people.admin).role = Role.SUPPORT
        session.commit()
    assert client.get("/admin/logg").status_code == 403
