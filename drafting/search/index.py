"""Writing the search documents: what each idea's row holds, and keeping it current.

`reindex(connection, idea_ids)` rewrites the rows of some ideas (or all) with Core statements,
so the migration's backfill, `flask reindex-search` and the session hook share it. The hook
(`install_hooks`) notes after each flush which ideas' searchable text changed (an idea's
fields, a new section revision, a comment or section comment added, changed or removed) and
rewrites their rows in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from drafting.models import Draft, SectionComment, SectionRevision
from drafting.search.normalise import normalise_many
from pipeline.models import Comment, Municipality, ProjectIdea, Visibility
from pipeline.queries.search import parse_vector
from pipeline.search import SearchDocument, register_indexer

IDEA_FIELDS = ("title", "summary", "background", "purpose", "target_groups")
CHUNK = 500
TITLE_WEIGHT = 2  # a title word counts twice in the similarity vector


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _current_sections(connection: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each idea's draft sections at their latest revision."""
    newer = aliased(SectionRevision)
    latest = (
        select(func.max(newer.number))
        .where(newer.draft_id == SectionRevision.draft_id)
        .where(newer.section_key == SectionRevision.section_key)
        .scalar_subquery()
    )
    rows = connection.execute(
        select(Draft.idea_id, SectionRevision.text)
        .join(Draft, Draft.id == SectionRevision.draft_id)
        .where(Draft.idea_id.in_(ids), SectionRevision.number == latest)
        .order_by(SectionRevision.section_key)
    )
    found: dict[int, list[str]] = {}
    for idea_id, text in rows:
        found.setdefault(idea_id, []).append(text or "")
    return found


def _comments(connection: Connection, ids: Sequence[int]) -> dict[tuple[int, bool], list[str]]:
    """Comment bodies by (idea, internal), idea comments and section comments alike."""
    found: dict[tuple[int, bool], list[str]] = {}
    idea_comments = select(Comment.idea_id, Comment.body, Comment.visibility).where(
        Comment.idea_id.in_(ids)
    )
    section_comments = (
        select(Draft.idea_id, SectionComment.body, SectionComment.visibility)
        .join(Draft, Draft.id == SectionComment.draft_id)
        .where(Draft.idea_id.in_(ids))
    )
    for statement in (idea_comments, section_comments):
        for idea_id, body, visibility in connection.execute(statement):
            internal = visibility in (Visibility.INTERNAL, Visibility.INTERNAL.value)
            found.setdefault((idea_id, internal), []).append(body or "")
    return found


def _vector(title: str, body: str, places: frozenset[str]) -> str:
    """Term counts of the idea's own fields, for similar ideas (drafts share much wording
    from the template, so they are left out); so are the names of places (two ideas are not
    alike because both name Lycksele)."""
    counts = Counter(title.split() * TITLE_WEIGHT + body.split())
    return " ".join(f"{t}:{n}" for t, n in sorted(counts.items()) if t not in places)


def _places(connection: Connection) -> frozenset[str]:
    """The words of every kommun's name, as terms."""
    names = connection.scalars(select(Municipality.name))
    return frozenset(term for name in normalise_many(names) for term in name.split())


def text_counts(connection: Connection, title: str, body: str) -> dict[str, int]:
    """Term counts of a typed title and text, as a stored similarity vector would hold them."""
    title_terms, body_terms = normalise_many([title, body])
    return parse_vector(_vector(title_terms, body_terms, _places(connection)))


def _rows(connection: Connection, ids: Sequence[int]) -> list[dict]:
    ideas = connection.execute(
        select(ProjectIdea.id, *(getattr(ProjectIdea, f) for f in IDEA_FIELDS)).where(
            ProjectIdea.id.in_(ids)
        )
    ).all()
    sections = _current_sections(connection, ids)
    comments = _comments(connection, ids)
    places = _places(connection)
    texts: list[str] = []
    for idea in ideas:
        texts += [
            idea.title or "",
            "\n\n".join(getattr(idea, f) or "" for f in IDEA_FIELDS[1:]),
            "\n\n".join(sections.get(idea.id, [])),
            "\n\n".join(comments.get((idea.id, False), [])),
            "\n\n".join(comments.get((idea.id, True), [])),
        ]
    normalised = normalise_many(texts)
    rows = []
    for position, idea in enumerate(ideas):
        title, body, section_text, shared, internal = normalised[position * 5 : position * 5 + 5]
        rows.append(
            {
                "idea_id": idea.id,
                "title": title,
                "body": body,
                "sections": section_text,
                "shared": shared,
                "internal": internal,
                "vector": _vector(title, body, places),
            }
        )
    return rows


def reindex(connection: Connection, idea_ids: Sequence[int] | None = None) -> int:
    """Rewrite the search documents of `idea_ids` (every idea for None); the number written."""
    table = SearchDocument.__table__
    if idea_ids is None:
        connection.execute(delete(table))
        idea_ids = list(connection.scalars(select(ProjectIdea.id).order_by(ProjectIdea.id)))
    written = 0
    for chunk in _chunks(sorted(set(idea_ids))):
        rows = _rows(connection, chunk)
        connection.execute(delete(table).where(table.c.idea_id.in_(chunk)))
        if rows:
            connection.execute(insert(table), rows)
        written += len(rows)
    return written


# --- keeping the index current ---------------------------------------------------------------

_PENDING = "framsyn.search.pending"


def _text_changed(idea: ProjectIdea) -> bool:
    state = inspect(idea)
    return any(state.attrs[f].history.has_changes() for f in IDEA_FIELDS)


def _note_changes(session: Session, _context) -> None:
    """After a flush: which ideas (and drafts) hold searchable text that changed."""
    ideas, drafts = session.info.setdefault(_PENDING, (set(), set()))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ProjectIdea):
            if obj in session.deleted:
                continue
            if obj in session.new or _text_changed(obj):
                ideas.add(obj.id)
        elif isinstance(obj, Comment):
            ideas.add(obj.idea_id)
        elif isinstance(obj, SectionRevision | SectionComment):
            drafts.add(obj.draft_id)


def _write_changes(session: Session, _context) -> None:
    """Rewrite the noted ideas' documents on the flush's own connection."""
    ideas, drafts = session.info.pop(_PENDING, (set(), set()))
    if not ideas and not drafts:
        return
    connection = session.connection()
    if drafts:
        ideas |= set(connection.scalars(select(Draft.idea_id).where(Draft.id.in_(drafts))))
    existing = set(connection.scalars(select(ProjectIdea.id).where(ProjectIdea.id.in_(ideas))))
    reindex(connection, sorted(existing))


def install_hooks() -> None:
    """Keep the index current on every session's flush, and let migrations backfill it."""
    register_indexer(reindex)
    for name, hook in (("after_flush", _note_changes), ("after_flush_postexec", _write_changes)):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
