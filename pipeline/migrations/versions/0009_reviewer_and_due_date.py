"""an idea's assigned reviewer and the due date of a Komplettering

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:35:00

`project_idea.reviewer_id` names the support-team member who reviews the idea (NULL: nobody
yet; removing the person sets it back to NULL). `project_idea.changes_due_on` is the date by
which the requested changes are due. Existing ideas get neither. Downgrading drops both
columns and keeps everything else.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_idea", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changes_due_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_project_idea_reviewer_id_user_account"),
            "user_account",
            ["reviewer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_project_idea_reviewer", ["reviewer_id", "stage"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_idea", schema=None) as batch_op:
        batch_op.drop_index("ix_project_idea_reviewer")
        batch_op.drop_constraint(
            op.f("fk_project_idea_reviewer_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("changes_due_on")
        batch_op.drop_column("reviewer_id")
