"""Highlighted snippets for search results: where each idea matched, the words marked.

A page of results gets its ideas' fields, current sections and the comments the reader may see
in three statements; each text is lemmatised like the index, the words whose lemma (or written
form) starts with a query term are marked with <mark>, and everything else is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from drafting.models import Draft, SectionComment, SectionRevision
from drafting.search.normalise import word_spans, word_spans_many
from drafting.templates import TemplateError, load_template
from pipeline.i18n import Bilingual, Text, _t
from pipeline.models import Comment, ProjectIdea, User, Visibility
from pipeline.search import prefix_of

BEFORE_CHARS = 80
AFTER_CHARS = 160
SNIPPETS_PER_IDEA = 2
WINDOW_CHARS = 1_500

FIELD_LABELS = {
    "summary": _t("Sammanfattning"),
    "background": _t("Bakgrund"),
    "purpose": _t("Syfte"),
    "target_groups": _t("Målgrupper"),
}
_COMMENT = _t("Kommentar")
_INTERNAL = _t("Intern kommentar")
_SECTION = _t("Utkast: {title}")


@dataclass
class Snippet:
    """A passage of one field with the matching words marked."""

    label: Text
    html: Markup
    kind: str  # "idea", "section", "comment" or "internal"


def _matches(lemma: str, lower: str, prefixes: Sequence[str]) -> bool:
    return any(lemma.startswith(p) or lower.startswith(p) for p in prefixes)


def highlight(
    text: str,
    terms: Sequence[str],
    *,
    whole: bool = False,
    spans: list[tuple[str, str, int, int]] | None = None,
) -> tuple[Markup, int]:
    """`text` (or a window around its first match) escaped, matches in <mark>; and their count.

    `spans` are the text's `word_spans`, when the caller lemmatised a batch of texts at once.
    """
    prefixes = [prefix_of(t) for t in terms]
    if spans is None:
        spans = word_spans(text)
    marked = [(s, e) for lemma, lower, s, e in spans if _matches(lemma, lower, prefixes)]
    if not marked:
        return Markup(""), 0
    start, end = 0, len(text)
    if not whole:
        start = max(0, marked[0][0] - BEFORE_CHARS)
        end = min(len(text), marked[0][1] + AFTER_CHARS)
        while start > 0 and not text[start - 1].isspace():
            start += 1
        while end < len(text) and not text[end].isspace():
            end += 1
    parts = ["…" if start > 0 else ""]
    at = start
    for s, e in marked:
        if s < at or e > end:
            continue
        parts += [escape(text[at:s]), Markup("<mark>"), escape(text[s:e]), Markup("</mark>")]
        at = e
    parts += [escape(text[at:end]), "…" if end < len(text) else ""]
    return Markup("").join(parts), len(marked)


def _window(text: str, terms: Sequence[str]) -> str:
    """The part of a long text worth lemmatising for a snippet: from a little before the
    first place a term's first letters occur to well past the snippet's end (the rest of a
    long section would be lemmatised only to be cut away)."""
    if len(text) <= WINDOW_CHARS:
        return text
    folded = text.lower()
    found = [p for p in (folded.find(t[:4]) for t in terms) if p >= 0]
    if not found:
        return text[:WINDOW_CHARS]
    start = max(0, min(found) - BEFORE_CHARS - 40)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start : start + WINDOW_CHARS]


def _may_hold(text: str, terms: Sequence[str]) -> bool:
    """A cheap test before lemmatising: does a term's first letters occur at all?"""
    folded = text.lower()
    return any(t[:4] in folded for t in terms)


def _texts(session: Session, actor: User, ids: list[int]) -> dict[int, list[tuple[Text, str, str]]]:
    """Every searchable text of the ideas the reader may read, as (label, kind, text)."""
    found: dict[int, list[tuple[Text, str, str]]] = {i: [] for i in ids}
    newer = aliased(SectionRevision)
    latest = (
        select(func.max(newer.number))
        .where(newer.draft_id == SectionRevision.draft_id)
        .where(newer.section_key == SectionRevision.section_key)
        .scalar_subquery()
    )
    for idea_id, template_key, key, text in session.execute(
        select(Draft.idea_id, Draft.template_key, SectionRevision.section_key, SectionRevision.text)
        .join(Draft, Draft.id == SectionRevision.draft_id)
        .where(Draft.idea_id.in_(ids), SectionRevision.number == latest)
        .order_by(SectionRevision.section_key)
    ):
        found[idea_id].append((_section_label(template_key, key), "section", text or ""))
    visibility = [Visibility.SHARED] + ([Visibility.INTERNAL] if actor.is_team else [])
    for model, idea_column in (
        (Comment, Comment.idea_id),
        (SectionComment, Draft.idea_id),
    ):
        query = select(idea_column, model.body, model.visibility).where(
            idea_column.in_(ids), model.visibility.in_(visibility)
        )
        if model is SectionComment:
            query = query.join(Draft, Draft.id == SectionComment.draft_id)
        for idea_id, body, seen_by in session.execute(query.order_by(model.id)):
            internal = seen_by == Visibility.INTERNAL
            found[idea_id].append(
                (_INTERNAL if internal else _COMMENT, "internal" if internal else "comment", body)
            )
    return found


def _section_label(template_key: str, key: str) -> Text:
    try:
        section = load_template(template_key).section(key)
    except TemplateError:
        section = None
    if section is None:
        return _SECTION.format(title=key)
    return _SECTION.format(title=Bilingual(section.title_sv, section.title_en))


def snippets_for(
    session: Session, actor: User, ideas: Sequence[ProjectIdea], terms: Sequence[str]
) -> dict[int, tuple[Markup, list[Snippet]]]:
    """For each idea: its title highlighted, and up to two passages where the terms occur."""
    terms = [t for t in terms if t]
    extra = _texts(session, actor, [i.id for i in ideas])
    titles = [idea.title or "" for idea in ideas]
    passages: list[tuple[int, Text, str, str]] = []
    for idea in ideas:
        fields = [(FIELD_LABELS[f], "idea", getattr(idea, f) or "") for f in FIELD_LABELS]
        for label, kind, text in fields + extra.get(idea.id, []):
            if text and _may_hold(text, terms):
                passages.append((idea.id, label, kind, _window(text, terms)))
    spans = word_spans_many([*titles, *(text for *_, text in passages)])
    scored: dict[int, list[tuple[int, int, Snippet]]] = {}
    for (idea_id, label, kind, text), found in zip(passages, spans[len(titles) :], strict=True):
        html, count = highlight(text, terms, spans=found)
        if count:
            mine = scored.setdefault(idea_id, [])
            mine.append((count, len(mine), Snippet(label, html, kind)))
    result: dict[int, tuple[Markup, list[Snippet]]] = {}
    for idea, found in zip(ideas, spans[: len(titles)], strict=True):
        title, _count = highlight(idea.title, terms, whole=True, spans=found)
        best = sorted(scored.get(idea.id, []), key=lambda s: (-s[0], s[1]))
        result[idea.id] = (title or escape(idea.title), [s for *_, s in best][:SNIPPETS_PER_IDEA])
    return result
