"""document frequencies by key, a narrow index for similar ideas, partial indexes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 16:00:00

Similar ideas weigh terms by how many ideas hold them. At national scale (100,000 ideas)
counting that over the full-text index for 25 terms on every idea page cost more than the
rest of the page; `search_term` holds the count per term of the similarity vectors (the row
'' holds the number of documents), filled here from the existing documents and kept by the
indexer from then on. On PostgreSQL the candidates are ranked in a narrow table of their own,
`search_similar` (the similarity vector's terms as a stripped tsvector, GIN-indexed, kept by a
trigger on search_document): ranking them in `doc_shared` read every draft section of every
match, and even a tsvector of the idea's own fields in search_document read most of that
wide table's pages.

The indexes on project_idea.reviewer_id and regional_project_id become partial (the rows
that have one): nearly every idea has neither, and an index full of NULLs told the planner,
after ANALYZE, that any value matched every row, so an idea page scanned all ideas for the
members of a regional project.

No data changes; downgrading drops the tables and the trigger, and makes the two indexes
whole again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.search import apply_term_counts, term_counts

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# The similarity vector "term:n term:n" as a tsvector of its terms.
SIMILAR_DOC = (
    "strip(to_tsvector('simple'::regconfig, regexp_replace({vector}, ':[0-9]+', '', 'g')))"
)
POSTGRESQL = [
    "CREATE TABLE search_similar (idea_id integer PRIMARY KEY "
    "REFERENCES search_document (idea_id) ON DELETE CASCADE, doc tsvector NOT NULL)",
    "CREATE INDEX ix_search_similar_doc ON search_similar USING gin (doc)",
    "CREATE FUNCTION search_similar_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO search_similar (idea_id, doc) VALUES "
    f"(NEW.idea_id, {SIMILAR_DOC.format(vector='NEW.vector')}) "
    "ON CONFLICT (idea_id) DO UPDATE SET doc = excluded.doc; RETURN NULL; END $$",
    "CREATE TRIGGER search_document_similar AFTER INSERT OR UPDATE OF vector "
    "ON search_document FOR EACH ROW EXECUTE FUNCTION search_similar_sync()",
    "INSERT INTO search_similar (idea_id, doc) "
    f"SELECT idea_id, {SIMILAR_DOC.format(vector='vector')} FROM search_document",
]


PARTIAL = (
    ("ix_project_idea_reviewer", ["reviewer_id", "stage"], "reviewer_id IS NOT NULL"),
    (
        "ix_project_idea_regional_project_id",
        ["regional_project_id"],
        "regional_project_id IS NOT NULL",
    ),
)


def _indexes(partial: bool) -> None:
    for name, columns, where in PARTIAL:
        op.drop_index(name, table_name="project_idea")
        condition = {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}
        op.create_index(name, "project_idea", columns, **(condition if partial else {}))


def upgrade() -> None:
    _indexes(partial=True)
    op.create_table(
        "search_term",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_term")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)
    vectors = bind.execute(sa.text("SELECT vector FROM search_document")).scalars()
    apply_term_counts(bind, term_counts(vectors))


def downgrade() -> None:
    _indexes(partial=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_document_similar ON search_document")
        op.execute("DROP FUNCTION IF EXISTS search_similar_sync()")
        op.execute("DROP TABLE IF EXISTS search_similar")
    op.drop_table("search_term")
