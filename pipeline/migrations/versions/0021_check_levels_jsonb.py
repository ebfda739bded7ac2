"""check_run.levels as JSONB on PostgreSQL

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 15:00:00

The coverage report reads every draft's latest levels, five principles from each of 30,000
check runs at national scale. A `json` value is text that PostgreSQL parses again for every
`->>`: 80 ms of the report; `jsonb` is stored parsed (6 ms for the same reads). Only the
small levels column changes: `result` keeps its keys' order as the checker wrote them.

SQLite stores JSON as text either way and is not touched. No data changes: the values are
cast both ways (a JSON object's keys come back in JSONB's order, which nothing relies on).
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _retype(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE check_run ALTER COLUMN levels TYPE {kind} USING levels::{kind}")


def upgrade() -> None:
    _retype("jsonb")


def downgrade() -> None:
    _retype("json")
