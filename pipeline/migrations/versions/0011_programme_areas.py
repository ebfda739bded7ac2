"""programme areas as reference data: stored as "<period>:<code>"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:40:00

Programme areas were free text: bare ESF+ codes ("B"), the idea form's full ESF+ names ("A: Öka
möjligheten …"), "Programområde A" from the call form, and 2007–2013 names from the project bank
("Programområde 1 Kompetensförsörjning"). They now name an entry of
pipeline/data/programme_areas.toml as "<period>:<code>" ("2021-2027:B", "2007-2013:1"). A value
that names a known area is rewritten; an idea's 2007–2013/2014–2020 code is told apart by its
name, else by the year of its call or project start. Anything else (free text) is kept as it is.
No column changes. Downgrading writes ESF+ areas back as their bare code and the older ones as
"Programområde <code> <name>".

The reference data is copied below as it was at this revision, so the migration does the same
thing whatever the data file says later.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# period: (first year, last year, {code: Swedish name})
PERIODS = {
    "2007-2013": (2007, 2013, {"1": "Kompetensförsörjning", "2": "Ökat arbetskraftsutbud"}),
    "2014-2020": (
        2014,
        2020,
        {
            "1": "Kompetensförsörjning",
            "2": "Ökade övergångar till arbete",
            "3": "Sysselsättningsinitiativet för unga",
        },
    ),
    "2021-2027": (
        2021,
        2027,
        {
            "A": "Öka möjligheten till ett inkluderande och hållbart arbetsliv för alla",
            "B": "Öka möjligheten till arbete",
            "C": "Minska risken för ekonomisk utsatthet",
            "D": "Öka kapaciteten i den glesa geografin",
            "E": "Social innovation",
            "F": "Motverka materiell fattigdom",
        },
    ),
}
_CODE = re.compile(r"^\s*(?:programområde\s+|po\s*)?([A-Za-z]|\d)\b[\s:.–-]*(.*)$", re.I)


def normalise(value: str | None, year: int | None) -> str | None:
    """The "<period>:<code>" a stored value names, or None to keep it unchanged."""
    if not value or ":" in value and value.split(":", 1)[0] in PERIODS:
        return None
    match = _CODE.match(value)
    if not match:
        return None
    code, rest = match.group(1).upper(), match.group(2).strip().casefold()
    holders = [k for k, (_a, _b, areas) in PERIODS.items() if code in areas]
    if rest:
        holders = [k for k in holders if PERIODS[k][2][code].casefold() == rest]
    if not holders:
        return None
    if year is not None:
        dated = [k for k in holders if PERIODS[k][0] <= year <= PERIODS[k][1]]
        holders = dated or holders
    return f"{holders[0]}:{code}"


def _year(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        return int(value[:4]) if value[:4].isdigit() else None
    return value.year


def upgrade() -> None:
    conn = op.get_bind()
    calls = sa.table(
        "call", sa.column("id"), sa.column("programme_area"), sa.column("opens", sa.Date())
    )
    ideas = sa.table(
        "project_idea",
        sa.column("id"),
        sa.column("programme_area"),
        sa.column("call_id"),
        sa.column("period_start", sa.Date()),
    )
    opens = {}
    for id_, area, day in conn.execute(
        sa.select(calls.c.id, calls.c.programme_area, calls.c.opens)
    ):
        opens[id_] = _year(day)
        new = normalise(area, opens[id_])
        if new is not None:
            conn.execute(sa.update(calls).where(calls.c.id == id_).values(programme_area=new))
    rows = conn.execute(
        sa.select(ideas.c.id, ideas.c.programme_area, ideas.c.call_id, ideas.c.period_start)
    ).all()
    for id_, area, call_id, start in rows:
        new = normalise(area, opens.get(call_id) or _year(start))
        if new is not None:
            conn.execute(sa.update(ideas).where(ideas.c.id == id_).values(programme_area=new))


def _old_form(value: str) -> str | None:
    period, _sep, code = value.partition(":")
    if period not in PERIODS or code not in PERIODS[period][2]:
        return None
    if period == "2021-2027":
        return code
    return f"Programområde {code} {PERIODS[period][2][code]}"


def downgrade() -> None:
    conn = op.get_bind()
    for name in ("call", "project_idea"):
        clause = sa.table(name, sa.column("id"), sa.column("programme_area"))
        for id_, area in conn.execute(sa.select(clause.c.id, clause.c.programme_area)).all():
            old = _old_form(area or "")
            if old is not None:
                conn.execute(sa.update(clause).where(clause.c.id == id_).values(programme_area=old))
