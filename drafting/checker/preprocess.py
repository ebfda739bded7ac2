"""Length-preserving clean-up of draft text: control characters, markup, metadata lines."""

from __future__ import annotations

import functools
import re

from drafting.checker.rules import load_common

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ud800-\udfff]"
)
_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>|<!--.*?-->", re.DOTALL)
_BULLET = re.compile(r"^[ \t]*(?:[•\-*–·▪◦‣●]|\d{1,2}[.)])[ \t]+")
_LINE = re.compile(r"[^\n]+")
_NAME_GLUE = frozenset({"och", "i", "för", "av", "med", "på", "&", "-", "–", "ab", "ek.", "för."})


def _blank(match: re.Match[str]) -> str:
    """Replace a match by spaces, keeping its newlines."""
    return re.sub(r"[^\n]", " ", match.group())


def clean(text: str) -> str:
    """Blank out control characters, script/style blocks and markup tags (same length)."""
    text = _CONTROL.sub(" ", text)
    if "<" in text:
        text = _BLOCKS.sub(_blank, text)
        text = _TAG.sub(_blank, text)
    return text


@functools.cache
def _metadata_line() -> re.Pattern[str]:
    """Build the regex for a metadata line such as "Projektägare: ..." or "E-postx@y.se"."""
    common = load_common()
    labels = "|".join(re.escape(label) for label in sorted(common.metadata_labels, key=len)[::-1])
    after = r"(?:\s*[:：]|\s*$|(?=[A-ZÅÄÖ0-9+(])|(?=\S+@)|\s+(?=[A-ZÅÄÖ0-9][^.!?]*$))"
    return re.compile(rf"^[ \t]*(?:{labels}){after}")


def _is_organisation_line(line: str, whole_list: bool) -> bool:
    """Tell whether a line is an entry in a list of organisations."""
    stripped = line.strip()
    if not stripped or len(stripped) > 80 or stripped.endswith((".", "!", "?")):
        return False
    if whole_list:
        return True
    if not _BULLET.match(line):
        return False
    suffixes = load_common().organisation_suffixes
    words = [w.strip(",;()") for w in _BULLET.sub("", line).split()]
    words = [w for w in words if w]
    # a name: capitalised words and the words names end with ("Lycksele kommun", "Region
    # Västerbotten"), not a line of lower-case content ("Hållbar utveckling, likabehandling")
    named = [w for w in words if len(w) > 2 and w.lower().endswith(suffixes)]
    plain = [
        w
        for w in words
        if not (w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_GLUE)
        and not w.lower().endswith(suffixes)
    ]
    return bool(named) and not plain


def strip_metadata(text: str, organisation_list: bool = False) -> str:
    """Blank out form metadata lines and organisation lists (same length)."""
    limit = load_common().max_line_chars
    metadata = _metadata_line()

    def replace(match: re.Match[str]) -> str:
        line = match.group()
        if len(line.strip()) <= limit and metadata.match(line):
            return " " * len(line)
        if _is_organisation_line(line, organisation_list):
            return " " * len(line)
        return line

    return _LINE.sub(replace, text)
