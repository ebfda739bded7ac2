"""Candidates for regional projects: similar local ideas spanning two or more kommuner.

The open local ideas not yet in a regional project (the newest `POOL` of them) are compared
with each other by the cosine of TF-IDF weights over their stored term vectors, with numpy
(the pool is its own corpus for the document frequencies). Ideas from different kommuner and
lead organisations whose cosine reaches `ALIKE` are joined; each connected group that spans
two or more kommuner is a candidate. The team's start page uses the same pool to say which
new ideas resemble one elsewhere. The pool is read as ids, kommuner and term vectors only; the
ideas of the largest `MAX_GROUPS` groups are then loaded as cards: a fixed number of
statements whatever the number of ideas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.models import Municipality, ProjectIdea, User, idea_municipality
from pipeline.queries.access import require_team
from pipeline.queries.board import _card_options
from pipeline.search import SearchDocument, parse_vector
from pipeline.stages import Stage

POOL = 400
MAX_GROUPS = 25
ALIKE = 0.25
RESEMBLES = 0.3
SHOWN_TERMS = 6
CLOSED = (Stage.WITHDRAWN, Stage.REJECTED, Stage.PARKED, Stage.CLOSED)


@dataclass
class Candidate:
    """A group of similar ideas across kommuner, and what gathering them would cover."""

    ideas: list[ProjectIdea]
    terms: list[str]
    missing: list[str]  # the kommuner of the group's region(s) without an idea in the group

    @property
    def kommuner(self) -> list[str]:
        return sorted({m.name for i in self.ideas for m in i.municipalities})

    @property
    def participants(self) -> int:
        return sum(_participants(i) for i in self.ideas)

    @property
    def budget(self) -> int:
        return sum(i.budget_total or 0 for i in self.ideas)


def _participants(idea: ProjectIdea) -> int:
    if idea.participants_total is not None:
        return idea.participants_total
    return (idea.participants_women or 0) + (idea.participants_men or 0)


def _complete_linkage(
    cosine: np.ndarray, leads: list[int | None], places: list[set[int]]
) -> list[list[int]]:
    """Join the most alike pairs first; a group takes an idea only if it is alike to every
    member, from another kommun and lead organisation than each (so no chains of look-alikes).

    Which pairs may share a group is one boolean matrix, so a merge checks only the pairs
    across the two groups, in one numpy lookup (the pairs inside each group were checked when
    it was formed).
    """
    size = len(leads)
    known = sorted({m for p in places for m in p})
    column = {m: n for n, m in enumerate(known)}
    incidence = np.zeros((size, max(1, len(known))), dtype=np.float32)
    for row, found in enumerate(places):
        for m in found:
            incidence[row, column[m]] = 1
    named = incidence.any(axis=1)
    lead = np.array([-1 if n is None else n for n in leads])
    allowed = (
        (cosine >= ALIKE)
        & ((incidence @ incidence.T) == 0)
        & named[:, None]
        & named[None, :]
        & (lead[:, None] != lead[None, :])
    )
    group_of = list(range(size))
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    pairs = np.argwhere(np.triu(allowed, 1))
    order = np.argsort(-cosine[pairs[:, 0], pairs[:, 1]], kind="stable")
    for a, b in pairs[order]:
        ga, gb = group_of[a], group_of[b]
        if ga == gb or not allowed[np.ix_(members[ga], members[gb])].all():
            continue
        taken = members.pop(gb)
        for i in taken:
            group_of[i] = ga
        members[ga] = members[ga] + taken
    return [m for m in members.values() if len(m) > 1]


@dataclass
class _Pool:
    ids: list[int]
    leads: list[int | None]
    matrix: np.ndarray  # rows: L2-normalised TF-IDF weights
    terms: list[str]
    places: list[set[int]]

    @property
    def cosine(self) -> np.ndarray:
        return self.matrix @ self.matrix.T


def _pool(session: Session) -> _Pool | None:
    """The open local ideas not in a regional project, newest first, as TF-IDF rows.

    Only ids, lead organisations, kommuner and term vectors are read (two light statements):
    the ideas themselves are loaded afterwards, for the few that are shown.
    """
    rows = session.execute(
        select(ProjectIdea.id, ProjectIdea.lead_organisation_id, SearchDocument.vector)
        .join(SearchDocument, SearchDocument.idea_id == ProjectIdea.id)
        .where(
            ProjectIdea.is_regional.is_(False),
            ProjectIdea.regional_project_id.is_(None),
            ProjectIdea.stage.not_in(CLOSED),
        )
        .order_by(ProjectIdea.created_at.desc(), ProjectIdea.id.desc())
        .limit(POOL)
    ).all()
    ids = [row.id for row in rows]
    row_of = {idea_id: n for n, idea_id in enumerate(ids)}
    places: list[set[int]] = [set() for _ in ids]
    for idea_id, municipality_id in session.execute(
        select(idea_municipality.c.idea_id, idea_municipality.c.municipality_id).where(
            idea_municipality.c.idea_id.in_(ids or [-1])
        )
    ):
        places[row_of[idea_id]].add(municipality_id)
    vectors = [parse_vector(row.vector) for row in rows]
    vocabulary = {t: n for n, t in enumerate(sorted({t for v in vectors for t in v}))}
    if len(ids) < 2 or not vocabulary:
        return None
    cells = [(row, vocabulary[t], c) for row, v in enumerate(vectors) for t, c in v.items()]
    at_row, at_column, count = (np.array(part) for part in zip(*cells, strict=True))
    matrix = np.zeros((len(ids), len(vocabulary)), dtype=np.float32)
    matrix[at_row, at_column] = 1 + np.log(count.astype(np.float32))
    df = (matrix > 0).sum(axis=0)
    # sklearn's smoothed idf: a term in every document still counts a little
    matrix *= (np.log((1 + len(ids)) / (1 + df)) + 1).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    terms = sorted(vocabulary, key=vocabulary.get)
    return _Pool(ids, [row.lead_organisation_id for row in rows], matrix, terms, places)


def _apart(pool: _Pool, a: int, b: int) -> bool:
    """Two ideas from different kommuner (both named) and different lead organisations."""
    return bool(
        pool.places[a]
        and pool.places[b]
        and not pool.places[a] & pool.places[b]
        and pool.leads[a] != pool.leads[b]
    )


def _ideas(session: Session, ids: set[int]) -> dict[int, ProjectIdea]:
    """The ideas shown, as cards (a fixed number of statements)."""
    found = session.scalars(
        select(ProjectIdea).where(ProjectIdea.id.in_(sorted(ids) or [-1])).options(*_card_options())
    ).all()
    return {idea.id: idea for idea in found}


@dataclass
class Resemblance:
    """A new idea, the idea in another kommun it is most like, and the words they share."""

    idea: ProjectIdea
    like: ProjectIdea
    score: float
    shared: list[str]


def resemblances(
    session: Session, actor: User, ideas: list[ProjectIdea], *, limit: int = 5
) -> list[Resemblance]:
    """For the newest `limit` of `ideas`: the open idea elsewhere most like it, when the
    likeness reaches `RESEMBLES` (a fixed number of statements whatever the number of ideas)."""
    require_team(actor)
    pool = _pool(session)
    if pool is None:
        return []
    row_of = {idea_id: n for n, idea_id in enumerate(pool.ids)}
    newest = sorted(ideas, key=lambda i: (i.created_at, i.id), reverse=True)[:limit]
    pairs = []
    for idea in newest:
        a = row_of.get(idea.id)
        if a is None:
            continue
        scores = pool.matrix @ pool.matrix[a]
        for b in np.argsort(-scores):
            if scores[b] < RESEMBLES:
                break
            if b != a and _apart(pool, a, int(b)):
                both = pool.matrix[a] * pool.matrix[b]
                top = [pool.terms[j] for j in np.argsort(-both)[:SHOWN_TERMS] if both[j] > 0]
                pairs.append((idea, pool.ids[int(b)], float(scores[b]), top))
                break
    likes = _ideas(session, {b for _idea, b, _score, _top in pairs})
    return [Resemblance(idea, likes[b], score, top) for idea, b, score, top in pairs if b in likes]


def regional_candidates(
    session: Session, actor: User, *, limit: int = MAX_GROUPS
) -> list[Candidate]:
    """Groups of similar open local ideas from two or more kommuner, largest first (at most
    `limit` of them)."""
    require_team(actor)
    pool = _pool(session)
    if pool is None:
        return []
    matrix, terms, places = pool.matrix, pool.terms, pool.places
    groups = [
        members
        for members in _complete_linkage(pool.cosine, pool.leads, places)
        if len(set().union(*(places[i] for i in members))) >= 2
    ]
    # The largest groups, and among equals the most alike (the mean cosine inside the group).
    cosine = pool.cosine
    groups.sort(key=lambda m: (-len(m), -float(cosine[np.ix_(m, m)].mean()), min(m)))
    groups = groups[:limit]
    shown = _ideas(session, {pool.ids[i] for members in groups for i in members})
    every = session.execute(
        select(Municipality.name, Municipality.region).order_by(Municipality.name)
    )
    by_region: dict[str, list[str]] = {}
    for name, region in every:
        by_region.setdefault(region, []).append(name)
    found = []
    for members in groups:
        weight = matrix[members].sum(axis=0) * ((matrix[members] > 0).sum(axis=0) >= 2)
        top = [terms[j] for j in np.argsort(-weight)[:SHOWN_TERMS] if weight[j] > 0]
        group = sorted(
            (shown[pool.ids[i]] for i in members if pool.ids[i] in shown),
            key=lambda i: (i.title, i.id),
        )
        covered = {m.name for i in group for m in i.municipalities}
        regions = sorted({m.region for i in group for m in i.municipalities})
        missing = [n for r in regions for n in by_region.get(r, []) if n not in covered]
        found.append(Candidate(group, top, sorted(missing)))
    found.sort(key=lambda c: (-len(c.ideas), c.ideas[0].title))
    return found
