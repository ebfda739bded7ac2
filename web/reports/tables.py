"""A report's numbers as tables: one source for the HTML table, the CSV file and the XLSX sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Kinds of column; the writers turn each into the right type and format.
TEXT, INT, SEK, DAYS, DATE, PERCENT = "text", "int", "sek", "days", "date", "percent"
NUMERIC = frozenset({INT, SEK, DAYS, PERCENT})


@dataclass(frozen=True)
class Column:
    """A column's heading (in the reader's language) and kind of value."""

    label: str
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Table:
    """A titled table; the first column names the row. `marked` rows stand out (with a text
    column saying why, so that colour is never the only sign)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    marked: set[int] = field(default_factory=set)
    note: str = ""
    # Row index -> idea id, for a link from the row's name to the idea.
    links: dict[int, int] = field(default_factory=dict)

    def column(self, label: str) -> list[object]:
        """The values of one column, by its heading."""
        index = [c.label for c in self.columns].index(label)
        return [row[index] for row in self.rows]


def cell_value(value: object, kind: str) -> object:
    """The value as the writers store it: numbers stay numbers, dates dates, the rest text."""
    if value is None:
        return None
    if kind in {INT, SEK}:
        return int(value)
    if kind in {DAYS, PERCENT}:
        return float(value)
    if kind == DATE:
        return value.date() if isinstance(value, dt.datetime) else value
    return str(value)


def cell_text(value: object, kind: str) -> str:
    """The value as the HTML table shows it, in the reader's language ("–" when empty).

    A filter rather than a template macro: a national report has ~8,000 cells, and a Jinja
    macro call per cell was half the page's time."""
    from web.i18n import date, number, sek

    if value is None:
        return "–"
    if kind in (INT, DAYS):
        return number(value)
    if kind == SEK:
        return sek(value)
    if kind == PERCENT:
        return f"{number(value)} %"
    if kind == DATE:
        return date(value.date() if isinstance(value, dt.datetime) else value)
    return str(value)
