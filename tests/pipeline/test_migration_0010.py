"""Migration 0010 (notifications and each person's choices) goes up and down with the data kept."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from pipeline.db import make_engine
from pipeline.migrate import current_revision, downgrade, upgrade

T = "2026-12-01 10:00:00+00:00"
IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "programme_area, contact_name, contact_email, contact_phone, stage, stage_changed_at, "
    "is_regional, created_at, updated_at) VALUES (1, 'Vägar till arbete', '', '', '', '', '', "
    "'', '', '', 'review', :at, false, :at, :at)"
)
USER = (
    "INSERT INTO user_account (id, name, email, role, is_active, created_at) "
    "VALUES (:id, :name, :email, 'actor', true, :at)"
)
COMMENT = (
    "INSERT INTO comment (id, idea_id, author_id, body, visibility, created_at) "
    "VALUES (1, 1, 1, 'En fråga', 'shared', :at)"
)
NOTICE = (
    "INSERT INTO notification (kind, subject, subject_id, recipient_id, idea_id, actor_id, "
    "digest, created_at) VALUES ('comment', 'comment', 1, :to, 1, 1, false, :at)"
)


def test_0010_adds_the_tables_and_keeps_the_data_up_and_down(url):
    upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(IDEA), dict(at=T))
            conn.execute(text(USER), dict(id=1, name="Olga", email="olga@example.se", at=T))
            conn.execute(text(USER), dict(id=2, name="Pat", email="pat@example.se", at=T))
            conn.execute(text(COMMENT), dict(at=T))
        upgrade(url, "head")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT body FROM comment")).scalar_one() == "En fråga"
            assert conn.execute(text("SELECT count(*) FROM user_account")).scalar_one() == 2
            assert conn.execute(text("SELECT count(*) FROM notification")).scalar_one() == 0
            conn.execute(text(NOTICE), dict(to=2, at=T))
            conn.execute(
                text(
                    "INSERT INTO notification_preference (user_id, kind, mode) "
                    "VALUES (2, 'stage', 'digest')"
                )
            )
        # One notice per event and recipient.
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(NOTICE), dict(to=2, at=T))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO notification_preference (user_id, kind, mode) "
                    "VALUES (2, 'comment', 'sometimes')"
                )
            )
        downgrade(url, "0009")
        assert current_revision(engine) == "0009"
        with engine.begin() as conn:
            tables = set(inspect(conn).get_table_names())
            assert not {"notification", "notification_preference"} & tables
            assert conn.execute(text("SELECT body FROM comment")).scalar_one() == "En fråga"
            assert conn.execute(text("SELECT count(*) FROM user_account")).scalar_one() == 2
        upgrade(url, "head")
    finally:
        engine.dispose()
