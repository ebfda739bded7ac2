"""Figures the database keeps per kommun and stage, so the regional balance need not add up
every idea in each of its kommuner (migration 0026).

`kommun_stage_tally` holds, per kommun and stage, how many ideas concern the kommun and their
ESF shares (all, of the submitted ones) and grants: the regional balance's "ideas per kommun"
table for the whole portfolio. Triggers on idea_municipality and project_idea keep it, on
SQLite and PostgreSQL alike, so every writer (the app, restores, bulk loads) keeps it. It is a
table of the database only, outside the models, so backups leave it out and a restore rebuilds
it as the rows go in. A filtered report (a kommun, a call, a programme area) adds up its ideas
live: they are few.

At national scale (100,000 ideas in 160,000 idea-kommun rows) adding them up took 180 ms on
SQLite and 140 on PostgreSQL, most of the balance report; the tally is 3,800 rows.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, Text
from sqlalchemy.sql.expression import column, table

KOMMUN_STAGE_TALLY = "kommun_stage_tally"
DATABASE_ONLY = frozenset({KOMMUN_STAGE_TALLY})

kommun_stage_tally = table(
    KOMMUN_STAGE_TALLY,
    column("municipality_id", Integer),
    column("stage", Text),
    column("ideas", Integer),
    column("esf_share", BigInteger),
    column("esf_applied", BigInteger),
    column("esf_granted", BigInteger),
)
