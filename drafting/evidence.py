"""Turn rule hits in a section into evidence per principle: mentions, cues, weak phrases."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IDX, IS_ALPHA
from spacy.tokens import Doc

from drafting.matching import RuleHit


@dataclass(frozen=True)
class SentenceRef:
    """A sentence of a section: its character span and text."""

    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CueRef:
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


def _overlaps(hit: RuleHit, spans: Iterable[tuple[int, int]]) -> bool:
    """Tell whether a hit overlaps any of the token spans."""
    return any(start < hit.end and hit.start < end for start, end in spans)


def _sentence(text: str, offsets: np.ndarray, section: str, start: int, end: int) -> SentenceRef:
    """Build a SentenceRef for tokens [start, end) with surrounding whitespace trimmed."""
    first = int(offsets[start])
    last = int(offsets[end]) if end < len(offsets) else len(text)
    raw = text[first:last]
    left = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    return SentenceRef(section, first + left, first + left + len(stripped), stripped)


def collect(
    doc: Doc,
    text: str,
    section: str,
    devoted: str | None,
    bounds: list[tuple[int, int]],
    hits: list[RuleHit],
    principles: Iterable[str],
    evidence: dict[str, PrincipleEvidence],
) -> None:
    """Add the evidence found in one section's document to ``evidence`` (per principle)."""
    wanted = tuple(principles)
    by_sentence: dict[int, list[RuleHit]] = defaultdict(list)
    for hit in hits:
        by_sentence[hit.sentence].append(hit)
    if devoted in wanted and len(doc) and doc.to_array(IS_ALPHA).any():
        evidence[devoted].devoted_sections.append(section)
    offsets = doc.to_array(IDX)
    for index, sentence_hits in sorted(by_sentence.items()):
        sentence = functools.partial(_sentence, text, offsets, section, *bounds[index])
        _sentence_evidence(sentence, devoted, sentence_hits, wanted, evidence)


def _sentence_evidence(
    make_sentence: Callable[[], SentenceRef],
    devoted: str | None,
    hits: list[RuleHit],
    wanted: tuple[str, ...],
    evidence: dict[str, PrincipleEvidence],
) -> None:
    """Judge one sentence: which principles it names, which cues tie to them."""
    false_friends: dict[str | None, list[tuple[int, int]]] = defaultdict(list)
    for hit in hits:
        if hit.rule.category == "false_friend":
            false_friends[hit.rule.principle].append((hit.start, hit.end))
    valid = [
        h
        for h in hits
        if h.rule.category != "false_friend" and not _overlaps(h, false_friends[h.rule.principle])
    ]
    named = {h.rule.principle for h in valid if h.rule.category == "core"}
    named |= {h.rule.principle for h in valid if h.rule.category == "cue" and h.rule.intrinsic}
    named |= {
        h.rule.principle
        for h in valid
        if h.rule.category in ("negation", "weak") and h.rule.principle is not None
    }
    for hit in valid:
        if hit.rule.category != "context" or hit.rule.principle in named:
            continue
        others = named - {hit.rule.principle, None}
        if hit.rule.principle == devoted or hit.rule.with_other_principles and others:
            named.add(hit.rule.principle)
    named.discard(None)
    listed = len({h.rule.principle for h in valid if h.rule.category == "name"}) >= 2
    suppressed = any(
        h.rule.category in ("hedge", "negation")
        or h.rule.category == "weak"
        and h.rule.suppresses_cues
        for h in valid
    )
    sentence: SentenceRef | None = None
    for principle in wanted:
        mentioned = principle in named
        if not (mentioned or principle == devoted):
            continue
        sentence = sentence or make_sentence()
        record = evidence[principle]
        strict = principle == devoted or mentioned and not listed
        cues = []
        for hit in valid:
            if hit.rule.category != "cue" or suppressed:
                continue
            own = hit.rule.principle == principle
            if own and hit.rule.intrinsic or (own or hit.rule.principle is None) and strict:
                cues.append(CueRef(hit.rule.kind or "", hit.rule.id, sentence))
        record.cues.extend(cues)
        if mentioned:
            record.mentions.append(sentence)
        if any(
            h.rule.category == "negation" and h.rule.principle in (None, principle) for h in valid
        ):
            record.negations.append(sentence)
        elif any(
            h.rule.category == "weak" and h.rule.principle in (None, principle) for h in valid
        ):
            record.weak.append((sentence, bool(cues)))
