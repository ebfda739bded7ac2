"""check runs keep each part of a result once; jobs lose their own heartbeat

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 23:30:00

A check run kept its levels three times (the ``levels`` column, the result JSON's "levels" and
each principle's "level") and its findings twice (``check_finding`` rows and the JSON). The
column and the rows stay, because the board and the portfolio reports query them in SQL; the
rows gain the fields only the JSON had (offsets, evidence, source), and the JSON keeps the rest.
Existing runs are rewritten a batch at a time; the downgrade puts the JSON back together.

``job.heartbeat_at`` goes: RQ's own heartbeat and started-job registry tell when a worker died
(the column was only ever a liveness signal, kept by a thread of the job itself).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 200

RUNS = sa.table(
    "check_run",
    sa.column("id", sa.Integer),
    sa.column("levels", sa.JSON),
    sa.column("result", sa.JSON),
)
FINDINGS = sa.table(
    "check_finding",
    sa.column("id", sa.Integer),
    sa.column("check_run_id", sa.Integer),
    sa.column("rule_id", sa.String),
    sa.column("principle", sa.String),
    sa.column("severity", sa.String),
    sa.column("section", sa.String),
    sa.column("message_sv", sa.Text),
    sa.column("message_en", sa.Text),
    sa.column("span_start", sa.Integer),
    sa.column("span_end", sa.Integer),
    sa.column("evidence", sa.Text),
    sa.column("source_url", sa.Text),
)


def _json(value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value or {})


def _row(run_id: int, finding: dict[str, Any]) -> dict[str, Any]:
    section = finding.get("section") or None
    return {
        "check_run_id": run_id,
        "rule_id": str(finding.get("rule_id", ""))[:120],
        "principle": finding.get("principle"),
        "severity": str(finding.get("severity", "info"))[:10],
        "section": str(section)[:60] if section else None,
        "message_sv": finding.get("message_sv") or "",
        "message_en": finding.get("message_en") or "",
        "span_start": finding.get("start"),
        "span_end": finding.get("end"),
        "evidence": finding.get("evidence") or "",
        "source_url": finding.get("source_url"),
    }


def _batches(conn):
    last = 0
    while True:
        batch = conn.execute(
            sa.select(RUNS.c.id, RUNS.c.levels, RUNS.c.result)
            .where(RUNS.c.id > last)
            .order_by(RUNS.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_status_heartbeat")
        batch_op.drop_column("heartbeat_at")
        batch_op.create_index("ix_job_status", ["status"], unique=False)
    with op.batch_alter_table("check_finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("span_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("span_end", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("source_url", sa.Text(), nullable=True))
    conn = op.get_bind()
    for batch in _batches(conn):
        for run_id, levels, result in batch:
            result, levels = _json(result), _json(levels)
            for key, value in _json(result.pop("levels", None)).items():
                levels.setdefault(key, value)
            principles = _json(result.get("principles"))
            for key, principle in principles.items():
                levels.setdefault(key, str(principle.pop("level", "absent")))
            if principles:
                result["principles"] = principles
            if "findings" in result:  # the JSON was the full record: the rows follow it
                findings = result.pop("findings") or []
                conn.execute(FINDINGS.delete().where(FINDINGS.c.check_run_id == run_id))
                if findings:
                    conn.execute(FINDINGS.insert(), [_row(run_id, f) for f in findings])
            conn.execute(
                RUNS.update().where(RUNS.c.id == run_id).values(levels=levels, result=result)
            )


def downgrade() -> None:
    conn = op.get_bind()
    for batch in _batches(conn):
        ids = [run_id for run_id, _levels, _result in batch]
        rows: dict[int, list[dict]] = {run_id: [] for run_id in ids}
        for row in conn.execute(
            sa.select(FINDINGS).where(FINDINGS.c.check_run_id.in_(ids)).order_by(FINDINGS.c.id)
        ).mappings():
            rows[row["check_run_id"]].append(
                {
                    "rule_id": row["rule_id"],
                    "principle": row["principle"],
                    "severity": row["severity"],
                    "message_sv": row["message_sv"],
                    "message_en": row["message_en"],
                    "section": row["section"],
                    "start": row["span_start"],
                    "end": row["span_end"],
                    "evidence": row["evidence"] or "",
                    "source_url": row["source_url"],
                }
            )
        for run_id, levels, result in batch:
            result, levels = _json(result), _json(levels)
            result["levels"] = levels
            result["findings"] = rows[run_id]
            principles = _json(result.get("principles"))
            for key, principle in principles.items():
                principle["level"] = levels.get(key, "absent")
            if principles:
                result["principles"] = principles
            conn.execute(RUNS.update().where(RUNS.c.id == run_id).values(result=result))
    with op.batch_alter_table("check_finding", schema=None) as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("evidence")
        batch_op.drop_column("span_end")
        batch_op.drop_column("span_start")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_status")
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_job_status_heartbeat", ["status", "heartbeat_at"], unique=False)
    # A running job's last sign of life was its start.
    op.execute("UPDATE job SET heartbeat_at = started_at WHERE started_at IS NOT NULL")
