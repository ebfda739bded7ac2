"""the search index: one lemmatised document per idea, FTS5 on SQLite, GIN on PostgreSQL

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:59:00

`search_document` holds each idea's text as search terms (title, idea fields, current draft
sections, shared comments, internal comments) and a term-count vector for similar ideas.
SQLite gets an external-content FTS5 table `search_fts` kept in step by triggers; PostgreSQL
gets two generated tsvectors (`simple` configuration, weighted A-D) with GIN indexes.

The rows are written by the indexer the drafting layer registers (`flask --app web db upgrade`
has it); where none is registered the table starts empty and `flask --app web reindex-search`
fills it. Nothing else changes; downgrading drops the index and keeps every idea.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.search import reindex

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ("title", "body", "sections", "shared", "internal")

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    + ", ".join(COLUMNS)
    + ", content='search_document', content_rowid='idea_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) VALUES "
    f"(new.idea_id, {', '.join('new.' + c for c in COLUMNS)}); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(COLUMNS)}) VALUES "
    f"('delete', old.idea_id, {', '.join('old.' + c for c in COLUMNS)}); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(COLUMNS)}) VALUES "
    f"('delete', old.idea_id, {', '.join('old.' + c for c in COLUMNS)}); "
    f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) VALUES "
    f"(new.idea_id, {', '.join('new.' + c for c in COLUMNS)}); END",
]


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"


_SHARED = " || ".join(
    _weighted(c, w) for c, w in (("title", "A"), ("body", "B"), ("sections", "C"), ("shared", "D"))
)
POSTGRESQL = [
    f"ALTER TABLE search_document ADD COLUMN doc_shared tsvector "
    f"GENERATED ALWAYS AS ({_SHARED}) STORED",
    f"ALTER TABLE search_document ADD COLUMN doc_all tsvector "
    f"GENERATED ALWAYS AS ({_SHARED} || {_weighted('internal', 'D')}) STORED",
    "CREATE INDEX ix_search_document_doc_shared ON search_document USING gin (doc_shared)",
    "CREATE INDEX ix_search_document_doc_all ON search_document USING gin (doc_all)",
]


def upgrade() -> None:
    op.create_table(
        "search_document",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.Text(), nullable=False) for c in (*COLUMNS, "vector")),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["project_idea.id"],
            name=op.f("fk_search_document_idea_id_project_idea"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", name=op.f("pk_search_document")),
    )
    bind = op.get_bind()
    for statement in SQLITE if bind.dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)
    reindex(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_document_{name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_document")
