"""the ideas' stage index is in the board's order: (stage, stage_changed_at, id, updated_at)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 21:30:00

A board column lists its ideas by (stage_changed_at, id), the longest waiting first. With the
index's keys (stage, stage_changed_at, updated_at) neither database could read that order from
it: ties in stage_changed_at came ordered by updated_at. The board's Fritext numbers and counts
its matches per column with window functions, and SQLite sorted every match into a temporary
b-tree first (55,000 matches of a common word at national scale: about 100 ms of the board's
180). In the board's order the window reads the index as it stands.

updated_at stays in the index, after the id, so whether an idea has stalled is still read from
the index alone (on PostgreSQL the id, once an included column, is now a key).

On SQLite a database that holds planner statistics (sqlite_stat1) gets them for the new index
too: without them SQLite took it for the best index of every query on the stage, and counted
ideas through it and each idea's row instead of through the covering figures index (7 ms, then
135 at national scale).

No data changes; downgrading restores the index as 0023 left it.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

NAME = "ix_project_idea_stage_changed"
BEFORE = ["stage", "stage_changed_at", "updated_at"]
AFTER = ["stage", "stage_changed_at", "id", "updated_at"]


def _recreate(columns: list[str], include: list[str]) -> None:
    op.drop_index(NAME, table_name="project_idea")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(NAME, "project_idea", columns, postgresql_include=include)
        return
    # SQLite's indexes hold the rowid, the idea's id, already.
    op.create_index(NAME, "project_idea", columns)
    bind = op.get_bind()
    if bind.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
        bind.execute(text(f"ANALYZE {NAME}"))


def upgrade() -> None:
    _recreate(AFTER, [])


def downgrade() -> None:
    _recreate(BEFORE, ["id"])
