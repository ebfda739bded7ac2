"""the reports' figures from indexes, and each stay's length kept with the change that ends it

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 19:45:00

At 100,000 ideas every report read each idea's whole row for a few numbers, and on SQLite the
numbers sit behind the texts' overflow pages; the funnel windowed 400,000 stage changes to pair
each with the next before it could take a median. So:

* project_idea (stage, call_id, programme_area, lead_organisation_id, esf_share, esf_granted,
  submitted_on, participants_women, participants_men, participants_total, id): the figures the
  balance, participant and coverage reports add up, read from the index alone;
* check_finding (check_run_id, severity, rule_id, principle, id), replacing (check_run_id,
  severity): the common findings counted without reading the findings' texts;
* idea_partner (organisation_id, idea_id) and idea_municipality (municipality_id, idea_id),
  replacing the single-column indexes: partner roles per kommun and organisation type, a
  kommun's ideas for the kommun filter and the per-kommun reports, from the index alone;
* stage_change.stay_days: the days the idea spent in `from_stage`, ended by this change (NULL
  for an idea's first change), filled here from the history and kept by the database itself
  (a trigger on insert and on a change of created_at, on SQLite and PostgreSQL alike, so every
  writer, including restores and bulk loads, keeps it), with an index (from_stage, stay_days,
  created_at) that hands the funnel each stage's stays in order, so a median is a walk to the
  middle instead of a sort; stage_change (created_at, idea_id, from_stage, to_stage) gains
  stay_days, so the period's flows and stays are counted from one index.

Downgrading drops the column, triggers and indexes and restores the previous findings and
partner indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

FIGURES = "ix_project_idea_figures"
FIGURE_COLUMNS = [
    "stage",
    "call_id",
    "programme_area",
    "lead_organisation_id",
    "esf_share",
    "esf_granted",
    "submitted_on",
    "participants_women",
    "participants_men",
    "participants_total",
    "id",
]
FINDINGS = "ix_check_finding_run"
PARTNERS = "ix_idea_partner_organisation_id"
KOMMUNER = "ix_idea_municipality_municipality_id"
STAYS = "ix_stage_change_stays"
CREATED = "ix_stage_change_created"
CREATED_BEFORE = ["created_at", "idea_id", "from_stage", "to_stage"]


def _previous(row: str) -> str:
    """The created_at of the change before `row`'s of the same idea, in history order."""
    return (
        f"SELECT p.created_at FROM stage_change p WHERE p.idea_id = {row}.idea_id "
        f"AND (p.created_at < {row}.created_at "
        f"OR (p.created_at = {row}.created_at AND p.id < {row}.id)) "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT 1"
    )


# SQLite's UPDATE inside a trigger takes no alias: the updated row is `stage_change`.
SQLITE_STAY = f"julianday(stage_change.created_at) - julianday(({_previous('stage_change')}))"
POSTGRESQL_STAY = f"EXTRACT(EPOCH FROM c.created_at - ({_previous('c')})) / 86400.0"

# SQLite cannot assign NEW in a BEFORE trigger: after an insert, the new change and any later
# ones of the idea (a change inserted out of order shortens its successor's stay) are
# recomputed; after created_at changes, the idea's whole history is.
SQLITE_DDL = (
    "CREATE TRIGGER stage_change_stay_insert AFTER INSERT ON stage_change BEGIN "
    f"UPDATE stage_change SET stay_days = {SQLITE_STAY} "
    "WHERE idea_id = NEW.idea_id AND (created_at > NEW.created_at "
    "OR (created_at = NEW.created_at AND id >= NEW.id)); END",
    "CREATE TRIGGER stage_change_stay_update AFTER UPDATE OF created_at, idea_id "
    "ON stage_change BEGIN "
    f"UPDATE stage_change SET stay_days = {SQLITE_STAY} "
    "WHERE idea_id IN (NEW.idea_id, OLD.idea_id); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS stage_change_stay_insert",
    "DROP TRIGGER IF EXISTS stage_change_stay_update",
)
POSTGRESQL_DDL = (
    "CREATE FUNCTION stage_change_stay() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE stage_change AS c SET stay_days = {POSTGRESQL_STAY} "
    "WHERE c.idea_id = NEW.idea_id AND (TG_OP = 'UPDATE' "
    "OR (c.created_at, c.id) >= (NEW.created_at, NEW.id)); "
    "IF TG_OP = 'UPDATE' AND OLD.idea_id <> NEW.idea_id THEN "
    f"UPDATE stage_change AS c SET stay_days = {POSTGRESQL_STAY} WHERE c.idea_id = OLD.idea_id; "
    "END IF; RETURN NULL; END $$",
    "CREATE TRIGGER stage_change_stay AFTER INSERT OR UPDATE OF created_at, idea_id "
    "ON stage_change FOR EACH ROW EXECUTE FUNCTION stage_change_stay()",
)
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS stage_change_stay ON stage_change",
    "DROP FUNCTION IF EXISTS stage_change_stay()",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_index(FIGURES, "project_idea", FIGURE_COLUMNS)
    op.drop_index(FINDINGS, table_name="check_finding")
    op.create_index(
        FINDINGS, "check_finding", ["check_run_id", "severity", "rule_id", "principle", "id"]
    )
    op.drop_index(PARTNERS, table_name="idea_partner")
    op.create_index(PARTNERS, "idea_partner", ["organisation_id", "idea_id"])
    op.drop_index(KOMMUNER, table_name="idea_municipality")
    op.create_index(KOMMUNER, "idea_municipality", ["municipality_id", "idea_id"])
    with op.batch_alter_table("stage_change") as batch:
        batch.add_column(sa.Column("stay_days", sa.Float(), nullable=True))
    if dialect == "postgresql":
        op.execute(f"UPDATE stage_change AS c SET stay_days = {POSTGRESQL_STAY}")
    else:
        op.execute(f"UPDATE stage_change SET stay_days = {SQLITE_STAY}")
    op.create_index(STAYS, "stage_change", ["from_stage", "stay_days", "created_at"])
    op.drop_index(CREATED, table_name="stage_change")
    op.create_index(CREATED, "stage_change", [*CREATED_BEFORE, "stay_days"])
    for statement in POSTGRESQL_DDL if dialect == "postgresql" else SQLITE_DDL:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_DROP if dialect == "postgresql" else SQLITE_DROP:
        op.execute(statement)
    op.drop_index(STAYS, table_name="stage_change")
    op.drop_index(CREATED, table_name="stage_change")
    op.create_index(CREATED, "stage_change", CREATED_BEFORE)
    with op.batch_alter_table("stage_change") as batch:
        batch.drop_column("stay_days")
    op.drop_index(FINDINGS, table_name="check_finding")
    op.create_index(FINDINGS, "check_finding", ["check_run_id", "severity"])
    op.drop_index(PARTNERS, table_name="idea_partner")
    op.create_index(PARTNERS, "idea_partner", ["organisation_id"])
    op.drop_index(KOMMUNER, table_name="idea_municipality")
    op.create_index(KOMMUNER, "idea_municipality", ["municipality_id"])
    op.drop_index(FIGURES, table_name="project_idea")
