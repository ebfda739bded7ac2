"""Turn rule hits into evidence per principle: mentions, cues, weak phrases.

A sentence names a principle through a core term, an intrinsic cue, or a negation or weak phrase
of the principle; a context term names its principle in a section devoted to it, or (when the
rule says so) in a sentence that names another principle. False friends cancel the hits of their
principle that they overlap. The rules are applied with numpy to the hits of all sections at once,
as boolean tables of (sentence, principle).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from drafting.checker.matching import Matches
from drafting.checker.rules import Rule

_CATEGORIES = ("core", "name", "context", "cue", "false_friend", "weak", "negation", "hedge")
CORE, NAME, CONTEXT, CUE, FALSE_FRIEND, WEAK, NEGATION, HEDGE = range(len(_CATEGORIES))


class SentenceRef(NamedTuple):
    """A sentence of a section: its character span and text."""

    section: str
    start: int
    end: int
    text: str


class CueRef(NamedTuple):
    """A concreteness cue tied to a principle."""

    kind: str
    rule_id: str
    sentence: SentenceRef


@dataclass
class PrincipleEvidence:
    """Everything that speaks for or against one principle in a draft."""

    mentions: list[SentenceRef] = field(default_factory=list)
    cues: list[CueRef] = field(default_factory=list)
    weak: list[tuple[SentenceRef, bool]] = field(default_factory=list)
    negations: list[SentenceRef] = field(default_factory=list)
    devoted_sections: list[str] = field(default_factory=list)


class _RuleTable:
    """Rule properties as arrays indexed by rule; principle 0 stands for "none"."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        self.principles: list[str | None] = [None]
        for rule in rules:
            if rule.principle not in self.principles:
                self.principles.append(rule.principle)
        self.category = np.array([_CATEGORIES.index(r.category) for r in rules], dtype=np.int64)
        self.principle = np.array([self.code(r.principle) for r in rules], dtype=np.int64)
        self.intrinsic = np.array([r.intrinsic for r in rules], dtype=bool)
        self.with_others = np.array([r.with_other_principles for r in rules], dtype=bool)
        self.suppresses = np.array([r.suppresses_cues for r in rules], dtype=bool)
        self.kind = [r.kind or "" for r in rules]
        self.id = [r.id for r in rules]

    def code(self, principle: str | None) -> int:
        """Return the column of ``principle`` (-1 if no rule belongs to it)."""
        return self.principles.index(principle) if principle in self.principles else -1


_TABLES: dict[int, _RuleTable] = {}


def _table(rules: Sequence[Rule]) -> _RuleTable:
    """Return the (cached) rule table of a rule sequence."""
    table = _TABLES.get(id(rules))
    if table is None or table.rules is not rules:
        if len(_TABLES) > 8:
            _TABLES.clear()
        table = _TABLES[id(rules)] = _RuleTable(rules)
    return table


def _sentence(text: str, section: str, first: int, last: int) -> SentenceRef:
    """Build a SentenceRef for characters [first, last) with surrounding whitespace trimmed."""
    raw = text[first:last]
    left = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    return SentenceRef(section, first + left, first + left + len(stripped), stripped)


