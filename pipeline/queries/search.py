"""The search page's and similar ideas' reads: ranked, scoped in SQL, a fixed statement count."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from pipeline.models import Municipality, ProjectIdea, User, idea_municipality
from pipeline.queries.access import visible_to
from pipeline.queries.board import IdeaFilters, Page, _card_options
from pipeline.search import (
    Ranked,
    SearchDocument,
    closest_documents,
    document_frequencies,
    joined,
    match_and_rank,
    parse_vector,
)

SEARCH_PAGE_SIZE = 20
COUNT_LIMIT = 1000  # hits counted; beyond it the page says "more than"


@dataclass
class Hit:
    """One idea found, with its rank (larger is better)."""

    idea: ProjectIdea
    rank: float


def search_ideas(
    session: Session,
    actor: User,
    terms: Sequence[str],
    filters: IdeaFilters | None = None,
    *,
    page: int = 1,
    size: int = SEARCH_PAGE_SIZE,
) -> Page:
    """The ideas `actor` may see whose text holds every term, best first, one page of them.

    Internal comments are searched for the support team only; `filters` narrow as on the list.
    The hits are counted up to `COUNT_LIMIT` (the page then says "more than"), so the pages
    go as deep as that: counting every idea that holds a common word read all of them.
    """
    if not terms:
        return Page([], 0, 1, size)
    dialect = session.get_bind().dialect.name
    ranked = match_and_rank(dialect, terms, internal=actor.is_team)
    plain = dataclasses.replace(filters or IdeaFilters(), text="", terms=())
    if actor.is_team and not plain.active:
        return _search_index_only(session, ranked, page, size)
    conditions = [ranked.where, visible_to(actor), *plain.conditions()]
    total, capped = _count(
        session, joined(select(ProjectIdea.id), ranked, ProjectIdea.id).where(*conditions)
    )
    page = min(max(1, page), max(1, -(-total // size)))
    rank = ranked.rank.label("rank")
    rows = session.execute(
        joined(select(ProjectIdea, rank), ranked, ProjectIdea.id)
        .where(*conditions)
        .order_by(*ranked.ordering(rank))
        .limit(size)
        .offset((page - 1) * size)
        .options(*_card_options())
    ).all()
    hits = [Hit(idea, ranked.score(r)) for idea, r in rows]
    return Page(hits, total, page, size, capped=capped)


def _count(session: Session, matches: Select) -> tuple[int, bool]:
    """How many rows `matches` has, up to COUNT_LIMIT; and whether there are more."""
    bounded = matches.limit(COUNT_LIMIT + 1).subquery()
    found = session.scalar(select(func.count()).select_from(bounded)) or 0
    return min(found, COUNT_LIMIT), found > COUNT_LIMIT


def _search_index_only(session: Session, ranked: Ranked, page: int, size: int) -> Page:
    """The team's unfiltered search: counted and ranked in the full-text table alone (the
    team may see every idea), then one page of ideas loaded; joining every match to its idea
    first cost three times as much for a common word."""
    total, capped = _count(
        session, select(ranked.idea_id).select_from(ranked.source).where(ranked.where)
    )
    page = min(max(1, page), max(1, -(-total // size)))
    rank = ranked.rank.label("rank")
    found = session.execute(
        select(ranked.idea_id.label("id"), rank)
        .select_from(ranked.source)
        .where(ranked.where)
        .order_by(*ranked.ordering(rank))
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    ideas = {
        idea.id: idea
        for idea in session.scalars(
            select(ProjectIdea)
            .where(ProjectIdea.id.in_([row.id for row in found] or [-1]))
            .options(*_card_options())
        )
    }
    hits = [Hit(ideas[row.id], ranked.score(row.rank)) for row in found if row.id in ideas]
    return Page(hits, total, page, size, capped=capped)


# --- similar ideas ------------------------------------------------------------------------

SIMILAR_LIMIT = 5
QUERY_TERMS = 25  # the idea's terms whose document frequency is looked up
DISTINCTIVE_TERMS = 12  # of those, the ones by TF-IDF that the candidates are searched by
CANDIDATES = 40  # of the best candidates by the index, the ones scored
CANDIDATE_POOL = 200  # the team's: ranked in the index, then filtered to CANDIDATES
MIN_SHARED = 2


@dataclass
class Similar:
    """An idea like another, how alike (cosine of TF-IDF weights, 0..1), and the shared terms."""

    idea: ProjectIdea
    score: float
    shared: list[str]


def _weights(counts: dict[str, int], df: dict[str, int], total: int) -> dict[str, float]:
    """TF-IDF weights (log-scaled term frequency, smoothed inverse document frequency as in
    scikit-learn, so a term in every document still counts a little).

    Terms whose document frequency was not looked up get the mean weight of those that were.
    """
    idf = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in df.items()}
    usual = sum(idf.values()) / len(idf) if idf else 1.0
    return {t: (1 + math.log(n)) * idf.get(t, usual) for t, n in counts.items()}


def _norm(weights: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in weights.values())) or 1.0


def similar_ideas(
    session: Session,
    actor: User,
    counts: dict[str, int],
    *,
    exclude_idea: ProjectIdea | None = None,
    other_places_only: bool = True,
    limit: int = SIMILAR_LIMIT,
) -> list[Similar]:
    """The ideas `actor` may see most like a text's term counts, with the terms they share.

    The text's most frequent terms get their document frequencies (one statement, by key);
    the most distinctive by TF-IDF find candidates through the full-text index, which are
    loaded with what the page shows, filtered, and scored by the cosine of TF-IDF weights over
    those terms. With `exclude_idea` and `other_places_only`, ideas of the same lead
    organisation or in a kommun of that idea are left out.

    The team may see every idea, so its candidates are ranked in the index alone (one
    statement) and only the best `CANDIDATE_POOL` are joined to their ideas (one statement);
    an actor sees few ideas, so theirs are ranked among those the actor may see (one
    statement). With the candidates' kommuner (one statement), four statements for the team
    and three for an actor, whatever the text.
    """
    frequent = sorted(counts, key=lambda t: (-counts[t], -len(t), t))
    frequent = [t for t in frequent if len(t) > 2 and not t.isdigit()][:QUERY_TERMS]
    dialect = session.get_bind().dialect.name
    total, df = document_frequencies(session.connection(), frequent)
    weights = _weights(counts, df, total)
    distinctive = sorted((t for t in frequent if df.get(t)), key=lambda t: (-weights[t], t))[
        :DISTINCTIVE_TERMS
    ]
    closest = closest_documents(
        dialect, distinctive, CANDIDATE_POOL if actor.is_team else None
    ).subquery()
    conditions = [ProjectIdea.is_regional.is_(False)]
    if actor.is_team:
        ranked = dict(session.execute(select(closest.c.idea_id, closest.c.rank)).tuples().all())
        conditions.append(ProjectIdea.id.in_(list(ranked) or [-1]))
        rank_of = ranked.get
    else:
        rank_of = None
    query = (
        select(ProjectIdea, SearchDocument.vector)
        .join(SearchDocument, SearchDocument.idea_id == ProjectIdea.id)
        .where(*conditions)
        .options(joinedload(ProjectIdea.lead_organisation))
    )
    if not actor.is_team:
        # The actor's visible ideas, ranked by the index among themselves (one statement).
        query = (
            query.add_columns(closest.c.rank)
            .join(closest, closest.c.idea_id == ProjectIdea.id)
            .where(visible_to(actor))
            .order_by(closest.c.rank, ProjectIdea.id)
            .limit(CANDIDATES)
        )
    if exclude_idea is not None:
        query = query.where(ProjectIdea.id != exclude_idea.id)
        if other_places_only:
            query = query.where(*_elsewhere(exclude_idea))
    rows = [
        (row[0], row[1], rank_of(row[0].id) if rank_of else row[2])
        for row in session.execute(query).unique().all()
    ]
    rows.sort(key=lambda row: (row[2], row[0].id))
    _load_kommuner(session, [row[0] for row in rows[:CANDIDATES]])
    norm = _norm(weights)
    found = []
    for idea, vector, _rank in rows[:CANDIDATES]:
        theirs = parse_vector(vector)
        shared = [t for t in distinctive if t in theirs]
        if len(shared) < MIN_SHARED:
            continue
        their_weights = _weights(theirs, df, total)
        dot = sum(weights[t] * their_weights[t] for t in shared)
        found.append(Similar(idea, dot / (norm * _norm(their_weights)), shared))
    found.sort(key=lambda s: (-s.score, s.idea.id))
    return found[:limit]


def _load_kommuner(session: Session, ideas: list[ProjectIdea]) -> None:
    """Load the ideas' kommuner in one statement, run even when there are no ideas (a page's
    statement count must not depend on what is found, which select-in loading does). Joining
    them into the candidates' statement instead made SQLite build the whole idea-kommun join
    on every idea page."""
    found: dict[int, list[Municipality]] = {idea.id: [] for idea in ideas}
    rows = session.execute(
        select(idea_municipality.c.idea_id, Municipality)
        .join(Municipality, Municipality.id == idea_municipality.c.municipality_id)
        .where(idea_municipality.c.idea_id.in_(list(found) or [-1]))
        .order_by(Municipality.name, Municipality.id)
    ).all()
    for idea_id, municipality in rows:
        found[idea_id].append(municipality)
    for idea in ideas:
        set_committed_value(idea, "municipalities", found[idea.id])


def _elsewhere(idea: ProjectIdea) -> list:
    """Conditions keeping ideas of other lead organisations and other kommuner."""
    conditions = []
    if idea.lead_organisation_id is not None:
        conditions.append(
            (ProjectIdea.lead_organisation_id != idea.lead_organisation_id)
            | ProjectIdea.lead_organisation_id.is_(None)
        )
    kommuner = [m.id for m in idea.municipalities]
    if kommuner:
        conditions.append(
            ProjectIdea.id.not_in(
                select(idea_municipality.c.idea_id).where(
                    idea_municipality.c.municipality_id.in_(kommuner)
                )
            )
        )
    return conditions


def similar_to_idea(
    session: Session, actor: User, idea: ProjectIdea, *, limit: int = SIMILAR_LIMIT
) -> list[Similar]:
    """The ideas in other kommuner and organisations most like `idea`."""
    vector = session.scalar(select(SearchDocument.vector).where(SearchDocument.idea_id == idea.id))
    return similar_ideas(session, actor, parse_vector(vector or ""), exclude_idea=idea, limit=limit)
