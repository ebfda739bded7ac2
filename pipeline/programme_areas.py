"""ESF programme areas per programme period, from pipeline/data/programme_areas.toml.

A programme area is stored as "<period>:<code>" ("2021-2027:A", "2007-2013:1"), so a bare "B"
or "1" is never ambiguous between periods. A call belongs to the period its opening year falls
in; an idea's area must belong to its call's period (any period when it has no call). Values
that are not in the reference data (free text written before it existed) are kept and shown as
written.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.i18n import Bilingual, Message, _t, render

DATA = Path(__file__).parent / "data" / "programme_areas.toml"
CURRENT_PERIOD = "2021-2027"
SEPARATOR = ":"


@dataclass(frozen=True)
class Area:
    period: str
    code: str
    name: Bilingual
    confirmed: bool

    @property
    def key(self) -> str:
        return f"{self.period}{SEPARATOR}{self.code}"


@dataclass(frozen=True)
class Period:
    key: str
    name: Bilingual
    first_year: int
    last_year: int
    areas: tuple[Area, ...]


@cache
def periods() -> tuple[Period, ...]:
    """Every programme period, oldest first."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    found = []
    for p in data["periods"]:
        areas = tuple(
            Area(p["key"], a["code"], Bilingual(a["sv"], a["en"]), bool(a["confirmed"]))
            for a in p["areas"]
        )
        found.append(
            Period(p["key"], Bilingual(p["sv"], p["en"]), p["first_year"], p["last_year"], areas)
        )
    return tuple(sorted(found, key=lambda p: p.first_year))


def period(key: str) -> Period | None:
    return next((p for p in periods() if p.key == key), None)


def area(value: str | None) -> Area | None:
    """The reference area a stored value names, or None (empty or free text)."""
    if not value or SEPARATOR not in value:
        return None
    period_key, code = value.split(SEPARATOR, 1)
    found = period(period_key)
    return next((a for a in found.areas if a.code == code), None) if found else None


def period_for_date(day: dt.date | None) -> Period:
    """The period a call opening on `day` belongs to (the nearest one outside them all)."""
    if day is None:
        return period(CURRENT_PERIOD)
    for candidate in periods():
        if candidate.first_year <= day.year <= candidate.last_year:
            return candidate
    return periods()[0] if day.year < periods()[0].first_year else periods()[-1]


def label(value: str | None, locale: str = "sv") -> str:
    """The full name of a stored value: "A: Öka … (ESF+ 2021–2027)"; free text as written."""
    found = area(value)
    if found is None:
        return value or ""
    name, period_name = render(found.name, locale), render(period(found.period).name, locale)
    return f"{found.code}: {name} ({period_name})"


def short_label(found: Area, locale: str = "sv") -> str:
    """An area's name within its period ("A: Öka …"), for choices grouped by period."""
    return f"{found.code}: {render(found.name, locale)}"


def check(value: str | None, call_opens: dt.date | None) -> Message | None:
    """Why `value` cannot be an idea's area under a call opening on `call_opens` (None: fine).

    Empty and free-text values written before the reference data pass (they are kept)."""
    found = area(value)
    if found is None:
        return None
    if call_opens is not None:
        wanted = period_for_date(call_opens)
        if found.period != wanted.key:
            return _t(
                "Programområdet hör till {area_period}, men utlysningen hör till "
                "{call_period}. Välj ett av utlysningens programområden."
            ).format(area_period=period(found.period).name, call_period=wanted.name)
    return None


_BARE_CODE = re.compile(r"^\s*(?:programområde\s+|po\s*)?([A-Za-z]|\d)\b[\s:.–-]*(.*)$", re.I)


def normalise(value: str | None, year: int | None = None) -> str:
    """A stored value of any earlier form as "<period>:<code>" when it names a reference area:
    "B", "Programområde A", "A: Öka …" (ESF+), "Programområde 1 Kompetensförsörjning" (by its
    name, else by `year`, else the oldest period that has the code). Anything else unchanged."""
    if not value or area(value) is not None:
        return value or ""
    match = _BARE_CODE.match(value)
    if not match:
        return value
    code, rest = match.group(1).upper(), match.group(2).strip().casefold()
    holders = [p for p in periods() if any(a.code == code for a in p.areas)]
    if not holders:
        return value
    named = [
        p
        for p in holders
        if rest and any(a.code == code and a.name.sv.casefold() == rest for a in p.areas)
    ]
    if rest and not named:
        return value  # a name Framsyn does not know: keep the text
    choice = named or holders
    if year is not None:
        dated = [p for p in choice if p.first_year <= year <= p.last_year]
        choice = dated or choice
    return f"{choice[0].key}{SEPARATOR}{code}"
