"""Compile rules into spaCy matchers once, and find rule hits per sentence of a document."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, LIKE_NUM, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from drafting.nlp import get_nlp, is_member
from drafting.rules import Rule, available_principles, load_common, load_principle

_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class RuleHit:
    """A rule that hit in one sentence; the token span is where its first group matched."""

    rule: Rule
    sentence: int
    start: int
    end: int


def _expand(pattern: tuple[dict[str, Any], ...]) -> list[list[dict[str, Any]]]:
    """Split a pattern whose first token is ``{"LOWER": {"IN": [...]}}`` into one pattern per
    word: the Matcher then tests the first token in C instead of calling a predicate on every
    token of the document."""
    first, rest = pattern[0], list(pattern[1:])
    lower = first.get("LOWER")
    if set(first) != {"LOWER"} or not isinstance(lower, dict) or set(lower) != {"IN"}:
        return [list(pattern)]
    return [[{"LOWER": word}, *rest] for word in lower["IN"]]


def _in_sequence(
    groups: list[list[tuple[int, int]]], window: tuple[int, ...]
) -> tuple[int, int] | None:
    """Return the span of the first chain of group hits in order, each within its window."""

    def follow(index: int, end: int) -> int | None:
        if index == len(groups):
            return end
        for start, stop in groups[index]:
            if end <= start <= end + window[index - 1]:
                found = follow(index + 1, stop)
                if found is not None:
                    return found
        return None

    for start, stop in groups[0]:
        end = follow(1, stop)
        if end is not None:
            return start, end
    return None


class RuleMatcher:
    """All rules compiled into two PhraseMatchers, a Matcher and one combined prefix regex."""

    def __init__(self, nlp: Language, rules: Sequence[Rule]) -> None:
        self.nlp = nlp
        self.rules = tuple(rules)
        self._labels: list[tuple[int, int]] = []
        self._by_key: dict[int, int] = {}
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._patterns = Matcher(nlp.vocab)
        self._prefixes: list[tuple[re.Pattern[str], int]] = []
        self._prefix_cache: dict[int, tuple[int, ...]] = {}
        self._anchor_words: set[int] = set()
        self._anchor_numbers = False
        self._scan_all = False
        self._window = 1
        for rule_index, rule in enumerate(self.rules):
            for group_index, terms in enumerate(rule.groups):
                label = len(self._labels)
                self._labels.append((rule_index, group_index))
                key = f"{rule.id}#{group_index}"
                self._by_key[nlp.vocab.strings.add(key)] = label
                if terms.words:
                    self._lower.add(key, [nlp.make_doc(w) for w in terms.words])
                if terms.lemmas:
                    docs = [
                        Doc(nlp.vocab, words=[w.lower()], lemmas=[w.lower()]) for w in terms.lemmas
                    ]
                    self._lemma.add(key, docs)
                if terms.patterns:
                    expanded = [q for p in terms.patterns for q in _expand(p)]
                    self._patterns.add(key, expanded)
                    for pattern in expanded:
                        self._add_anchor(pattern)
                for prefix in terms.prefixes:
                    self._prefixes.append((re.compile(prefix), label))
        self._anchors = np.array(sorted(self._anchor_words), dtype=np.uint64)
        alternatives = "|".join(f"(?:{p.pattern})" for p, _ in self._prefixes) or "(?!)"
        self._any_prefix = re.compile(alternatives)

    def _add_anchor(self, pattern: list[dict[str, Any]]) -> None:
        """Record what a pattern's first token must be and how long the pattern can get, so
        the Matcher runs only on short windows that start at such tokens."""
        first = pattern[0]
        if set(first) == {"LOWER"} and isinstance(first["LOWER"], str):
            self._anchor_words.add(self.nlp.vocab.strings.add(first["LOWER"]))
        elif set(first) == {"LEMMA"} and isinstance(first["LEMMA"], str):
            self._anchor_words.add(self.nlp.vocab.strings.add(first["LEMMA"]))
        elif first == {"LIKE_NUM": True}:
            self._anchor_numbers = True
        else:
            self._scan_all = True
        length = 0
        for token in pattern:
            op = str(token.get("OP", "1"))
            if op in ("*", "+"):
                self._scan_all = True
            bounds = re.fullmatch(r"\{(\d*),(\d+)\}", op)
            length += int(bounds.group(2)) if bounds else 1
        self._window = max(self._window, length)

    def _pattern_hits(self, doc: Doc, lower: np.ndarray) -> list[tuple[int, int, int]]:
        """Run the token-pattern Matcher on the windows that can hold a match."""
        if self._scan_all:
            return list(self._patterns(doc))
        lemma = doc.to_array(LEMMA)
        anchored = is_member(lower, self._anchors) | is_member(lemma, self._anchors)
        if self._anchor_numbers:
            anchored |= doc.to_array(LIKE_NUM).astype(bool)
        positions = np.flatnonzero(anchored)
        if len(positions) == 0:
            return []
        cuts = np.flatnonzero(np.diff(positions) > self._window) + 1
        hits = []
        for group in np.split(positions, cuts):
            begin, end = int(group[0]), min(int(group[-1]) + self._window, len(doc))
            hits.extend((k, s + begin, e + begin) for k, s, e in self._patterns(doc[begin:end]))
        return hits

    def _prefix_labels(self, lower_hash: int) -> tuple[int, ...]:
        """Return the labels whose prefix regex matches the token text with this LOWER hash."""
        cached = self._prefix_cache.get(lower_hash)
        if cached is None:
            text = self.nlp.vocab.strings[lower_hash]
            cached = ()
            if self._any_prefix.match(text):
                cached = tuple(label for regex, label in self._prefixes if regex.match(text))
            if len(self._prefix_cache) > _CACHE_LIMIT:
                self._prefix_cache.clear()
            self._prefix_cache[lower_hash] = cached
        return cached

    def _token_hits(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Return (label, start, end) for every term match in ``doc``."""
        lower = doc.to_array(LOWER)
        found = [*self._lower(doc), *self._lemma(doc), *self._pattern_hits(doc, lower)]
        hits = [(self._by_key[key], start, end) for key, start, end in found]
        unique, inverse = np.unique(lower, return_inverse=True)
        labels = [self._prefix_labels(int(h)) for h in unique]
        labelled = np.fromiter((bool(x) for x in labels), bool, len(labels))
        for position in np.flatnonzero(labelled[inverse]):
            for label in labels[inverse[position]]:
                hits.append((label, int(position), int(position) + 1))
        return hits

    def find(self, doc: Doc) -> tuple[list[tuple[int, int]], list[RuleHit]]:
        """Return the sentence token bounds of ``doc`` and the rule hits per sentence."""
        if len(doc) == 0:
            return [], []
        starts = np.flatnonzero(doc.to_array(SENT_START) == 1)
        if len(starts) == 0 or starts[0] != 0:
            starts = np.concatenate(([0], starts))
        bounds = list(zip(starts.tolist(), [*starts[1:].tolist(), len(doc)], strict=True))
        found: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = {}
        raw = self._token_hits(doc)
        if not raw:
            return bounds, []
        table = np.array(sorted(set(raw), key=lambda h: h[1]), dtype=np.int64)
        sentences = np.searchsorted(starts, table[:, 1], side="right") - 1
        for (label, start, end), sentence in zip(table.tolist(), sentences.tolist(), strict=True):
            rule_index, group = self._labels[label]
            found.setdefault((rule_index, sentence), {}).setdefault(group, []).append((start, end))
        hits: list[RuleHit] = []
        for (rule_index, sentence), groups in found.items():
            rule = self.rules[rule_index]
            if len(rule.groups) == 1:
                spans = dict.fromkeys(groups[0])
                hits.extend(RuleHit(rule, sentence, s, e) for s, e in spans)
            elif rule.window:
                span = _in_sequence(
                    [groups.get(i, []) for i in range(len(rule.groups))], rule.window
                )
                if span is not None:
                    hits.append(RuleHit(rule, sentence, *span))
            elif len(groups) >= rule.min_groups:
                start, end = min(spans[0] for spans in groups.values())
                hits.append(RuleHit(rule, sentence, start, end))
        return bounds, hits


def all_rules() -> tuple[Rule, ...]:
    """Return the shared rules followed by the rules of every shipped principle."""
    rules = list(load_common().rules)
    for key in available_principles():
        rules.extend(load_principle(key).rules)
    return tuple(rules)


@functools.cache
def get_matcher() -> RuleMatcher:
    """Return the process-wide matcher over all rules."""
    return RuleMatcher(get_nlp(), all_rules())
