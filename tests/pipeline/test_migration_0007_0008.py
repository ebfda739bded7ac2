"""Migrations 0007 (why a sign-off stopped counting), 0008 (figures may be empty) and 0009 (an
idea's reviewer and Komplettering due date) go up and down with the data kept."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import current_revision, downgrade, upgrade

T = "2026-11-30 10:00:00+00:00"
LATER = "2026-11-30 12:00:00+00:00"
IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "participants_women, participants_men, participants_total, programme_area, budget_total, "
    "esf_share, contact_name, contact_email, contact_phone, stage, stage_changed_at, "
    "is_regional, created_at, updated_at) VALUES (:id, :title, '', '', '', '', "
    ":w, :m, :t, '', :b, :e, '', '', '', 'review', :at, false, :at, :at)"
)
DRAFT = (
    "INSERT INTO draft (id, idea_id, template_key, revision_count, created_at, updated_at) "
    "VALUES (:id, :id, 'esf_plus', :n, :at, :at)"
)
REVISION = (
    "INSERT INTO section_revision (draft_id, section_key, number, text, source, created_at) "
    "VALUES (:draft, 'syfte', :n, 'Text', 'editor', :at)"
)
SIGN_OFF = (
    "INSERT INTO sign_off (id, draft_id, revision_number, created_at, revoked_at) "
    "VALUES (:id, :draft, :n, :at, :revoked)"
)


def _idea(conn, id_, title, figures=(1, 2, 3, 100, 50)):
    w, m, t, b, e = figures
    conn.execute(text(IDEA), dict(id=id_, title=title, w=w, m=m, t=t, b=b, e=e, at=T))


def test_0007_and_0008_keep_the_data_up_and_down(url):
    upgrade(url, "0006")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Med nollor", (0, 0, 0, 0, 0))
            _idea(conn, 2, "Med siffror")
            conn.execute(text(DRAFT), dict(id=1, n=2, at=T))
            conn.execute(text(REVISION), dict(draft=1, n=1, at=T))
            conn.execute(text(REVISION), dict(draft=1, n=2, at=LATER))
            conn.execute(text(DRAFT), dict(id=2, n=1, at=T))
            conn.execute(text(REVISION), dict(draft=2, n=1, at=T))
            # Superseded by revision 2; withdrawn; still valid.
            conn.execute(text(SIGN_OFF), dict(id=1, draft=1, n=1, at=T, revoked=None))
            conn.execute(text(SIGN_OFF), dict(id=2, draft=2, n=1, at=T, revoked=LATER))
            conn.execute(text(SIGN_OFF), dict(id=3, draft=2, n=1, at=T, revoked=None))
        upgrade(url, "head")
        with engine.begin() as conn:
            rows = conn.execute(
                text("SELECT id, void_reason, revoked_at IS NULL FROM sign_off ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, "new_revision", False),
                (2, "revoked", False),
                (3, None, True),
            ]
            figures = conn.execute(
                text(
                    "SELECT title, participants_women, participants_men, participants_total, "
                    "budget_total, esf_share FROM project_idea ORDER BY id"
                )
            ).all()
            assert [tuple(r) for r in figures] == [
                ("Med nollor", 0, 0, 0, 0, 0),
                ("Med siffror", 1, 2, 3, 100, 50),
            ]
            _idea(conn, 3, "Utan siffror", (None, None, None, None, None))
            assert (
                conn.execute(
                    text("SELECT count(*) FROM project_idea WHERE reviewer_id IS NULL")
                ).scalar_one()
                == 3
            )
            conn.execute(text("UPDATE project_idea SET changes_due_on = '2027-01-15' WHERE id = 2"))
        downgrade(url, "0006")
        assert current_revision(engine) == "0006"
        with engine.begin() as conn:
            figures = conn.execute(
                text(
                    "SELECT title, participants_women, participants_total, budget_total, "
                    "esf_share FROM project_idea ORDER BY id"
                )
            ).all()
            assert [tuple(r) for r in figures] == [
                ("Med nollor", 0, 0, 0, 0),
                ("Med siffror", 1, 3, 100, 50),
                ("Utan siffror", 0, 0, 0, 0),
            ]
            assert conn.execute(text("SELECT count(*) FROM sign_off")).scalar_one() == 3
            columns = {c["name"] for c in inspect(conn).get_columns("project_idea")}
            assert not {"reviewer_id", "changes_due_on"} & columns
            assert conn.execute(text("SELECT count(*) FROM section_revision")).scalar_one() == 3
    finally:
        engine.dispose()
