"""the funnel's flows per stage from covering indexes

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:00:00

The funnel counts, per stage, the distinct ideas that entered it (to_stage) and left it
(from_stage) in the period: at national scale 180,000 of 416,000 stage changes a year. The
ideas in were read from (created_at, ...) and sorted by stage; the ideas out were read from
the stays' index (from_stage, stay_days, created_at), and PostgreSQL fetched every change's row
for its idea. So:

* stage_change (to_stage, created_at, idea_id): each stage's changes of the period in order,
  from the index alone;
* the stays' index gains idea_id (from_stage, stay_days, created_at, idea_id): the ideas out
  from the index alone, and the medians still walk each stage's stays in order of length.

Measured on 100,000 ideas: ideas in 142 ms became 53 on PostgreSQL and about 160 became 105
on SQLite; ideas out 179 ms became 65 on PostgreSQL (SQLite keeps reading them by date).
No data changes; downgrading drops the new index and restores the stays' index as it was.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

ENTERED = "ix_stage_change_entered"
STAYS = "ix_stage_change_stays"
STAYS_BEFORE = ["from_stage", "stay_days", "created_at"]


def upgrade() -> None:
    op.create_index(ENTERED, "stage_change", ["to_stage", "created_at", "idea_id"])
    op.drop_index(STAYS, table_name="stage_change")
    op.create_index(STAYS, "stage_change", [*STAYS_BEFORE, "idea_id"])


def downgrade() -> None:
    op.drop_index(STAYS, table_name="stage_change")
    op.create_index(STAYS, "stage_change", STAYS_BEFORE)
    op.drop_index(ENTERED, table_name="stage_change")
