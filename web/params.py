"""The one parser for whole numbers that arrive as text: ids, page numbers, day counts.

`str.isdigit()` accepts "²" and "١", which `int()` then refuses or reads as something else;
here only ASCII digits count, and a value must fit the database's INTEGER.
"""

from __future__ import annotations

import re

INT_MAX = 2**31 - 1  # the database's integer ids

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
