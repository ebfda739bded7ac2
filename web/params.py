"""The one parser for whole numbers that arrive as text: ids, page numbers, day counts.

`str.isdigit()` accepts "²" and "١", which `int()` then refuses or reads as something else;
here only ASCII digits count, and a value must fit the database's INTEGER.
"""

from __future__ import annotations

import datetime as dt
import re

INT_MAX = 2**31 - 1  # the database's integer ids
# The dates people mean; Python's own range (years 1 to 9999) overflows date arithmetic and
# time zone conversion at its ends.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2200, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_int(raw: object, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """`raw` as an int when it is ASCII digits within [minimum, maximum], otherwise None."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def parse_id(raw: object) -> int | None:
    """A database id (1 up to INT_MAX), or None."""
    return parse_int(raw, minimum=1)


def parse_page(raw: object) -> int:
    """A page number (1 up to INT_MAX); anything else is page 1."""
    return parse_int(raw, minimum=1) or 1


# Year, month and day in that order, as people type them in both languages: 2027-03-01,
# 2027-3-1, 2027/03/01, 2027.03.01, 2027 03 01 or 20270301.
_TYPED_DATE = re.compile(r"(\d{4})(?:[-/. ]?)(\d{1,2})(?:[-/. ]?)(\d{1,2})")


def read_date(raw: object) -> dt.date | None:
    """A date typed or picked as year, month, day (see _TYPED_DATE); None for anything else."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    found = _TYPED_DATE.fullmatch(text)
    if found is None or (text.isdigit() and len(text) != 8):
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(raw: object) -> dt.date | None:
    """A typed date (read_date), moved into DATE_MIN..DATE_MAX (a filter's far past or future)."""
    day = read_date(raw)
    if day is None:
        return None
    return min(max(day, DATE_MIN), DATE_MAX)
