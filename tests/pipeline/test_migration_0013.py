"""Migration 0013 (the search index) builds the table, backfills it from the existing ideas,
drafts and comments with the registered indexer, and goes down with every idea kept."""

from __future__ import annotations

from sqlalchemy import inspect, text

from drafting.search.index import install_hooks
from pipeline.db import make_engine
from pipeline.migrate import current_revision, downgrade, upgrade
from pipeline.search import fts5_query, tsquery
from tests.pipeline.test_migration_0007_0008 import DRAFT, LATER, T, _idea

REVISION = (
    "INSERT INTO section_revision (draft_id, section_key, number, text, source, created_at) "
    "VALUES (:draft, 'syfte', :n, :text, 'editor', :at)"
)
COMMENT = "INSERT INTO comment (idea_id, body, visibility, created_at) VALUES (1, :body, :v, :at)"


def _match(conn, word: str, column: str = "doc_shared") -> list[int]:
    if conn.dialect.name == "sqlite":
        query = fts5_query([word], internal=column == "doc_all")
        statement = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
    else:
        query = tsquery([word])
        statement = (
            f"SELECT idea_id FROM search_document WHERE {column} @@ to_tsquery('simple', :q)"
        )
    return sorted(conn.scalars(text(statement), {"q": query}))


def test_0013_backfills_the_index_and_keeps_the_ideas(url):
    install_hooks()  # the drafting layer's indexer, as `flask db upgrade` has it
    upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Undersköterskor i Lycksele")
            _idea(conn, 2, "Gröna jobb")
            conn.execute(text(DRAFT), dict(id=1, n=2, at=T))
            conn.execute(text(REVISION), dict(draft=1, n=1, text="Gammal renskötsel", at=T))
            conn.execute(text(REVISION), dict(draft=1, n=2, text="Nya verkstäder", at=LATER))
            conn.execute(text(COMMENT), dict(body="Hemlighetsfull budget", v="internal", at=T))
        upgrade(url, "0013")
        with engine.connect() as conn:
            assert current_revision(engine) == "0013"
            assert _match(conn, "undersköterska") == [1]
            assert _match(conn, "verkstad") == [1]  # the section's current text
            assert _match(conn, "renskötsel") == []  # not an old revision's
            assert _match(conn, "hemlighetsfull") == []  # internal: not for everyone
            assert _match(conn, "hemlighetsfull", "doc_all") == [1]
            assert conn.scalar(text("SELECT count(*) FROM search_document")) == 2
        downgrade(url, "0009")
        with engine.connect() as conn:
            assert "search_document" not in inspect(conn).get_table_names()
            assert "search_fts" not in inspect(conn).get_table_names()
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 2
            assert conn.scalar(text("SELECT count(*) FROM section_revision")) == 2
    finally:
        engine.dispose()
