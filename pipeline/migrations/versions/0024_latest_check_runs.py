"""each draft's latest check run, and its findings, marked by the database

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 15:00:00

The coverage report reads each draft's latest check: its levels, and the findings most drafts
share. At national scale (30,000 drafts, 60,000 runs, 780,000 findings) finding the latest
run per draft took a grouped pass over the runs, and the common findings a probe of the
findings' index for each of 30,000 latest runs and a sort of their 134,000 findings by kind
(250 ms on PostgreSQL, 150 on SQLite). So:

* check_run.is_latest: the run with the draft's highest id; check_finding.is_latest: its
  run's. Both are kept by the database, on SQLite and PostgreSQL alike, so every writer
  (checks, restores, bulk loads) keeps them: after a run is inserted or deleted its draft's
  runs and their findings are marked again (only the rows whose mark changes are written),
  and a finding inserted takes its run's mark.
* check_finding (is_latest, rule_id, principle, check_run_id, severity, id): the latest
  runs' findings grouped by kind, in order, from the index alone; check_run (is_latest,
  draft_id, id): the latest runs without reading the rest (on SQLite a column added last
  sits behind each run's result, so reading it from the table read every result).

The marks are filled from the existing runs here. Downgrading drops the triggers, the index
and both columns; no other data changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

INDEXES = {
    "check_run": ("ix_check_run_latest", ["is_latest", "draft_id", "id"]),
    "check_finding": (
        "ix_check_finding_latest",
        ["is_latest", "rule_id", "principle", "check_run_id", "severity", "id"],
    ),
}

FILL = (
    "UPDATE check_run SET is_latest = true "
    "WHERE id IN (SELECT max(id) FROM check_run GROUP BY draft_id)",
    "UPDATE check_finding SET is_latest = true "
    "WHERE check_run_id IN (SELECT id FROM check_run WHERE is_latest)",
)


def _mark(draft: str, latest: str) -> tuple[str, str]:
    """Mark the runs of `draft` and their findings: true for `latest` (an expression of the
    draft's highest run id, NULL when it has none), false for the others; only rows whose mark
    changes are written."""
    run = f"coalesce(id = {latest}, false)"
    finding = f"coalesce(check_run_id = {latest}, false)"
    return (
        f"UPDATE check_run SET is_latest = {run} WHERE draft_id = {draft} AND is_latest <> {run}",
        f"UPDATE check_finding SET is_latest = {finding} "
        f"WHERE check_run_id IN (SELECT r.id FROM check_run r WHERE r.draft_id = {draft}) "
        f"AND is_latest <> {finding}",
    )


def _highest(draft: str) -> str:
    return f"(SELECT max(r.id) FROM check_run r WHERE r.draft_id = {draft})"


SQLITE_DDL = (
    *(
        f"CREATE TRIGGER check_run_latest_{event.lower()} AFTER {event} ON check_run BEGIN "
        + " ".join(f"{s};" for s in _mark(f"{row}.draft_id", _highest(f"{row}.draft_id")))
        + " END"
        for event, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
    ),
    "CREATE TRIGGER check_finding_latest AFTER INSERT ON check_finding BEGIN "
    "UPDATE check_finding SET is_latest = coalesce("
    "(SELECT r.is_latest FROM check_run r WHERE r.id = NEW.check_run_id), false) "
    "WHERE id = NEW.id; END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS check_run_latest_insert",
    "DROP TRIGGER IF EXISTS check_run_latest_delete",
    "DROP TRIGGER IF EXISTS check_finding_latest",
)
POSTGRESQL_DDL = (
    "CREATE FUNCTION check_run_latest() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE draft integer; latest integer; BEGIN "
    "IF TG_OP = 'DELETE' THEN draft := OLD.draft_id; ELSE draft := NEW.draft_id; END IF; "
    "SELECT max(id) INTO latest FROM check_run WHERE draft_id = draft; "
    + " ".join(f"{s};" for s in _mark("draft", "latest"))
    + " RETURN NULL; END $$",
    "CREATE TRIGGER check_run_latest AFTER INSERT OR DELETE ON check_run "
    "FOR EACH ROW EXECUTE FUNCTION check_run_latest()",
    "CREATE FUNCTION check_finding_latest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.is_latest := coalesce("
    "(SELECT r.is_latest FROM check_run r WHERE r.id = NEW.check_run_id), false); "
    "RETURN NEW; END $$",
    "CREATE TRIGGER check_finding_latest BEFORE INSERT ON check_finding "
    "FOR EACH ROW EXECUTE FUNCTION check_finding_latest()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS check_finding_latest ON check_finding",
    "DROP FUNCTION IF EXISTS check_finding_latest()",
    "DROP TRIGGER IF EXISTS check_run_latest ON check_run",
    "DROP FUNCTION IF EXISTS check_run_latest()",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("check_run", "check_finding"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("is_latest", sa.Boolean(), server_default=sa.false(), nullable=False)
            )
    for statement in FILL:
        op.execute(statement)
    for table, (name, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    for statement in POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_DROP if dialect == "postgresql" else SQLITE_DROP:
        op.execute(statement)
    for table, (name, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    for table in ("check_finding", "check_run"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("is_latest")
