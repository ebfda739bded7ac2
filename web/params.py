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


def parse_date(raw: object) -> dt.date | None:
    """A YYYY-MM-DD date, moved into DATE_MIN..DATE_MAX (a filter's far past or future)."""
    if not isinstance(raw, str):
        return None
    try:
        day = dt.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None
    return min(max(day, DATE_MIN), DATE_MAX)
