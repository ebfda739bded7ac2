"""Compile rules into spaCy matchers once, and find rule hits per sentence of a document."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from drafting.nlp import get_nlp
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
                    self._patterns.add(key, [q for p in terms.patterns for q in _expand(p)])
                for prefix in terms.prefixes:
                    self._prefixes.append((re.compile(prefix), label))
        alternatives = "|".join(f"(?:{p.pattern})" for p, _ in self._prefixes) or "(?!)"
        self._any_prefix = re.compile(alternatives)

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
        hits = [
            (self._by_key[key], start, end)
            for matcher in (self._lower, self._lemma, self._patterns)
            for key, start, end in matcher(doc)
        ]
        lower = doc.to_array(LOWER)
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
        for label, start, end in sorted(set(self._token_hits(doc)), key=lambda h: h[1]):
            rule_index, group = self._labels[label]
            sentence = int(np.searchsorted(starts, start, side="right")) - 1
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
