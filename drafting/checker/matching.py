"""Find every rule's terms in the sentences of a draft, with spaCy's own matchers.

Each term group of each rule is one match key:

* its words and phrases (compared lower-cased), and the token patterns made only of words and
  word lists, go into one ``PhraseMatcher``;
* its other token patterns go into one ``Matcher``;
* its prefixes (regexes on the lower-cased token) are tried once per distinct word of the
  draft, and the answer is kept, and its lemmas are looked up per token. These are the pieces
  of our own: spaCy's ``REGEX`` predicate runs every regex on every token (about 150 prefix
  groups on 10,000 tokens alone took longer than the whole check's budget), and the Matcher's
  cost grows with every pattern it holds (``bench/check.py`` prints the figures).

A rule with several groups hits a sentence when ``min_groups`` of them do (or, with a
``window``, when they follow each other within the gaps given). A hit's sentence is the one its
first token is in.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from drafting.checker.nlp import built_once, get_nlp
from drafting.checker.rules import Rule, available_principles, load_common, load_principle
from drafting.errors import DraftingError

_CACHE_LIMIT = 200_000
_MAX_PHRASES = 2_000
Span = tuple[int, int]


class RuleHit(NamedTuple):
    """A rule that hit in one sentence; the token span is where its first group matched (or,
    for a rule with a window, the whole chain)."""

    rule: Rule
    sentence: int
    start: int
    end: int


def _in_sequence(groups: list[list[Span]], window: tuple[int, ...]) -> Span | None:
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


def _as_phrases(pattern: Sequence[dict[str, Any]]) -> list[tuple[str, ...]] | None:
    """Return the word sequences that a pattern of plain LOWER words and LOWER ``IN`` sets
    matches (for the PhraseMatcher, whose cost does not grow with its phrases), or None."""
    choices = []
    for token in pattern:
        value = token.get("LOWER")
        if set(token) != {"LOWER"}:
            return None
        if isinstance(value, str):
            choices.append([value])
        elif isinstance(value, dict) and set(value) == {"IN"} and value["IN"]:
            choices.append(list(dict.fromkeys(value["IN"])))
        else:
            return None
    if math.prod(len(c) for c in choices) > _MAX_PHRASES:
        return None
    return list(itertools.product(*choices))


def _first_token_expanded(pattern: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Write a pattern whose first token is one ``{"LOWER"/"LEMMA": {"IN": [...]}}`` test as one
    pattern per value.

    spaCy's Matcher compares exact attribute values in compiled code but calls a Python
    predicate for every ``IN`` set on every token where a pattern may start; with a value per
    pattern the first token costs a compiled comparison, and the sets of later tokens are tried
    only after it (``bench/check.py``: about 90 of the check's milliseconds otherwise).
    """
    first, rest = dict(pattern[0]), list(pattern[1:])
    tests = {k: v for k, v in first.items() if k != "OP"}
    if "OP" in first or len(tests) != 1:
        return [list(pattern)]
    ((attr, value),) = tests.items()
    if attr not in ("LOWER", "LEMMA") or not isinstance(value, dict) or set(value) != {"IN"}:
        return [list(pattern)]
    return [[{attr: word}, *rest] for word in dict.fromkeys(value["IN"])]


