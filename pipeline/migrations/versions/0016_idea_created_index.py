"""an index on project_idea (created_at, id) for the newest ideas first

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:45:00

The regional candidates read the newest open ideas and the team's start page the newest
ideas; at national scale (100,000 ideas) both sorted the whole table on every page. The index
lets the database walk the newest rows instead. No data changes; downgrading drops the index.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_project_idea_created", "project_idea", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_project_idea_created", table_name="project_idea")
