"""indexes on project_idea (created_at, id) and (programme_area) for pages at national scale

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 06:45:00

The regional candidates read the newest open ideas and the team's start page the newest
ideas; at national scale (100,000 ideas) both sorted the whole table on every page, and every
board, list and search page scanned it for the programme areas in use. The indexes let the
database walk the newest rows, and step from one programme area to the next. No data changes;
downgrading drops the indexes.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_project_idea_created", "project_idea", ["created_at", "id"])
    op.create_index("ix_project_idea_programme_area", "project_idea", ["programme_area"])


def downgrade() -> None:
    op.drop_index("ix_project_idea_programme_area", table_name="project_idea")
    op.drop_index("ix_project_idea_created", table_name="project_idea")
