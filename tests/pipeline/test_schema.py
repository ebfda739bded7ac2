"""Migrations and constraints on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

import pipeline.models  # noqa: F401
from pipeline.db import Base, make_engine
from pipeline.migrate import current_revision, downgrade, upgrade
from pipeline.models import Municipality
from pipeline.search import include_name
from tests.factories import make_idea, make_org, make_user


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert current_revision(engine) is not None


def test_region_kommuner_are_preloaded(session):
    names = set(session.scalars(select(Municipality.name)))
    assert len(names) == 15 and {"Umeå", "Åsele", "Malå", "Sorsele"} <= names


def test_upgrade_from_empty_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgrade(url)
    downgrade(url, "base")
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).all()
    assert [t for (t,) in tables if t != "alembic_version"] == []
    upgrade(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Municipality)) == 15
    engine.dispose()


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE project_idea SET stage = 'flying'", "stage"),
        ("UPDATE project_idea SET participants_women = 3, participants_total = 1", "total_covers"),
        ("UPDATE project_idea SET budget_total = 5, esf_share = 6", "esf_within_budget"),
        (
            "UPDATE project_idea SET period_start = '2027-01-01', period_end = '2026-01-01'",
            "period_ordered",
        ),
        ("UPDATE project_idea SET regional_project_id = id", "no_self"),
    ],
)
def test_check_constraints(session, statement, constraint):
    actor = make_user(session, organisation=make_org(session))
    make_idea(session, actor)
    with pytest.raises(IntegrityError) as info:
        with session.begin_nested():
            session.execute(text(statement))
    assert constraint in str(info.value).lower() or "check" in str(info.value).lower()
