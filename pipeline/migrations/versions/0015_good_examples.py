"""good examples: frozen section texts shared with the owning organisation's agreement

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:52:38

Two new tables. `good_example` holds a copy of one section revision's text that the support
team marked as a good example, attributed to the idea's lead organisation, with who at the
organisation agreed and on which day, who marked it and, once withdrawn, who withdrew it and
why. `good_example_principle` holds the checker's level per principle in that text alone.
Nothing existing changes; downgrading drops the two tables and keeps everything else.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "good_example",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("section_key", sa.String(length=60), nullable=False),
        sa.Column("template_key", sa.String(length=40), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("agreed_by_name", sa.String(length=120), nullable=False),
        sa.Column("agreed_by_email", sa.String(length=254), nullable=False),
        sa.Column("agreed_by_id", sa.Integer(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("marked_by_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreed_by_id"],
            ["user_account.id"],
            name=op.f("fk_good_example_agreed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft.id"],
            name=op.f("fk_good_example_draft_id_draft"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_id"],
            ["user_account.id"],
            name=op.f("fk_good_example_marked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_good_example_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["section_revision.id"],
            name=op.f("fk_good_example_revision_id_section_revision"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_good_example_withdrawn_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_example")),
    )
    with op.batch_alter_table("good_example", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_good_example_agreed_by_id"), ["agreed_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_good_example_draft_id"), ["draft_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_good_example_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_good_example_section", ["section_key", "withdrawn_at"], unique=False
        )
        batch_op.create_index(
            "uq_good_example_active",
            ["draft_id", "section_key"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )

    op.create_table(
        "good_example_principle",
        sa.Column("example_id", sa.Integer(), nullable=False),
        sa.Column("principle", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["example_id"],
            ["good_example.id"],
            name=op.f("fk_good_example_principle_example_id_good_example"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("example_id", "principle", name=op.f("pk_good_example_principle")),
    )
    with op.batch_alter_table("good_example_principle", schema=None) as batch_op:
        batch_op.create_index("ix_good_example_principle_rank", ["principle", "rank"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("good_example_principle", schema=None) as batch_op:
        batch_op.drop_index("ix_good_example_principle_rank")

    op.drop_table("good_example_principle")
    with op.batch_alter_table("good_example", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_good_example_active",
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
        batch_op.drop_index("ix_good_example_section")
        batch_op.drop_index(batch_op.f("ix_good_example_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_good_example_draft_id"))
        batch_op.drop_index(batch_op.f("ix_good_example_agreed_by_id"))

    op.drop_table("good_example")
