"""Split plain text into template sections by recognising headings."""

from __future__ import annotations

import functools
import re

from drafting.templates import Section, Template, available_templates, load_template

UNMATCHED = "_unmatched"
MAX_HEADING_CHARS = 100
_NUMBERING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:(?:\d{1,2}|[A-Za-z]|[IVX]{1,4})(?:[.)]\d{0,2})*[.)]?\s+|\d{1,2}[.)])?"
)
_SPACES = re.compile(r"\s+")


def normalise_heading(line: str) -> str:
    """Reduce a heading line to a comparable form: no numbering, markup or case."""
    text = _NUMBERING.sub("", line.strip().strip("*_")).strip().strip("*_")
    text = text.rstrip(":：").strip()
    return _SPACES.sub(" ", text).casefold()


@functools.cache
def heading_index(template_key: str) -> dict[str, str]:
    """Map normalised titles (both templates, sv and en, aliases) to section keys."""
    index: dict[str, str] = {}
    others = [k for k in available_templates() if k != template_key]
    for key in [*others, template_key]:
        for section in load_template(key).sections:
            for title in (section.title_sv, section.title_en, *section.aliases):
                index[normalise_heading(title)] = section.key
    return index


def find_section(key: str, template: Template) -> Section | None:
    """Return the section ``key`` from ``template``, or else from another template."""
    section = template.section(key)
    if section is not None:
        return section
    for other in available_templates():
        section = load_template(other).section(key)
        if section is not None:
            return section
    return None


def match_heading(line: str, template: Template) -> str | None:
    """Return the section key a heading line names, or None if it is not a heading."""
    if not line.strip() or len(line) > MAX_HEADING_CHARS:
        return None
    return heading_index(template.key).get(normalise_heading(line))


def split_text(text: str, template: Template) -> dict[str, str]:
    """Split ``text`` into {section key: text}; text before any heading goes to "_unmatched"."""
    parts: dict[str, list[str]] = {}
    current = UNMATCHED
    buffer: list[str] = []
    for line in text.splitlines(keepends=True):
        key = match_heading(line, template)
        if key is None:
            buffer.append(line)
            continue
        if current != UNMATCHED or "".join(buffer).strip():
            parts.setdefault(current, []).append("".join(buffer))
        current, buffer = key, []
    if current != UNMATCHED or "".join(buffer).strip():
        parts.setdefault(current, []).append("".join(buffer))
    return {key: "\n\n".join(p.strip("\n") for p in chunks) for key, chunks in parts.items()}
