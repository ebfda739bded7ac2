"""Candidates for regional projects: similar local ideas spanning two or more kommuner.

The open local ideas not yet in a regional project (the newest `POOL` of them) are compared
with each other by the cosine of TF-IDF weights over their stored term vectors, with numpy
(the pool is its own corpus for the document frequencies). Ideas from different kommuner and
lead organisations whose cosine reaches `ALIKE` are joined; each connected group that spans
two or more kommuner is a candidate. The team's start page uses the same pool to say which
new ideas resemble one elsewhere. Three statements whatever the number of ideas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.models import Municipality, ProjectIdea, User
from pipeline.queries.access import require_team
from pipeline.queries.board import _card_options
from pipeline.queries.search import parse_vector
from pipeline.search import SearchDocument
from pipeline.stages import Stage

POOL = 400
ALIKE = 0.25
RESEMBLES = 0.3
SHOWN_TERMS = 6
CLOSED = (Stage.WITHDRAWN, Stage.REJECTED, Stage.PARKED, Stage.CLOSED)


@dataclass
class Candidate:
    """A group of similar ideas across kommuner, and what gathering them would cover."""

    ideas: list[ProjectIdea]
    terms: list[str]
    missing: list[str]  # the region's kommuner without an idea in the group

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
    cosine: np.ndarray, ideas: list[ProjectIdea], places: list[set[int]]
) -> list[list[int]]:
    """Join the most alike pairs first; a group takes an idea only if it is alike to every
    member, from another kommun and lead organisation than each (so no chains of look-alikes)."""
    group_of = list(range(len(ideas)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(ideas))}
    pairs = np.argwhere(np.triu(cosine, 1) >= ALIKE)
    order = np.argsort(-cosine[pairs[:, 0], pairs[:, 1]], kind="stable")
    for a, b in pairs[order]:
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        joined = members[ga] + members[gb]
        if any(
            cosine[x, y] < ALIKE
            or places[x] & places[y]
            or not places[x]
            or ideas[x].lead_organisation_id == ideas[y].lead_organisation_id
            for n, x in enumerate(joined)
            for y in joined[n + 1 :]
        ):
            continue
        for i in members.pop(gb):
            group_of[i] = ga
        members[ga] = joined
    return [m for m in members.values() if len(m) > 1]


@dataclass
class _Pool:
    ideas: list[ProjectIdea]
    matrix: np.ndarray  # rows: L2-normalised TF-IDF weights
    terms: list[str]
    places: list[set[int]]

    @property
    def cosine(self) -> np.ndarray:
        return self.matrix @ self.matrix.T


def _pool(session: Session) -> _Pool | None:
    """The open local ideas not in a regional project, newest first, as TF-IDF rows."""
    rows = session.execute(
        select(ProjectIdea, SearchDocument.vector)
        .join(SearchDocument, SearchDocument.idea_id == ProjectIdea.id)
        .where(
            ProjectIdea.is_regional.is_(False),
            ProjectIdea.regional_project_id.is_(None),
            ProjectIdea.stage.not_in(CLOSED),
        )
        .order_by(ProjectIdea.created_at.desc(), ProjectIdea.id.desc())
        .limit(POOL)
        .options(*_card_options())
    ).all()
    ideas = [idea for idea, _vector in rows]
    vectors = [parse_vector(vector) for _idea, vector in rows]
    vocabulary = {t: n for n, t in enumerate(sorted({t for v in vectors for t in v}))}
    if len(ideas) < 2 or not vocabulary:
        return None
    matrix = np.zeros((len(ideas), len(vocabulary)), dtype=np.float32)
    for row, vector in enumerate(vectors):
        for term, count in vector.items():
            matrix[row, vocabulary[term]] = 1 + np.log(count)
    df = (matrix > 0).sum(axis=0)
    # sklearn's smoothed idf: a term in every document still counts a little
    matrix *= (np.log((1 + len(ideas)) / (1 + df)) + 1).astype(np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    places = [{m.id for m in i.municipalities} for i in ideas]
    return _Pool(ideas, matrix, sorted(vocabulary, key=vocabulary.get), places)


def _apart(pool: _Pool, a: int, b: int) -> bool:
    """Two ideas from different kommuner (both named) and different lead organisations."""
    x, y = pool.ideas[a], pool.ideas[b]
    return bool(
        pool.places[a]
        and pool.places[b]
        and not pool.places[a] & pool.places[b]
        and x.lead_organisation_id != y.lead_organisation_id
    )


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
    likeness reaches `RESEMBLES` (two statements whatever the number of ideas)."""
    require_team(actor)
    pool = _pool(session)
    if pool is None:
        return []
    row_of = {idea.id: n for n, idea in enumerate(pool.ideas)}
    newest = sorted(ideas, key=lambda i: (i.created_at, i.id), reverse=True)[:limit]
    found = []
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
                found.append(Resemblance(idea, pool.ideas[b], float(scores[b]), top))
                break
    return found


def regional_candidates(session: Session, actor: User) -> list[Candidate]:
    """Groups of similar open local ideas from two or more kommuner, largest first."""
    require_team(actor)
    pool = _pool(session)
    if pool is None:
        return []
    ideas, matrix, terms, places = pool.ideas, pool.matrix, pool.terms, pool.places
    groups = _complete_linkage(pool.cosine, ideas, places)
    every = list(session.scalars(select(Municipality.name).order_by(Municipality.name)))
    found = []
    for members in groups:
        if len(members) < 2 or len(set().union(*(places[i] for i in members))) < 2:
            continue
        weight = matrix[members].sum(axis=0) * ((matrix[members] > 0).sum(axis=0) >= 2)
        top = [terms[j] for j in np.argsort(-weight)[:SHOWN_TERMS] if weight[j] > 0]
        group = sorted((ideas[i] for i in members), key=lambda i: (i.title, i.id))
        covered = {m.name for i in group for m in i.municipalities}
        found.append(Candidate(group, top, [n for n in every if n not in covered]))
    found.sort(key=lambda c: (-len(c.ideas), c.ideas[0].title))
    return found
