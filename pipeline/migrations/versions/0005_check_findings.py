"""check findings as rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:00:00

Copies each check run's findings out of its JSON result into rows the portfolio reports can
count in SQL. Existing runs are backfilled; the JSON stays the full record.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    op.create_table(
        "check_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_run_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=120), nullable=False),
        sa.Column("principle", sa.String(length=40), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("section", sa.String(length=60), nullable=True),
        sa.Column("message_sv", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_run_id"],
            ["check_run.id"],
            name=op.f("fk_check_finding_check_run_id_check_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_finding")),
    )
    with op.batch_alter_table("check_finding", schema=None) as batch_op:
        batch_op.create_index("ix_check_finding_run", ["check_run_id", "severity"], unique=False)
    _backfill()


def _backfill() -> None:
    """Copy the findings of every existing run, a batch of runs at a time."""
    conn = op.get_bind()
    runs = sa.table("check_run", sa.column("id", sa.Integer), sa.column("result", sa.JSON))
    rows = sa.table(
        "check_finding",
        sa.column("check_run_id", sa.Integer),
        sa.column("rule_id", sa.String),
        sa.column("principle", sa.String),
        sa.column("severity", sa.String),
        sa.column("section", sa.String),
        sa.column("message_sv", sa.Text),
        sa.column("message_en", sa.Text),
    )
    last = 0
    while True:
        batch = conn.execute(
            sa.select(runs.c.id, runs.c.result)
            .where(runs.c.id > last)
            .order_by(runs.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        values = []
        for run_id, result in batch:
            if isinstance(result, str):
                result = json.loads(result)
            for finding in (result or {}).get("findings", []):
                section = finding.get("section") or None
                values.append(
                    {
                        "check_run_id": run_id,
                        "rule_id": str(finding.get("rule_id", ""))[:120],
                        "principle": finding.get("principle"),
                        "severity": str(finding.get("severity", "info"))[:10],
                        "section": str(section)[:60] if section else None,
                        "message_sv": finding.get("message_sv") or "",
                        "message_en": finding.get("message_en") or "",
                    }
                )
        if values:
            conn.execute(rows.insert(), values)
        last = batch[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("check_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_check_finding_run")
    op.drop_table("check_finding")
