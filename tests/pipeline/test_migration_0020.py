"""Migration 0020 moves PostgreSQL's search vectors into narrow tables kept by a trigger, and
goes back to the generated columns with every document kept (SQLite is left as it was)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from drafting.search.index import install_hooks
from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from pipeline.search import fts5_query, tsquery
from tests.pipeline.test_migration_0007_0008 import _idea

INTERNAL = "UPDATE search_document SET internal = :text WHERE idea_id = :id"


def _found(conn, word: str, *, internal: bool, table: str | None = None) -> list[int]:
    """The ideas whose document holds `word`: in FTS5 on SQLite; on PostgreSQL in `table`, or
    in search_document's generated columns when `table` is None."""
    if conn.dialect.name == "sqlite":
        statement = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
        query = fts5_query([word], internal=internal)
    else:
        query = tsquery([word])
        column = "doc"
        if table is None:
            table, column = "search_document", "doc_all" if internal else "doc_shared"
        statement = f"SELECT idea_id FROM {table} WHERE {column} @@ to_tsquery('simple', :q)"
    return sorted(conn.scalars(text(statement), {"q": query}))


def test_0020_moves_the_vectors_and_keeps_them_up_and_down(url):
    install_hooks()  # the drafting layer's indexer, as `flask db upgrade` has it
    upgrade(url, "0012")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _idea(conn, 1, "Undersköterskor i vården")
            _idea(conn, 2, "Gröna jobb i skogen")
        upgrade(url, "0019")  # 0013 writes the documents
        with engine.begin() as conn:
            conn.execute(text(INTERNAL), {"text": "hemlighetsfull", "id": 2})
        upgrade(url, "0020")
        postgresql = engine.dialect.name == "postgresql"
        tables = {"search_shared", "search_all"}
        columns = {c["name"] for c in inspect(engine).get_columns("search_document")}
        assert not {"doc_shared", "doc_all"} & columns
        assert (tables <= set(inspect(engine).get_table_names())) is postgresql
        shared, every = ("search_shared", "search_all") if postgresql else (None, None)
        with engine.begin() as conn:
            assert _found(conn, "undersköterska", internal=False, table=shared) == [1]
            assert _found(conn, "hemlighetsfull", internal=False, table=shared) == []
            assert _found(conn, "hemlighetsfull", internal=True, table=every) == [2]
            # the trigger (FTS5's on SQLite) keeps them when the indexer rewrites a document
            conn.execute(text("UPDATE search_document SET title = 'renskötsel' WHERE idea_id = 1"))
            conn.execute(text(INTERNAL), {"text": "", "id": 2})
            assert _found(conn, "renskötsel", internal=False, table=shared) == [1]
            assert _found(conn, "undersköterska", internal=True, table=every) == []
            assert _found(conn, "hemlighetsfull", internal=True, table=every) == []
            # and a document removed takes its vectors with it
            conn.execute(text("DELETE FROM search_document WHERE idea_id = 2"))
            assert _found(conn, "skog", internal=True, table=every) == []
            conn.execute(text(INTERNAL), {"text": "hemlighetsfull", "id": 1})
        downgrade(url, "0019")
        assert not tables & set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert _found(conn, "renskötsel", internal=False) == [1]
            assert _found(conn, "hemlighetsfull", internal=False) == []
            assert _found(conn, "hemlighetsfull", internal=True) == [1]
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 2
        upgrade(url, "0020")  # and up again, filled from the documents
        with engine.connect() as conn:
            assert _found(conn, "hemlighetsfull", internal=True, table=every) == [1]
    finally:
        engine.dispose()
