"""an idea's figures may be left empty

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:40:00

Participants (women, men, total), total budget and ESF share become nullable: a figure nobody
gave is NULL ("Ej angivet"), not 0. Existing values, zeros included, are kept as they are
(a stored 0 cannot be told from a typed one). Downgrading writes 0 where a figure is empty,
which is what the older schema stored for an empty field.

The check that the total covers women + men now also holds when one of them is empty (an empty
figure counts as 0 there; an empty total checks nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FIGURES = (
    "participants_women",
    "participants_men",
    "participants_total",
    "budget_total",
    "esf_share",
)


OLD_TOTAL_COVERS = "participants_total >= participants_women + participants_men"
NEW_TOTAL_COVERS = (
    "participants_total IS NULL OR participants_total >= "
    "coalesce(participants_women, 0) + coalesce(participants_men, 0)"
)


def upgrade() -> None:
    with op.batch_alter_table("project_idea", schema=None) as batch_op:
        for name in FIGURES:
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(op.f("ck_project_idea_total_covers"), type_="check")
        batch_op.create_check_constraint(op.f("ck_project_idea_total_covers"), NEW_TOTAL_COVERS)


def downgrade() -> None:
    for name in FIGURES:
        op.execute(f"UPDATE project_idea SET {name} = 0 WHERE {name} IS NULL")
    with op.batch_alter_table("project_idea", schema=None) as batch_op:
        for name in FIGURES:
            batch_op.alter_column(name, existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f("ck_project_idea_total_covers"), type_="check")
        batch_op.create_check_constraint(op.f("ck_project_idea_total_covers"), OLD_TOTAL_COVERS)
