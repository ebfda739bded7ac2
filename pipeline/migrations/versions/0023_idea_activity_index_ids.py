"""the ideas' activity indexes carry the idea's id

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:30:00

Two indexes of project_idea were meant to be read alone and, on PostgreSQL, were not: an index
there does not hold the row's id as SQLite's hold the rowid.

* ix_project_idea_stage_changed (stage, stage_changed_at, updated_at) gains INCLUDE (id) on
  PostgreSQL: whether an idea has stalled also asks whether it has newer activity by id, so the
  funnel's stalled count fetched 13,000 pages of ideas at national scale (93 ms, now from the
  index alone). SQLite's index already holds the id.
* ix_project_idea_updated becomes (updated_at, id, stage, stage_changed_at): the list's default
  order is (updated_at, id), and with stage in between both databases sorted each run of equal
  times; the list's Fritext on PostgreSQL walked 19,000 ideas to fill a page of 50 (223 ms,
  now 65). The stalled list's bound still reads updated_at, stage and stage_changed_at there.

No data changes; downgrading restores both indexes as they were.
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

STAGE_CHANGED = ("ix_project_idea_stage_changed", ["stage", "stage_changed_at", "updated_at"])
UPDATED = "ix_project_idea_updated"
UPDATED_BEFORE = ["updated_at", "stage", "stage_changed_at"]
UPDATED_AFTER = ["updated_at", "id", "stage", "stage_changed_at"]


def _stage_changed(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's indexes hold the rowid, the idea's id, already
    name, columns = STAGE_CHANGED
    op.drop_index(name, table_name="project_idea")
    op.create_index(name, "project_idea", columns, postgresql_include=include)


def _updated(columns: list[str]) -> None:
    op.drop_index(UPDATED, table_name="project_idea")
    op.create_index(UPDATED, "project_idea", columns)


def upgrade() -> None:
    _stage_changed(["id"])
    _updated(UPDATED_AFTER)


def downgrade() -> None:
    _stage_changed([])
    _updated(UPDATED_BEFORE)
