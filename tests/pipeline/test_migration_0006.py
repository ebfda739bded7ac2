"""Migration 0006 (sign-ins, the idea's version) goes up and down without losing ideas."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import current_revision, downgrade, upgrade

IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "participants_women, participants_men, participants_total, programme_area, budget_total, "
    "esf_share, contact_name, contact_email, contact_phone, stage, stage_changed_at, "
    "is_regional, created_at, updated_at) VALUES (7, 'Vägen in', 'Sammanfattning', '', '', '', "
    "1, 2, 3, '', 100, 50, '', '', '', 'idea', :t, false, :t, :t)"
)


def test_0006_up_and_down_keeps_every_idea(url):
    upgrade(url, "0005")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(IDEA), {"t": "2026-11-30 10:00:00+00:00"})
        upgrade(url, "0006")
        with engine.begin() as conn:
            row = conn.execute(text("SELECT title, summary, version FROM project_idea")).one()
            assert tuple(row) == ("Vägen in", "Sammanfattning", 1)
            assert "login_session" in inspect(conn).get_table_names()
        downgrade(url, "0005")
        assert current_revision(engine) == "0005"
        with engine.begin() as conn:
            row = conn.execute(text("SELECT title, summary FROM project_idea")).one()
            assert tuple(row) == ("Vägen in", "Sammanfattning")
            assert "login_session" not in inspect(conn).get_table_names()
            columns = {c["name"] for c in inspect(conn).get_columns("project_idea")}
            assert "version" not in columns
    finally:
        engine.dispose()
