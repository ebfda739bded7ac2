"""The search index's table and its SQL: full-text matching on already normalised terms.

One `search_document` row per idea holds its text, lemmatised by the drafting layer (pipeline
knows no language pipeline), split by who may read it: the title, the idea's own fields, the
draft's current sections, the shared comments and the team's internal comments. Keeping the
internal comments in their own column keeps scoping in SQL: only the team's queries look there.

* SQLite: an external-content FTS5 table `search_fts` over those columns, kept in step by
  triggers; matching with MATCH, ranking with bm25() and per-column weights.
* PostgreSQL: two GIN-indexed tsvectors per idea with the `simple` configuration (the text is
  already lemmatised the same way as on SQLite, so a Swedish stemmer on top would only make the
  two databases disagree), each in a narrow table of its own kept by a trigger on
  search_document: `search_shared` (everything but the internal comments) and `search_all`.
  Field weights are tsvector weights (title A, idea fields B, sections C, comments D). The
  candidates for similar ideas are ranked in a third, `search_similar` (each similarity
  vector's terms, stripped). Counting or ranking a common word reads every matching vector,
  and read beside the texts they are made of (as generated columns of search_document once
  were) that cost three times as much (migration 0020).

`search_term` holds, for every term of the similarity vectors, how many documents hold it (the
row '' holds the number of documents): the document frequencies of similar ideas, kept by the
indexer, looked up by key instead of counted over the index on every idea page.

Queries take terms (lemmas); each matches as a prefix, so "kompetens" finds
"kompetensutveckling". The indexer itself is registered by the drafting layer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Integer,
    Text,
    bindparam,
    false,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import Select, TableClause, column, table

from pipeline.db import Base
from pipeline.tallies import DATABASE_ONLY as TALLIES

FTS_TABLE = "search_fts"
SIMILAR_TABLE = "search_similar"  # PostgreSQL only
SHARED_TABLE = "search_shared"  # PostgreSQL only: what everyone may search
ALL_TABLE = "search_all"  # PostgreSQL only: the same and the team's internal comments
# What the database holds beyond the models (FTS5 and its shadow tables; PostgreSQL's
# trigger-kept vector tables and their GIN indexes; the reports' trigger-kept tallies): schema
# comparisons leave these alone.
DATABASE_ONLY = frozenset(
    {
        *TALLIES,
        FTS_TABLE,
        *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")),
        *(
            name
            for table_ in (SIMILAR_TABLE, SHARED_TABLE, ALL_TABLE)
            for name in (table_, f"ix_{table_}_doc")
        ),
    }
)
# Column weights: title, idea fields, sections, shared comments, internal comments.
BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0, 1.0)
SHORTEST_PREFIX = 2
LINKING_MIN = 6


class SearchDocument(Base):
    """An idea's lemmatised text, one column per field group and audience."""

    __tablename__ = "search_document"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[str] = mapped_column(Text, default="")
    shared: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[str] = mapped_column(Text, default="")
    # The terms of the title and the idea's fields with their counts, "term:n term:n", for
    # the similar-ideas comparison (drafts and comments do not make two ideas alike).
    vector: Mapped[str] = mapped_column(Text, default="")


