"""Writing the search documents: what each idea's row holds, and keeping it current.

`reindex(connection, idea_ids)` rewrites the rows of some ideas (or all) with Core statements,
so the migration's backfill, `flask reindex-search` and the session hook share it. The hook
(`install_hooks`) notes after each flush which ideas' searchable text changed (an idea's
fields, a new section revision, a comment or section comment added, changed or removed) and
rewrites their rows in the same transaction.

Rewriting documents also keeps `search_term` (how many documents' similarity vectors hold
each term) exact: the change is the difference between the old and the new vectors. Core
callers apply it at once; the session hook gathers it per transaction and applies it in one
statement, in term order, just before the commit, so that the shared counts are locked for a
moment at the end of a transaction, never while a request goes on working (or in an order
that could deadlock two writers), and nothing is counted for a savepoint that rolls back.
`reindex(connection)` of every idea rebuilds the counts from nothing.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, delete, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction, aliased

from drafting.models import Draft, SectionComment, SectionRevision
from drafting.search.normalise import normalise_many
from pipeline.models import Comment, Municipality, ProjectIdea, Visibility
from pipeline.search import (
    SearchDocument,
    SearchTerm,
    apply_term_counts,
    parse_vector,
    register_indexer,
    term_counts,
)

IDEA_FIELDS = ("title", "summary", "background", "purpose", "target_groups")
CHUNK = 500
TITLE_WEIGHT = 2  # a title word counts twice in the similarity vector


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _latest_sections_statement():
    newer = aliased(SectionRevision)
    latest = (
        select(func.max(newer.number))
        .where(newer.draft_id == SectionRevision.draft_id)
        .where(newer.section_key == SectionRevision.section_key)
        .scalar_subquery()
    )
    return (
        select(Draft.idea_id, SectionRevision.text)
        .join(Draft, Draft.id == SectionRevision.draft_id)
        .where(
            Draft.idea_id.in_(bindparam("ids", expanding=True)), SectionRevision.number == latest
        )
        .order_by(SectionRevision.section_key)
    )


# Built once: the statements' construction cost more than running them on a few ideas.
_LATEST_SECTIONS = _latest_sections_statement()
_IDEA_COMMENTS = select(Comment.idea_id, Comment.body, Comment.visibility).where(
    Comment.idea_id.in_(bindparam("ids", expanding=True))
)
_SECTION_COMMENTS = (
    select(Draft.idea_id, SectionComment.body, SectionComment.visibility)
    .join(Draft, Draft.id == SectionComment.draft_id)
    .where(Draft.idea_id.in_(bindparam("ids", expanding=True)))
)
_IDEAS = select(ProjectIdea.id, *(getattr(ProjectIdea, f) for f in IDEA_FIELDS)).where(
    ProjectIdea.id.in_(bindparam("ids", expanding=True))
)
_PLACE_NAMES = select(Municipality.name)


def _current_sections(connection: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each idea's draft sections at their latest revision."""
    found: dict[int, list[str]] = {}
    for idea_id, text in connection.execute(_LATEST_SECTIONS, {"ids": list(ids)}):
        found.setdefault(idea_id, []).append(text or "")
    return found


def _comments(connection: Connection, ids: Sequence[int]) -> dict[tuple[int, bool], list[str]]:
    """Comment bodies by (idea, internal), idea comments and section comments alike."""
    found: dict[tuple[int, bool], list[str]] = {}
    for statement in (_IDEA_COMMENTS, _SECTION_COMMENTS):
        for idea_id, body, visibility in connection.execute(statement, {"ids": list(ids)}):
            internal = visibility in (Visibility.INTERNAL, Visibility.INTERNAL.value)
            found.setdefault((idea_id, internal), []).append(body or "")
    return found


def _vector(title: str, body: str, places: frozenset[str]) -> str:
    """Term counts of the idea's own fields, for similar ideas (drafts share much wording
    from the template, so they are left out); so are the names of places (two ideas are not
    alike because both name Lycksele)."""
    counts = Counter(title.split() * TITLE_WEIGHT + body.split())
    return " ".join(f"{t}:{n}" for t, n in sorted(counts.items()) if t not in places)


def place_terms(connection: Connection) -> frozenset[str]:
    """The words of every kommun's name, as terms."""
    return _terms_of_names(tuple(sorted(connection.scalars(_PLACE_NAMES))))


@functools.lru_cache(maxsize=8)
def _terms_of_names(names: tuple[str, ...]) -> frozenset[str]:
    """The kommun names' terms (lemmatised once per set of names, not on every write)."""
    return frozenset(term for name in normalise_many(names) for term in name.split())


def text_counts(connection: Connection, title: str, body: str) -> dict[str, int]:
    """Term counts of a typed title and text, as a stored similarity vector would hold them."""
    title_terms, body_terms = normalise_many([title, body])
    return parse_vector(_vector(title_terms, body_terms, place_terms(connection)))


