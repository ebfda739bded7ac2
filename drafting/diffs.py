"""Comparing revisions: a word-level diff of one text, and of the whole draft at two revisions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from drafting.models import Draft
from drafting.revisions import require_view, section_texts, template_for
from drafting.templates import Section
from pipeline.errors import InvalidData
from pipeline.i18n import _t
from pipeline.models import User

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class SectionDiff:
    """How one section's text changed between two revisions of the draft."""

    section: Section | None
    key: str
    old: str
    new: str
    html: Markup
    added_words: int
    removed_words: int

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def title(self, locale: str = "sv") -> str:
        return self.section.title(locale) if self.section is not None else self.key


@dataclass
class DraftDiff:
    """The differences between the draft at revision `old` and at revision `new`."""

    old: int
    new: int
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.changed]

    def summary(self, locale: str = "sv") -> str:
        """One line per changed section: words added and removed."""
        if not self.changed:
            return "Inga skillnader." if locale != "en" else "No differences."
        lines = []
        for s in self.changed:
            if locale == "en":
                lines.append(f"{s.title('en')}: +{s.added_words} words, −{s.removed_words} words")
            else:
                lines.append(f"{s.title('sv')}: +{s.added_words} ord, −{s.removed_words} ord")
        return "\n".join(lines)


def _words(tokens: Iterable[str]) -> int:
    return sum(1 for t in tokens if t.strip() and (t[0].isalnum() or t[0] == "_"))


def diff_texts(old: str, new: str) -> tuple[Markup, int, int]:
    """A word-level diff as escaped HTML with <del> and <ins>, and the words added/removed."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            removed += _words(a[i1:i2])
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            added += _words(b[j1:j2])
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(parts)), added, removed


def diff_revisions(session: Session, actor: User, draft: Draft, old: int, new: int) -> DraftDiff:
    """Compare the whole draft at two revision numbers, section by section."""
    require_view(draft.idea, actor)
    for number in (old, new):
        if not 0 <= number <= draft.revision_count:
            raise InvalidData(
                _t("Revision {n} finns inte; ansökan har revisionerna 1–{last}.").format(
                    n=number, last=draft.revision_count
                )
            )
    before = section_texts(session, draft, old)
    after = section_texts(session, draft, new)
    template = template_for(draft)
    keys = list(template.keys) + sorted((set(before) | set(after)) - set(template.keys))
    result = DraftDiff(old, new)
    for key in keys:
        a, b = before.get(key, ""), after.get(key, "")
        html, added, removed = diff_texts(a, b)
        result.sections.append(SectionDiff(template.section(key), key, a, b, html, added, removed))
    return result
