"""Migration 0015 (good examples) adds its two tables with the data kept, allows one example
at a time per section of a draft, and goes back down without touching the drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade

T = "2026-11-30 10:00:00+00:00"
IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "programme_area, contact_name, contact_email, contact_phone, stage, stage_changed_at, "
    "is_regional, created_at, updated_at, lead_organisation_id) VALUES (:id, :title, '', '', "
    "'', '', '', '', '', '', 'drafting', :at, false, :at, :at, 1)"
)
DRAFT = (
    "INSERT INTO draft (id, idea_id, template_key, revision_count, created_at, updated_at) "
    "VALUES (:id, :id, 'esf_plus', 1, :at, :at)"
)
REVISION = (
    "INSERT INTO section_revision (id, draft_id, section_key, number, text, source, created_at) "
    "VALUES (:id, :id, 'syfte', 1, :text, 'editor', :at)"
)
EXAMPLE = (
    "INSERT INTO good_example (draft_id, section_key, template_key, revision_id, "
    "revision_number, text, organisation_id, agreed_by_name, agreed_by_email, agreed_on, "
    "marked_at, withdrawn_at, withdraw_reason) VALUES (1, 'syfte', 'esf_plus', 1, 1, :text, 1, "
    "'Anna', '', '2026-11-30', :at, :withdrawn, '')"
)


def _texts(conn) -> list[tuple]:
    return [
        tuple(r)
        for r in conn.execute(
            text(
                "SELECT p.title, r.text FROM project_idea p JOIN draft d ON d.idea_id = p.id "
                "JOIN section_revision r ON r.draft_id = d.id ORDER BY p.id"
            )
        )
    ]


def test_0015_keeps_the_data_up_and_down(url):
    upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organisation (id, name, type, created_at) VALUES (1, 'Åsele', "
                    "'kommun', :at)"
                ),  # fmt: skip
                {"at": T},
            )
            for id_, title in ((1, "Unga vuxna i Åsele"), (2, "Lärcentrum")):
                conn.execute(text(IDEA), dict(id=id_, title=title, at=T))
                conn.execute(text(DRAFT), dict(id=id_, at=T))
                conn.execute(text(REVISION), dict(id=id_, text=f"Syftet med {title}.", at=T))
        with engine.connect() as conn:
            before = _texts(conn)
        upgrade(url, "0015")
        with engine.begin() as conn:
            assert _texts(conn) == before
            conn.execute(text(EXAMPLE), dict(text="Syftet.", at=T, withdrawn=T))  # withdrawn
            conn.execute(text(EXAMPLE), dict(text="Syftet.", at=T, withdrawn=None))  # shown
            conn.execute(
                text(
                    "INSERT INTO good_example_principle (example_id, principle, level, rank, "
                    "sentences) VALUES (2, 'jamstalldhet', 'concrete', 2, '[]')"
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as conn:  # a second one shown
            conn.execute(text(EXAMPLE), dict(text="Igen.", at=T, withdrawn=None))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM good_example")).scalar() == 2
        downgrade(url, "0009")
        names = set(inspect(engine).get_table_names())
        assert "good_example" not in names and "good_example_principle" not in names
        with engine.connect() as conn:
            assert _texts(conn) == before
        upgrade(url, "0015")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM good_example")).scalar() == 0
            assert _texts(conn) == before
    finally:
        engine.dispose()