def _rows(connection: Connection, ids: Sequence[int]) -> list[dict]:
    ideas = connection.execute(_IDEAS, {"ids": list(ids)}).all()
    sections = _current_sections(connection, ids)
    comments = _comments(connection, ids)
    places = place_terms(connection)
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
    return [
        document_row(idea.id, *normalised[position * 5 : position * 5 + 5], places=places)
        for position, idea in enumerate(ideas)
    ]


def document_row(
    idea_id: int,
    title: str,
    body: str,
    sections: str,
    shared: str,
    internal: str,
    *,
    places: frozenset[str],
) -> dict:
    """One `search_document` row from an idea's already normalised texts."""
    return {
        "idea_id": idea_id,
        "title": title,
        "body": body,
        "sections": sections,
        "shared": shared,
        "internal": internal,
        "vector": _vector(title, body, places),
    }


_SELECT_VECTORS = select(SearchDocument.idea_id, SearchDocument.vector).where(
    SearchDocument.idea_id.in_(bindparam("ids", expanding=True))
)


def reindex(
    connection: Connection, idea_ids: Sequence[int] | None = None, *, change: Counter | None = None
) -> int:
    """Rewrite the search documents of `idea_ids` (every idea for None); the number written.

    The term counts change with them: at once, or added to `change` for the caller to apply.
    """
    table = SearchDocument.__table__
    pending: Counter = Counter() if change is None else change
    counting = True
    if idea_ids is None:
        # The migration that made the index (0013) fills it before the one that made the
        # counts (0017), which counts what is there.
        counting = inspect(connection).has_table(SearchTerm.__tablename__)
        connection.execute(delete(table))
        if counting:
            connection.execute(delete(SearchTerm.__table__))
        idea_ids = list(connection.scalars(select(ProjectIdea.id).order_by(ProjectIdea.id)))
    written = 0
    for chunk in _chunks(sorted(set(idea_ids))):
        old = [row.vector for row in connection.execute(_SELECT_VECTORS, {"ids": list(chunk)})]
        rows = _rows(connection, chunk)
        connection.execute(delete(table).where(table.c.idea_id.in_(chunk)))
        if rows:
            connection.execute(insert(table), rows)
        pending.update(term_counts(row["vector"] for row in rows))
        pending.subtract(term_counts(old))
        written += len(rows)
    if change is None and counting:
        apply_term_counts(connection, pending)
    return written


def write_documents(connection: Connection, rows: Sequence[dict]) -> None:
    """Insert new search documents (rows of `document_row`) and count their terms."""
    for start in range(0, len(rows), CHUNK * 10):
        connection.execute(insert(SearchDocument), rows[start : start + CHUNK * 10])
    apply_term_counts(connection, term_counts(row["vector"] for row in rows))


# --- keeping the index current ---------------------------------------------------------------

_PENDING = "framsyn.search.pending"
_COUNTS = "framsyn.search.counts"  # {session transaction: Counter of term counts}


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
    """Rewrite the noted ideas' documents on the flush's own connection; their term counts
    wait in the current transaction's change."""
    ideas, drafts = session.info.pop(_PENDING, (set(), set()))
    if not ideas and not drafts:
        return
    connection = session.connection()
    if drafts:
        ideas |= set(connection.scalars(select(Draft.idea_id).where(Draft.id.in_(drafts))))
    existing = set(connection.scalars(select(ProjectIdea.id).where(ProjectIdea.id.in_(ideas))))
    transaction = session.get_nested_transaction() or session.get_transaction()
    changes = session.info.setdefault(_COUNTS, {})
    reindex(connection, sorted(existing), change=changes.setdefault(transaction, Counter()))


def _apply_counts(session: Session) -> None:
    """Before the outermost commit: flush what is left, then apply the gathered counts."""
    if session.in_nested_transaction():
        return
    session.flush()
    changes = session.info.pop(_COUNTS, {})
    total: Counter = Counter()
    for change in changes.values():
        total.update(change)
    if total:
        apply_term_counts(session.connection(), total)


def _keep_counts(session: Session) -> None:
    """A savepoint committed: its counts become its parent's."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    changes = session.info.get(_COUNTS)
    if not changes or transaction is None or transaction not in changes:
        return
    parent = transaction.parent
    change = changes.pop(transaction)
    if parent is not None:
        changes.setdefault(parent, Counter()).update(change)


def _drop_counts(session: Session, transaction: SessionTransaction) -> None:
    """A transaction ended: whatever it still gathered was rolled back (or is stale)."""
    changes = session.info.get(_COUNTS)
    if changes:
        changes.pop(transaction, None)
        if transaction.parent is None:
            changes.clear()


def install_hooks() -> None:
    """Keep the index current on every session's flush, and let migrations backfill it."""
    register_indexer(reindex)
    for name, hook in (
        ("after_flush", _note_changes),
        ("after_flush_postexec", _write_changes),
        ("before_commit", _apply_counts),
        ("after_commit", _keep_counts),
        ("after_transaction_end", _drop_counts),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
