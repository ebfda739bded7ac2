"""Migration 0017 counts the terms of the existing search documents, builds PostgreSQL's
narrow similarity index, makes two indexes partial, and goes back with every idea kept."""

from __future__ import annotations

from sqlalchemy import inspect, text

from drafting.search.index import install_hooks
from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from pipeline.search import term_counts
from tests.pipeline.test_migration_0007_0008 import _idea

PARTIAL = {"ix_project_idea_reviewer", "ix_project_idea_regional_project_id"}


def _partial(engine) -> set[str]:
    """The indexes on project_idea that have a WHERE clause."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        else:
            rows = conn.execute(
                text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                )
            )
        return {name for name, sql in rows if sql and " WHERE " in sql.upper() and name in PARTIAL}


def test_0017_counts_the_terms_and_keeps_the_ideas_up_and_down(url):
    install_hooks()  # the drafting layer's indexer, as `flask db upgrade` has it
    upgrade(url, "0012")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Undersköterskor i vården")
            _idea(conn, 2, "Undersköterska och renskötsel")
            _idea(conn, 3, "Gröna jobb")
        upgrade(url, "0016")  # 0013 writes the documents, nothing counts them yet
        assert "search_term" not in inspect(engine).get_table_names()
        upgrade(url, "0017")
        with engine.connect() as conn:
            vectors = conn.scalars(text("SELECT vector FROM search_document")).all()
            stored = dict(conn.execute(text("SELECT term, documents FROM search_term")).all())
            assert stored == dict(term_counts(vectors))
            assert stored[""] == 3 and stored["undersköterska"] == 2 and stored["jobb"] == 1
            if conn.dialect.name == "postgresql":
                found = conn.scalars(
                    text(
                        "SELECT idea_id FROM search_similar "
                        "WHERE doc @@ to_tsquery('simple', 'undersköterska') ORDER BY idea_id"
                    )
                ).all()
                assert found == [1, 2]
        assert _partial(engine) == PARTIAL
        if engine.dialect.name == "postgresql":  # the trigger keeps the narrow index
            with engine.begin() as conn:
                conn.execute(text("UPDATE search_document SET vector = 'skog:1' WHERE idea_id = 3"))
                assert conn.scalar(
                    text("SELECT idea_id FROM search_similar WHERE doc @@ 'skog'::tsquery")
                ) == 3  # fmt: skip
        downgrade(url, "0016")
        tables = inspect(engine).get_table_names()
        assert "search_term" not in tables and "search_similar" not in tables
        assert _partial(engine) == set()
        names = {i["name"] for i in inspect(engine).get_indexes("project_idea")}
        assert PARTIAL <= names
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 3
            assert conn.scalar(text("SELECT count(*) FROM search_document")) == 3
    finally:
        engine.dispose()