def _any_by(shape: tuple[int, int], rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Return a boolean table that is True at each (row, column) given."""
    table = np.zeros(shape, dtype=bool)
    table[rows, columns] = True
    return table


def collect_all(
    rules: Sequence[Rule],
    found: Matches,
    texts: Sequence[str],
    sections: Sequence[str],
    devoted: Sequence[str | None],
    principles: Iterable[str],
    evidence: dict[str, PrincipleEvidence],
) -> None:
    """Add the evidence found in the sections' hits to ``evidence`` (per principle)."""
    wanted = tuple(principles)
    table = _table(rules)
    tokens = found.tokens
    for index, principle in enumerate(devoted):
        if principle in wanted:
            low, high = tokens.offsets[index], tokens.offsets[index + 1]
            if high > low and tokens.is_alpha[low:high].any():
                evidence[principle].devoted_sections.append(sections[index])
    if len(found.rule) == 0:
        return
    # the sentences with hits, numbered 0..n-1, and each hit's one
    sentence_ids, row = np.unique(found.sentence, return_inverse=True)
    row = row.ravel()
    shape = (len(sentence_ids), len(table.principles))
    category = table.category[found.rule]
    principle = table.principle[found.rule]
    doc = np.searchsorted(tokens.first_sentence, sentence_ids, side="right") - 1
    devoted_code = np.array([table.code(p) if p else -1 for p in devoted], dtype=np.int64)
    own = devoted_code[doc]

    valid = category != FALSE_FRIEND
    friends = np.flatnonzero(~valid)
    if len(friends):
        # pair every false friend with each hit of its sentence (hits are grouped by sentence)
        first_hit = np.searchsorted(row, row[friends])
        count = np.searchsorted(row, row[friends], side="right") - first_hit
        friend = np.repeat(friends, count)
        other = np.repeat(first_hit - np.cumsum(count) + count, count) + np.arange(count.sum())
        overlap = (
            (principle[friend] == principle[other])
            & (found.start[friend] < found.end[other])
            & (found.start[other] < found.end[friend])
        )
        valid[other[overlap]] = False

    def where(mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(valid & mask)

    core = category == CORE
    intrinsic = (category == CUE) & table.intrinsic[found.rule]
    declared = ((category == NEGATION) | (category == WEAK)) & (principle != 0)
    hits = where(core | intrinsic | declared)
    named = _any_by(shape, row[hits], principle[hits])
    named[:, 0] = False
    # context terms, in hit order: a term of the devoted principle names it; a term that counts
    # with other principles names its own if another principle is named before it
    context = where((category == CONTEXT) & (principle != 0))
    context = context[~named[row[context], principle[context]]]
    if len(context):
        others = named.any(axis=1)
        is_own = principle[context] == own[row[context]]
        position = np.full(len(sentence_ids), len(category))
        np.minimum.at(position, row[context[is_own]], context[is_own])
        later = (position[row[context]] < context) & ~is_own
        joins = table.with_others[found.rule[context]] & (others[row[context]] | later)
        chosen = context[is_own | joins]
        named[row[chosen], principle[chosen]] = True
    names = where(category == NAME)
    listed = _any_by(shape, row[names], principle[names]).sum(axis=1) >= 2
    stops = (category == HEDGE) | (category == NEGATION)
    stops |= (category == WEAK) & table.suppresses[found.rule]
    suppressed = np.zeros(len(sentence_ids), dtype=bool)
    suppressed[row[where(stops)]] = True
    negations, weaks = where(category == NEGATION), where(category == WEAK)
    # a negation or weak phrase of no principle applies to every principle
    negated = _any_by(shape, row[negations], principle[negations])
    negated |= negated[:, :1]
    weak = _any_by(shape, row[weaks], principle[weaks])
    weak |= weak[:, :1]
    cue_hits = where(category == CUE)
    cue_hits = cue_hits[~suppressed[row[cue_hits]]]

    codes = [table.code(key) for key in wanted]
    active = {code: named[:, code] | (own == code) for code in codes if code >= 0}
    # one SentenceRef per sentence that gives evidence for some principle
    anywhere = np.zeros(len(sentence_ids), dtype=bool)
    for here in active.values():
        anywhere |= here
    refs = _sentences(found, texts, sections, sentence_ids, doc, anywhere)
    for key, code in zip(wanted, codes, strict=True):
        if code < 0 or not active[code].any():
            continue
        mentioned, here = named[:, code], active[code]
        strict = (own == code) | mentioned & ~listed
        cue_principle = principle[cue_hits]
        ties = (cue_principle == code) & table.intrinsic[found.rule[cue_hits]]
        ties |= ((cue_principle == code) | (cue_principle == 0)) & strict[row[cue_hits]]
        cues = cue_hits[ties & here[row[cue_hits]]]
        record = evidence[key]
        kind, rule_id = table.kind, table.id
        record.cues.extend(
            CueRef(kind[rule], rule_id[rule], refs[number])
            for rule, number in zip(found.rule[cues].tolist(), row[cues].tolist(), strict=True)
        )
        record.mentions.extend(refs[n] for n in np.flatnonzero(mentioned).tolist())
        negative = here & negated[:, code]
        record.negations.extend(refs[n] for n in np.flatnonzero(negative).tolist())
        with_cues = np.zeros(len(sentence_ids), dtype=bool)
        with_cues[row[cues]] = True
        weak_here = np.flatnonzero(here & ~negative & weak[:, code]).tolist()
        record.weak.extend((refs[n], bool(with_cues[n])) for n in weak_here)


def _sentences(
    found: Matches,
    texts: Sequence[str],
    sections: Sequence[str],
    sentence_ids: np.ndarray,
    doc: np.ndarray,
    wanted: np.ndarray,
) -> dict[int, SentenceRef]:
    """Return {number: SentenceRef} for the wanted sentences among those with hits."""
    tokens = found.tokens
    numbers = np.flatnonzero(wanted)
    ids, docs = sentence_ids[numbers], doc[numbers]
    ends = tokens.sentence_ends[ids]
    first = tokens.idx[tokens.sentence_starts[ids]]
    # the sentence runs to the next token, or to the end of the text after the last token
    inside = ends < tokens.offsets[docs + 1]
    last = np.where(inside, tokens.idx[np.minimum(ends, tokens.size - 1)], -1)
    return {
        number: _sentence(texts[d], sections[d], start, stop if stop >= 0 else len(texts[d]))
        for number, d, start, stop in zip(
            numbers.tolist(), docs.tolist(), first.tolist(), last.tolist(), strict=True
        )
    }