class SearchTerm(Base):
    """How many search documents' similarity vectors hold a term ('' : how many documents)."""

    __tablename__ = "search_term"

    term: Mapped[str] = mapped_column(Text, primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter: leave the database-only search objects out of schema comparisons."""
    return name not in DATABASE_ONLY


# --- the indexer, provided by the drafting layer ------------------------------------------

Indexer = Callable[[Connection, Sequence[int] | None], None]
_indexer: list[Indexer] = []


def register_indexer(indexer: Indexer) -> None:
    """Name the function that rewrites the documents of some ideas (None: all of them)."""
    _indexer[:] = [indexer]


def reindex(connection: Connection, idea_ids: Sequence[int] | None = None) -> bool:
    """Rewrite the search documents of `idea_ids` (all ideas for None); False if no indexer."""
    if not _indexer:
        return False
    _indexer[0](connection, idea_ids)
    return True


# --- term counts ----------------------------------------------------------------------------

TERM_CHUNK = 5_000


def parse_vector(vector: str) -> dict[str, int]:
    """The stored "term:n term:n" vector as a dict."""
    counts = {}
    for item in vector.split():
        term, _, n = item.rpartition(":")
        if term:
            counts[term] = int(n) if n.isdigit() else 1
    return counts


def vector_terms(vector: str) -> set[str]:
    """The terms of a stored "term:n term:n" vector."""
    return set(parse_vector(vector))


def term_counts(vectors: Iterable[str]) -> Counter:
    """How many of `vectors` hold each term, and under '' how many vectors there are."""
    counts: Counter = Counter()
    for vector in vectors:
        counts.update(vector_terms(vector))
        counts[""] += 1
    return counts


def apply_term_counts(connection: Connection, change: Counter) -> None:
    """Add `change` to `search_term`: one upsert, in term order."""
    rows = [{"term": t, "documents": n} for t, n in sorted(change.items()) if n]
    if not rows:
        return
    table = SearchTerm.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.term],
        set_={"documents": table.c.documents + statement.excluded.documents},
    )
    for start in range(0, len(rows), TERM_CHUNK):
        connection.execute(statement, rows[start : start + TERM_CHUNK])


# --- matching -------------------------------------------------------------------------------


def _clean(terms: Sequence[str]) -> list[str]:
    """Terms as the index holds them: letters and digits only (anything else is dropped)."""
    return [t for t in (term.strip().lower() for term in terms) if t and t.isalnum()]


def prefix_of(term: str) -> str:
    """What a query term matches the start of: the lemma, without a final vowel when it is
    long enough, so that compounds with a linking form match too ("undersköterska" finds
    "undersköterskeutbildning", "skola" finds "skolutveckling")."""
    if len(term) >= LINKING_MIN and term[-1] in "aeo":
        return term[:-1]
    return term


def fts5_query(terms: Sequence[str], *, internal: bool, any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term (or any, for `any_term`) as a prefix."""
    words = [f'"{prefix_of(t)}"*' if len(t) >= SHORTEST_PREFIX else f'"{t}"' for t in _clean(terms)]
    columns = "title body sections shared internal" if internal else "title body sections shared"
    return "{" + columns + "} : (" + (" OR " if any_term else " AND ").join(words) + ")"


def _exact_fts5(terms: Sequence[str]) -> str:
    """FTS5: any of `terms`, whole, in the title or the idea's fields (a vector's fields)."""
    return "{title body} : (" + " OR ".join(f'"{t}"' for t in _clean(terms)) + ")"


def tsquery(terms: Sequence[str], *, any_term: bool = False) -> str:
    """A to_tsquery() text: every term (or any) as a prefix."""
    words = [f"{prefix_of(t)}:*" if len(t) >= SHORTEST_PREFIX else t for t in _clean(terms)]
    return (" | " if any_term else " & ").join(words)


class SearchMatch(ColumnElement[bool]):
    """`project_idea.id IN (ideas whose document matches every term)`, per dialect."""

    inherit_cache = False
    type = Integer()

    def __init__(self, idea_id: ColumnElement, terms: Sequence[str], internal: bool) -> None:
        self.idea_id = idea_id
        self.terms = tuple(_clean(terms))
        self.internal = internal


@compiles(SearchMatch, "sqlite")
def _match_sqlite(element: SearchMatch, compiler, **kw) -> str:
    """The unary plus keeps SQLite from looking each match up by id in project_idea, whose
    rows hold their texts before the columns asked for (overflow pages read per match: 70 ms
    for a common word's 55,000 ideas); it reads a covering index of the ideas instead, in the
    order the query wants (the board's numbered columns: migration 0025), probing the match."""
    query = bindparam("search_q", fts5_query(element.terms, internal=element.internal), unique=True)
    return (
        f"+{compiler.process(element.idea_id, **kw)} IN (SELECT rowid FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH {compiler.process(query, **kw)})"
    )


@compiles(SearchMatch, "postgresql")
def _match_postgresql(element: SearchMatch, compiler, **kw) -> str:
    query = bindparam("search_q", tsquery(element.terms), unique=True)
    name = ALL_TABLE if element.internal else SHARED_TABLE
    return (
        f"{compiler.process(element.idea_id, **kw)} IN (SELECT idea_id FROM {name} "
        f"WHERE doc @@ to_tsquery('simple'::regconfig, {compiler.process(query, **kw)}))"
    )


@dataclass(frozen=True)
class Ranked:
    """What a ranked search reads on one dialect: the full-text table (FTS5's on SQLite, the
    audience's vectors on PostgreSQL), its idea id column, the match, and the rank."""

    source: TableClause
    idea_id: ColumnElement
    where: ColumnElement[bool]
    rank: ColumnElement
    higher_better: bool

    def ordering(self, rank: ColumnElement) -> list[ColumnElement]:
        """Best first, ties by idea id (pages must not overlap)."""
        return [rank.desc() if self.higher_better else rank.asc(), self.idea_id]

    def score(self, value: object) -> float:
        """The rank as a number where larger is better."""
        return float(value) if self.higher_better else -float(value)


def match_and_rank(
    dialect: str, terms: Sequence[str], *, internal: bool, any_term: bool = False
) -> Ranked:
    """The table, match and rank of a search for every term (or any) on `dialect`; the
    internal comments are searched only for `internal`."""
    if dialect == "sqlite":
        fts = table(FTS_TABLE, column("rowid", Integer))
        name = literal_column(FTS_TABLE)
        weights = BM25_WEIGHTS if internal else (*BM25_WEIGHTS[:4], 0.0)
        where = name.op("MATCH")(
            bindparam(
                "search_q",
                fts5_query(terms, internal=internal, any_term=any_term),
                unique=True,
            )
        )
        return Ranked(fts, fts.c.rowid, where, func.bm25(name, *weights), False)
    vectors = table(
        ALL_TABLE if internal else SHARED_TABLE, column("idea_id", Integer), column("doc")
    )
    query = func.to_tsquery(
        literal_column("'simple'::regconfig"),
        bindparam("search_q", tsquery(terms, any_term=any_term), unique=True),
    )
    where = vectors.c.doc.op("@@")(query)
    return Ranked(vectors, vectors.c.idea_id, where, func.ts_rank(vectors.c.doc, query), True)


def closest_documents(dialect: str, terms: Sequence[str], limit: int | None) -> Select:
    """The `limit` documents (all for None) best matching any of `terms`, whole, in the title
    and the idea's fields (the similarity vectors' text): a select of (idea_id, rank), a lower
    rank better, ranked in the full-text index alone (FTS5's bm25 on SQLite, ts_rank over
    `search_similar` on PostgreSQL).

    Joining every match to its idea before ranking cost most of an idea page at national
    scale; the caller filters this short list instead.
    """
    terms = _clean(terms)
    if not terms:
        return select(SearchDocument.idea_id, literal_column("0.0").label("rank")).where(false())
    if dialect == "sqlite":
        fts = table(FTS_TABLE, column("rowid", Integer))
        name = literal_column(FTS_TABLE)
        rank = func.bm25(name, BM25_WEIGHTS[0], BM25_WEIGHTS[1], 0.0, 0.0, 0.0).label("rank")
        match = name.op("MATCH")(bindparam("similar_q", _exact_fts5(terms), unique=True))
        return (
            select(fts.c.rowid.label("idea_id"), rank)
            .select_from(fts)
            .where(match)
            .order_by(rank.asc(), fts.c.rowid)
            .limit(limit)
        )
    similar = table(SIMILAR_TABLE, column("idea_id", Integer), column("doc"))
    query = func.to_tsquery(
        literal_column("'simple'::regconfig"),
        bindparam("similar_q", " | ".join(terms), unique=True),
    )
    rank = (-func.ts_rank(similar.c.doc, query)).label("rank")
    return (
        select(similar.c.idea_id, rank)
        .where(similar.c.doc.op("@@")(query))
        .order_by(rank.asc(), similar.c.idea_id)
        .limit(limit)
    )


def joined(query: Select, ranked: Ranked, idea_id: ColumnElement) -> Select:
    """`query` (selecting from project_idea) joined to the search's full-text table."""
    return query.join(ranked.source, ranked.idea_id == idea_id)


def document_frequencies(
    connection: Connection, terms: Sequence[str]
) -> tuple[int, dict[str, int]]:
    """How many documents there are, and how many hold each term (one statement, by key)."""
    terms = _clean(terms)
    table_ = SearchTerm.__table__
    found = dict(
        connection.execute(
            select(table_.c.term, table_.c.documents).where(
                table_.c.term.in_(bindparam("df_terms", ["", *terms], expanding=True))
            )
        ).all()
    )
    return max(0, found.pop("", 0)), {t: max(0, found.get(t, 0)) for t in terms}
