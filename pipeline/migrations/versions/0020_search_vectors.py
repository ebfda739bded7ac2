"""PostgreSQL's search vectors in narrow tables of their own

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00

At 100,000 ideas a common word ("deltagare" is in six ideas in ten) was counted and ranked in
`search_document.doc_shared` / `doc_all`, generated columns of a wide table whose rows also
hold every text they are made of: the planner scanned the whole table (150 MB and its TOAST)
twice per search page, 300 ms each. The same vectors in a table holding nothing else are
read in a third of that. So on PostgreSQL:

* `search_shared` (idea_id, doc): what everyone may search (title A, idea fields B, draft
  sections C, shared comments D), and `search_all` (idea_id, doc): the same with the team's
  internal comments (D), each GIN-indexed;
* both kept by one trigger on search_document (insert, or an update of a searched column),
  as `search_similar` is, so every writer (the indexer, restores, bulk loads) keeps them;
* the generated columns and their indexes are dropped: nothing reads them any more, and
  every document write computed them.

SQLite's FTS5 table is not touched. Downgrading brings back the generated columns and their
indexes (PostgreSQL computes them from the texts) and drops the tables and the trigger; no
data changes either way.
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"


def _shared(row: str = "") -> str:
    return " || ".join(
        _weighted(f"{row}{c}", w)
        for c, w in (("title", "A"), ("body", "B"), ("sections", "C"), ("shared", "D"))
    )


def _all(row: str = "") -> str:
    return f"{_shared(row)} || {_weighted(f'{row}internal', 'D')}"


TABLES = {"search_shared": _shared, "search_all": _all}
SEARCHED = "title, body, sections, shared, internal"

UPGRADE = [
    *(
        statement
        for name in TABLES
        for statement in (
            f"CREATE TABLE {name} (idea_id integer PRIMARY KEY "
            "REFERENCES search_document (idea_id) ON DELETE CASCADE, doc tsvector NOT NULL)",
            f"INSERT INTO {name} (idea_id, doc) SELECT idea_id, {TABLES[name]()} "
            "FROM search_document",
            f"CREATE INDEX ix_{name}_doc ON {name} USING gin (doc)",
        )
    ),
    "CREATE FUNCTION search_vectors_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + " ".join(
        f"INSERT INTO {name} (idea_id, doc) VALUES (NEW.idea_id, {make('NEW.')}) "
        "ON CONFLICT (idea_id) DO UPDATE SET doc = excluded.doc;"
        for name, make in TABLES.items()
    )
    + " RETURN NULL; END $$",
    f"CREATE TRIGGER search_document_vectors AFTER INSERT OR UPDATE OF {SEARCHED} "
    "ON search_document FOR EACH ROW EXECUTE FUNCTION search_vectors_sync()",
    "DROP INDEX ix_search_document_doc_shared",
    "DROP INDEX ix_search_document_doc_all",
    "ALTER TABLE search_document DROP COLUMN doc_all",
    "ALTER TABLE search_document DROP COLUMN doc_shared",
]

DOWNGRADE = [
    f"ALTER TABLE search_document ADD COLUMN doc_shared tsvector "
    f"GENERATED ALWAYS AS ({_shared()}) STORED",
    f"ALTER TABLE search_document ADD COLUMN doc_all tsvector "
    f"GENERATED ALWAYS AS ({_all()}) STORED",
    "CREATE INDEX ix_search_document_doc_shared ON search_document USING gin (doc_shared)",
    "CREATE INDEX ix_search_document_doc_all ON search_document USING gin (doc_all)",
    "DROP TRIGGER IF EXISTS search_document_vectors ON search_document",
    "DROP FUNCTION IF EXISTS search_vectors_sync()",
    "DROP TABLE IF EXISTS search_all",
    "DROP TABLE IF EXISTS search_shared",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)
