"""indexes for the start page and the funnel at national scale

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 17:00:00

At 100,000 ideas the team's start page and the funnel report read every open idea's row to
decide whether it had stalled, probed the logs once per idea, and read every stage change's
idea row. These indexes let them read the same answers from indexes alone:

* project_idea (stage, stage_changed_at, updated_at), replacing (stage, stage_changed_at),
  project_idea (updated_at, stage, stage_changed_at), for the ideas edited longest ago, and
  project_idea (title, id) of the regional projects only, for the list's choices of them;
* activity_log (idea_id, created_at), replacing (idea_id);
* draft (updated_at), for the drafts edited lately;
* stage_change (idea_id, created_at, id, to_stage), replacing (idea_id), and
  stage_change (created_at, idea_id, from_stage, to_stage).

No data changes; downgrading restores the previous indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# (table, index name, columns before, columns after); None before: a new index.
INDEXES = (
    (
        "project_idea",
        "ix_project_idea_stage_changed",
        ["stage", "stage_changed_at"],
        ["stage", "stage_changed_at", "updated_at"],
    ),
    (
        "project_idea",
        "ix_project_idea_updated",
        None,
        ["updated_at", "stage", "stage_changed_at"],
    ),
    ("activity_log", "ix_activity_log_idea_id", ["idea_id"], ["idea_id", "created_at"]),
    ("draft", "ix_draft_updated", None, ["updated_at"]),
    (
        "stage_change",
        "ix_stage_change_idea_id",
        ["idea_id"],
        ["idea_id", "created_at", "id", "to_stage"],
    ),
    (
        "stage_change",
        "ix_stage_change_created",
        None,
        ["created_at", "idea_id", "from_stage", "to_stage"],
    ),
)


REGIONAL = "ix_project_idea_regional_title"


def upgrade() -> None:
    for table, name, before, after in INDEXES:
        if before is not None:
            op.drop_index(name, table_name=table)
        op.create_index(name, table, after)
    op.create_index(
        REGIONAL,
        "project_idea",
        ["title", "id"],
        sqlite_where=sa.text("is_regional IS 1"),
        postgresql_where=sa.text("is_regional IS true"),
    )


def downgrade() -> None:
    op.drop_index(REGIONAL, table_name="project_idea")
    for table, name, before, _after in reversed(INDEXES):
        op.drop_index(name, table_name=table)
        if before is not None:
            op.create_index(name, table, before)
