"""a draft's structured budget, saved as revisions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:58:00

`budget_revision` holds each saved budget of a draft as JSON, numbered with the draft's
revisions like `section_revision`. Nothing existing changes: drafts without a budget keep
their free-text budget section. Downgrading drops the table (and the budgets in it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "editor",
                "restore",
                "import",
                name="budget_revision_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_budget_revision_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["base_revision_id"],
            ["budget_revision.id"],
            name=op.f("fk_budget_revision_base_revision_id_budget_revision"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
            name=op.f("fk_budget_revision_draft_id_draft"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_revision")),
        sa.UniqueConstraint("draft_id", "number", name=op.f("uq_budget_revision_draft_number")),
    )


def downgrade() -> None:
    op.drop_table("budget_revision")