class RuleMatcher:
    """All rules compiled into one PhraseMatcher, one Matcher and the prefix regexes."""

    def __init__(self, nlp: Language, rules: Sequence[Rule]) -> None:
        self.nlp = nlp
        self.rules = tuple(rules)
        strings = nlp.vocab.strings
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._patterns = Matcher(nlp.vocab)
        self._groups: list[tuple[int, int]] = []  # label -> (rule index, group index)
        self._label_of: dict[int, int] = {}  # match key hash -> label
        self._prefixes: list[tuple[re.Pattern[str], int]] = []
        self._word_cache: dict[int, tuple[int, ...]] = {}
        self._lemmas: dict[int, list[int]] = {}  # lemma hash -> labels
        for rule_index, rule in enumerate(self.rules):
            for group_index, terms in enumerate(rule.groups):
                label = len(self._groups)
                self._groups.append((rule_index, group_index))
                key = f"{rule.id}#{group_index}"
                self._label_of[strings.add(key)] = label
                phrases = [nlp.make_doc(w) for w in terms.words]
                patterns = []
                for pattern in terms.patterns:
                    words = _as_phrases(pattern)
                    if words is None:
                        patterns.extend(_first_token_expanded(pattern))
                    else:
                        phrases.extend(Doc(nlp.vocab, words=list(w)) for w in words)
                if phrases:
                    self._phrases.add(key, phrases)
                if patterns:
                    self._patterns.add(key, patterns)
                for lemma in {w.lower() for w in terms.lemmas}:
                    self._lemmas.setdefault(strings.add(lemma), []).append(label)
                self._prefixes.extend((re.compile(p), label) for p in terms.prefixes)
        alternatives = "|".join(f"(?:{p.pattern})" for p, _ in self._prefixes) or "(?!)"
        self._any_prefix = re.compile(alternatives)

    def _prefix_labels(self, lower: int) -> tuple[int, ...]:
        """Return the labels whose prefix regexes match the word with this LOWER hash."""
        cached = self._word_cache.get(lower)
        if cached is None:
            text = self.nlp.vocab.strings[lower]
            cached = ()
            if self._any_prefix.match(text):
                cached = tuple(label for regex, label in self._prefixes if regex.match(text))
            if len(self._word_cache) > _CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[lower] = cached
        return cached

    def _group_spans(self, doc: Doc) -> dict[int, set[Span]]:
        """Return {label: token spans} of every term group in ``doc``."""
        spans: dict[int, set[Span]] = defaultdict(set)
        for key, start, end in [*self._phrases(doc), *self._patterns(doc)]:
            spans[self._label_of[key]].add((start, end))
        lemmas = self._lemmas
        for token in doc:
            for label in (*self._prefix_labels(token.lower), *lemmas.get(token.lemma, ())):
                spans[label].add((token.i, token.i + 1))
        return spans

    def find(self, doc: Doc) -> tuple[list[Span], list[RuleHit]]:
        """Return the sentence token bounds of ``doc`` and its rule hits, in sentence order."""
        if doc.vocab is not self.nlp.vocab:
            raise DraftingError("the documents were made by another pipeline than the matcher's")
        if len(doc) == 0:
            return [], []
        bounds = [(s.start, s.end) for s in doc.sents]
        sentence_of = [0] * len(doc)
        for number, (first, last) in enumerate(bounds):
            sentence_of[first:last] = [number] * (last - first)
        found: dict[tuple[int, int], dict[int, list[Span]]] = defaultdict(dict)
        for label, spans in self._group_spans(doc).items():
            rule_index, group_index = self._groups[label]
            for span in sorted(spans):
                groups = found[(sentence_of[span[0]], rule_index)]
                groups.setdefault(group_index, []).append(span)
        hits = []
        for (sentence, rule_index), groups in sorted(found.items()):
            rule = self.rules[rule_index]
            if len(rule.groups) == 1:
                hits.extend(RuleHit(rule, sentence, *span) for span in groups[0])
            elif rule.window:
                chain = [groups.get(i, []) for i in range(len(rule.groups))]
                span = _in_sequence(chain, rule.window)
                if span is not None:
                    hits.append(RuleHit(rule, sentence, *span))
            elif len(groups) >= rule.min_groups:
                hits.append(RuleHit(rule, sentence, *min(s[0] for s in groups.values())))
        hits.sort(key=lambda h: (h.sentence, h.start, h.end))
        return bounds, hits

    def find_all(self, docs: Sequence[Doc]) -> list[tuple[list[Span], list[RuleHit]]]:
        """Return, for each document, its sentence token bounds and its rule hits."""
        return [self.find(doc) for doc in docs]


def all_rules() -> tuple[Rule, ...]:
    """Return the shared rules followed by the rules of every shipped principle."""
    rules = list(load_common().rules)
    for key in available_principles():
        rules.extend(load_principle(key).rules)
    return tuple(rules)


@built_once
def get_matcher() -> RuleMatcher:
    """Return the process-wide matcher over all rules."""
    return RuleMatcher(get_nlp(), all_rules())
