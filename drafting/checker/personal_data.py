"""Detect personal data that does not belong in an application."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafting.checker.rules import load_common

_PERSONNUMMER = re.compile(
    r"(?<![\d\w+-])((?:19|20)?)(\d{2})(\d{2})(\d{2})[ ]?([-+]?)[ ]?(\d{3})(\d)(?![\d\w])"
)
_MOBILE = re.compile(
    r"(?<![\d\w+])(?:(?:\+46|0046)[ -]?\(?0?\)?[ -]?|0)7[02369](?:[ -]?\d){7}(?![\d\w])"
)
_DIGITS = re.compile(r"\d{6}")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@((?:[\w-]{1,63}\.){1,8}[A-Za-z]{2,24})\b")


@dataclass(frozen=True)
class PersonalData:
    """A piece of personal data: its kind ("personnummer", "private_email", "mobile_phone")."""

    kind: str
    start: int
    end: int
    masked: str


def luhn_valid(digits: str) -> bool:
    """Return True if the digit string passes the Luhn checksum."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def is_personnummer(text: str) -> bool:
    """Return True if ``text`` is a valid Swedish personnummer or samordningsnummer."""
    match = _PERSONNUMMER.fullmatch(text.strip())
    return match is not None and _valid(match)


def _valid(match: re.Match[str]) -> bool:
    """Check the date part and the Luhn checksum of a personnummer match."""
    _, year, month, day, _, serial, check = match.groups()
    if not 1 <= int(month) <= 12:
        return False
    day_number = int(day) - 60 if int(day) > 60 else int(day)
    if not 1 <= day_number <= 31:
        return False
    return luhn_valid(year + month + day + serial + check)


def _mask(text: str, keep: int = 3) -> str:
    """Hide all but the first ``keep`` characters (separators stay visible)."""
    return text[:keep] + re.sub(r"[\w.]", "*", text[keep:])


def find_personal_data(text: str) -> Iterator[PersonalData]:
    """Yield personnummer, private e-mail addresses and mobile numbers found in ``text``."""
    taken: list[tuple[int, int]] = []
    digits = _DIGITS.search(text) is not None
    for match in _PERSONNUMMER.finditer(text) if digits else ():
        if _valid(match):
            taken.append(match.span())
            yield PersonalData("personnummer", *match.span(), _mask(match.group(), 2))
    for match in _MOBILE.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e in taken):
            yield PersonalData("mobile_phone", *match.span(), _mask(match.group(), 4))
    domains = load_common().private_email_domains
    for match in _EMAIL.finditer(text) if "@" in text else ():
        if match.group(1).lower() in domains:
            local, domain = match.group().split("@", 1)
            yield PersonalData("private_email", *match.span(), f"{_mask(local, 1)}@{domain}")
