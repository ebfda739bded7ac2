"""Migration 0016 adds two indexes on ideas, keeps every idea, and goes back."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade

IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "programme_area, contact_name, contact_email, contact_phone, stage, stage_changed_at, "
    "is_regional, created_at, updated_at) VALUES (:id, :title, '', '', '', '', '', '', '', '', "
    "'idea', :at, false, :at, :at)"
)


def _state(url: str) -> tuple[bool, list[tuple]]:
    """Whether both indexes are there (never one alone), and the ideas."""
    engine = make_engine(url)
    try:
        names = {i["name"] for i in inspect(engine).get_indexes("project_idea")}
        indexed = {"ix_project_idea_created", "ix_project_idea_programme_area"} <= names
        assert indexed or not names & {"ix_project_idea_created", "ix_project_idea_programme_area"}
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(text("SELECT id, title FROM project_idea"))]
        return indexed, sorted(rows)
    finally:
        engine.dispose()


def test_0016_adds_the_index_and_keeps_the_ideas_up_and_down(url):
    upgrade(url, "0015")
    engine = make_engine(url)
    with engine.begin() as conn:
        for n, at in ((1, "2026-11-01 10:00:00+00:00"), (2, "2026-12-01 10:00:00+00:00")):
            conn.execute(text(IDEA), {"id": n, "title": f"Idé {n}", "at": at})
    engine.dispose()
    ideas = [(1, "Idé 1"), (2, "Idé 2")]
    assert _state(url) == (False, ideas)
    upgrade(url)
    assert _state(url) == (True, ideas)
    downgrade(url, "0015")
    assert _state(url) == (False, ideas)
