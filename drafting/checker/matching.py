"""Compile rules into one matcher once, and find rule hits per sentence of documents.

All term groups of all rules are compiled together, with the group's index as the match id, and
matched over the token arrays of all documents of a check at once:

* one-word terms and prefixes (regexes on the lower-cased token text) are looked up once per
  distinct word of the documents;
* phrases of several words (compared lower-cased) go into one PhraseMatcher;
* lemmas and token patterns become fixed-length sequences of token tests (a pattern with
  optional tokens becomes one sequence per length), matched with numpy; a pattern that cannot be
  written so (``*``, ``+``, ``!`` or attributes other than LOWER, LEMMA and LIKE_NUM) goes to a
  spaCy Matcher instead.

The hits are those spaCy's Matcher and PhraseMatcher would return pattern by pattern.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import IDX, IS_ALPHA, LEMMA, LIKE_NUM, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from drafting.checker.nlp import built_once, get_nlp, is_member
from drafting.checker.rules import Rule, available_principles, load_common, load_principle
from drafting.errors import DraftingError

_CACHE_LIMIT = 200_000
_MAX_VARIANTS = 512
_ATTRS = [LOWER, LEMMA, LIKE_NUM, SENT_START, IDX, IS_ALPHA]
_OPS = re.compile(r"\{(\d*)(,?)(\d*)\}")

# A token test: ("ANY",), (attr, "==", hash), (attr, "IN", hashes), (attr, "NOT_IN", hashes)
# or ("LIKE_NUM", "==", 0 or 1); a token spec is a tuple of tests that must all hold.
Test = tuple[Any, ...]
Spec = tuple[Test, ...]


class RuleHit(NamedTuple):
    """A rule that hit in one sentence; the token span is where its first group matched."""

    rule: Rule
    sentence: int
    start: int
    end: int


def _quantity(op: object) -> tuple[int, int] | None:
    """Return (least, most) repetitions of a token for its OP, or None if unbounded/unknown."""
    if op is None or op == "1":
        return 1, 1
    if op == "?":
        return 0, 1
    bounds = _OPS.fullmatch(op) if isinstance(op, str) else None
    if bounds is None:
        return None
    low, comma, high = bounds.groups()
    if not comma:
        return (int(low), int(low)) if low else None
    if not high:
        return None
    return int(low or 0), int(high)


def _spec(token: dict[str, Any], strings: Any) -> Spec | None:
    """Compile one token pattern (without OP) into tests, or None if it is not supported."""
    tests: list[Test] = []
    for attr, value in token.items():
        if attr == "OP":
            continue
        if attr == "LIKE_NUM" and isinstance(value, bool):
            tests.append(("LIKE_NUM", "==", int(value)))
        elif attr in ("LOWER", "LEMMA") and isinstance(value, str):
            tests.append((attr, "==", strings.add(value)))
        elif (
            attr in ("LOWER", "LEMMA")
            and isinstance(value, dict)
            and len(value) == 1
            and set(value) <= {"IN", "NOT_IN"}
            and isinstance(next(iter(value.values())), list)
            and next(iter(value.values()))
            and all(isinstance(v, str) for v in next(iter(value.values())))
        ):
            kind, words = next(iter(value.items()))
            hashes = tuple(sorted({strings.add(w) for w in words}))
            tests.append((attr, kind, hashes))
        else:
            return None
    return tuple(sorted(tests)) or (("ANY",),)


def _lemma(word: str, strings: Any) -> Spec:
    """Compile a lemma term: one token whose lemma is the lower-cased word."""
    return (("LEMMA", "==", strings.add(word.lower())),)


def _sequences(pattern: Sequence[dict[str, Any]], strings: Any) -> list[tuple[Spec, ...]] | None:
    """Write a token pattern as the fixed-length token sequences it matches, or None."""
    choices = []
    for token in pattern:
        quantity = _quantity(token.get("OP"))
        spec = _spec(token, strings)
        if quantity is None or spec is None:
            return None
        low, high = quantity
        choices.append([(spec,) * n for n in range(low, high + 1)])
    variants = []
    for combination in itertools.product(*choices):
        variants.append(tuple(spec for part in combination for spec in part))
        if len(variants) > _MAX_VARIANTS or not variants[-1]:
            return None
    return list(dict.fromkeys(variants))


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


class Tokens:
    """The token attributes of several documents laid end to end, and their sentences."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        arrays = [doc.to_array(_ATTRS) for doc in docs]
        lengths = np.array([len(doc) for doc in docs], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        self.size = int(self.offsets[-1])
        table = np.concatenate(arrays) if self.size else np.zeros((0, len(_ATTRS)), np.uint64)
        self.lower = table[:, 0]
        self.lemma = table[:, 1]
        self.like_num = table[:, 2] == 1
        # where each token's document ends, so that no match runs into the next document
        self.doc_end = np.repeat(self.offsets[1:], lengths)
        sent_start = table[:, 3] == 1
        sent_start[self.offsets[:-1][lengths > 0]] = True
        self.sentence_starts = np.flatnonzero(sent_start)
        self.sentence_ends = np.append(self.sentence_starts[1:], self.size)
        # the first sentence of each document (and the number of sentences at the end)
        self.first_sentence = np.searchsorted(self.sentence_starts, self.offsets)
        self.idx = table[:, 4].astype(np.int64)
        self.is_alpha = table[:, 5] == 1
        self.unique_lower, self.lower_inverse = np.unique(self.lower, return_inverse=True)


class RuleMatcher:
    """All rules compiled into word lookups, one PhraseMatcher and numpy token sequences."""

    def __init__(self, nlp: Language, rules: Sequence[Rule]) -> None:
        self.nlp = nlp
        self.rules = tuple(rules)
        strings = nlp.vocab.strings
        labels: list[tuple[int, int]] = []
        self._by_key: dict[int, int] = {}
        self._words = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._fallback = Matcher(nlp.vocab)
        self._has_words = self._has_fallback = False
        specs: dict[Spec, int] = {}
        sequences: dict[tuple[int, ...], list[int]] = {}
        self._prefixes: list[tuple[re.Pattern[str], int]] = []
        self._single_words: dict[int, list[int]] = {}
        self._word_cache: dict[int, tuple[int, ...]] = {}
        for rule_index, rule in enumerate(self.rules):
            for group_index, terms in enumerate(rule.groups):
                label = len(labels)
                labels.append((rule_index, group_index))
                key = f"{rule.id}#{group_index}"
                self._by_key[strings.add(key)] = label
                for doc in (nlp.make_doc(w) for w in terms.words):
                    if len(doc) == 1:
                        self._single_words.setdefault(doc[0].lower, []).append(label)
                    else:
                        self._words.add(key, [doc])
                        self._has_words = True
                found = [[(_lemma(w, strings),)] for w in terms.lemmas]
                for pattern in terms.patterns:
                    written = _sequences(pattern, strings)
                    if written is None:
                        self._fallback.add(key, [list(pattern)])
                        self._has_fallback = True
                    else:
                        found.append(written)
                for variant in itertools.chain.from_iterable(found):
                    ids = tuple(specs.setdefault(spec, len(specs)) for spec in variant)
                    sequences.setdefault(ids, []).append(label)
                for prefix in terms.prefixes:
                    self._prefixes.append((re.compile(prefix), label))
        self._specs = list(specs)
        self._keys = np.array(sorted(self._by_key), dtype=np.uint64)
        self._key_labels = np.array([self._by_key[k] for k in sorted(self._by_key)], np.int64)
        self._sequence_list = [(ids, np.array(ls, np.int64)) for ids, ls in sequences.items()]
        self._longest = max((len(ids) for ids in sequences), default=1)
        self._label_rule = np.array([r for r, _ in labels], dtype=np.int64)
        self._label_group = [g for _, g in labels]
        self._single = np.array([len(r.groups) == 1 for r in self.rules], dtype=bool)
        self._windowed = np.array([bool(r.window) for r in self.rules], dtype=bool)
        self._min_groups = np.array([r.min_groups for r in self.rules], dtype=np.int64)
        self._group_count = np.array([len(r.groups) for r in self.rules], dtype=np.int64)
        self._group_of = np.array(self._label_group, dtype=np.int64)
        alternatives = "|".join(f"(?:{p.pattern})" for p, _ in self._prefixes) or "(?!)"
        self._any_prefix = re.compile(alternatives)

    # -- term hits -------------------------------------------------------------------------

    def _test(self, tokens: Tokens, test: Test) -> np.ndarray:
        """Evaluate one token test over all tokens."""
        if test[0] == "ANY":
            return np.ones(tokens.size, dtype=bool)
        if test[0] == "LIKE_NUM":
            return tokens.like_num if test[2] else ~tokens.like_num
        attr, kind, value = test
        if attr == "LOWER":
            # on the distinct words only, then spread over the tokens
            values = tokens.unique_lower
        else:
            values = tokens.lemma
        if kind == "==":
            result = values == np.uint64(value)
        else:
            result = is_member(values, np.array(value, dtype=np.uint64))
            if kind == "NOT_IN":
                result = ~result
        return result[tokens.lower_inverse] if attr == "LOWER" else result

    def _sequence_hits(self, tokens: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (labels, starts, ends) of every fixed-length token sequence in the tokens."""
        padded = np.zeros(tokens.size + self._longest, dtype=bool)
        tests: dict[Test, np.ndarray] = {}
        holds: list[np.ndarray | None] = [None] * len(self._specs)
        firsts: dict[int, np.ndarray] = {}

        def spec_holds(index: int) -> np.ndarray:
            found = holds[index]
            if found is None:
                result = padded.copy()
                result[: tokens.size] = True
                for test in self._specs[index]:
                    if test not in tests:
                        tests[test] = self._test(tokens, test)
                    result[: tokens.size] &= tests[test]
                holds[index] = found = result
            return found

        labels, starts, ends = [], [], []
        for ids, sequence_labels in self._sequence_list:
            candidates = firsts.get(ids[0])
            if candidates is None:
                candidates = firsts[ids[0]] = np.flatnonzero(spec_holds(ids[0]))
            for offset, index in enumerate(ids[1:], 1):
                if len(candidates) == 0:
                    break
                candidates = candidates[spec_holds(index)[candidates + offset]]
            candidates = candidates[candidates + len(ids) <= tokens.doc_end[candidates]]
            if len(candidates):
                count = len(candidates)
                labels.append(np.repeat(sequence_labels, count))
                starts.append(np.tile(candidates, len(sequence_labels)))
                ends.append(np.tile(candidates + len(ids), len(sequence_labels)))
        if not labels:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(labels), np.concatenate(starts), np.concatenate(ends)

    def _word_labels(self, lower_hash: int) -> tuple[int, ...]:
        """Return the labels of the one-word terms and the prefix regexes that match the token
        text with this LOWER hash."""
        cached = self._word_cache.get(lower_hash)
        if cached is None:
            cached = tuple(self._single_words.get(lower_hash, ()))
            text = self.nlp.vocab.strings[lower_hash]
            if self._any_prefix.match(text):
                cached += tuple(label for regex, label in self._prefixes if regex.match(text))
            if len(self._word_cache) > _CACHE_LIMIT:
                self._word_cache.clear()
            self._word_cache[lower_hash] = cached
        return cached

    def _word_hits(self, tokens: Tokens) -> tuple[np.ndarray, np.ndarray]:
        """Return (labels, starts) of every one-word term and prefix hit."""
        labels_of = [self._word_labels(h) for h in tokens.unique_lower.tolist()]
        pairs = [(u, label) for u, found in enumerate(labels_of) for label in found]
        if not pairs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        words, labels = np.array(pairs, dtype=np.int64).T
        # tokens sorted by their word, so each word's tokens are one slice
        order = np.argsort(tokens.lower_inverse, kind="stable")
        bounds = np.searchsorted(tokens.lower_inverse[order], np.arange(len(labels_of) + 1))
        counts = bounds[words + 1] - bounds[words]
        first = np.repeat(bounds[words], counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(labels, counts), order[first + within]

    def _hits(self, docs: Sequence[Doc], tokens: Tokens) -> np.ndarray:
        """Return the distinct (start, label, end) term hits, sorted, as rows."""
        labels, starts, ends = self._sequence_hits(tokens)
        word_labels, word_starts = self._word_hits(tokens)
        parts = [
            np.stack([starts, labels, ends], axis=1),
            np.stack([word_starts, word_labels, word_starts + 1], axis=1),
        ]
        for doc, offset in zip(docs, tokens.offsets.tolist(), strict=False):
            found = self._words(doc) if self._has_words and len(doc) else []
            if self._has_fallback and len(doc):
                found = [*found, *self._fallback(doc)]
            if found:
                rows = np.array(found, dtype=np.uint64)
                label = self._key_labels[np.searchsorted(self._keys, rows[:, 0])]
                span = rows[:, 1:].astype(np.int64) + offset
                parts.append(np.stack([span[:, 0], label, span[:, 1]], axis=1))
        rows = np.concatenate(parts).astype(np.int64)
        if len(rows) == 0:
            return rows
        # one integer per row that sorts like the row, to sort and drop duplicates quickly
        labels, widths = len(self._label_rule), int((rows[:, 2] - rows[:, 0]).max()) + 1
        keys = np.unique((rows[:, 0] * labels + rows[:, 1]) * widths + rows[:, 2] - rows[:, 0])
        starts, rest = np.divmod(keys, labels * widths)
        labels_of, lengths = np.divmod(rest, widths)
        return np.stack([starts, labels_of, starts + lengths], axis=1)

    # -- rule hits -------------------------------------------------------------------------

    def match(self, docs: Sequence[Doc]) -> Matches:
        """Match all rules in ``docs`` at once.

        Hits come in document and sentence order; within a sentence grouped by rule, the rules
        in the order of their first hit, and by token within a rule.
        """
        docs = list(docs)
        if any(doc.vocab is not self.nlp.vocab for doc in docs):
            raise DraftingError("the documents were made by another pipeline than the matcher's")
        tokens = Tokens(docs)
        empty = np.zeros(0, dtype=np.int64)
        rows = self._hits(docs, tokens)
        if len(rows) == 0:
            return Matches(tokens, empty, empty, empty, empty, empty)
        starts, labels, ends = rows.T
        rules = self._label_rule[labels]
        sentences = np.searchsorted(tokens.sentence_starts, starts, side="right") - 1
        pairs = rules * len(tokens.sentence_starts) + sentences
        _, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
        order = np.lexsort((np.arange(len(rows)), first[inverse.ravel()]))
        starts, labels, ends = starts[order], labels[order], ends[order]
        rules, sentences, pairs = rules[order], sentences[order], pairs[order]
        several = ~self._single[rules]
        if several.any():
            keep = ~several
            self._counted(several & ~self._windowed[rules], pairs, labels, starts, ends, keep)
            self._chained(several & self._windowed[rules], pairs, labels, starts, ends, keep)
            starts, ends, rules, sentences = starts[keep], ends[keep], rules[keep], sentences[keep]
        doc_of = np.searchsorted(tokens.offsets, starts, side="right") - 1
        return Matches(tokens, doc_of, sentences, rules, starts, ends)

    def _counted(
        self,
        chosen: np.ndarray,
        pairs: np.ndarray,
        labels: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        keep: np.ndarray,
    ) -> None:
        """Resolve the rules that need ``min_groups`` of their groups in a sentence: the hit
        takes the row of the pair's first hit and the smallest (start, end) among the groups'
        first hits."""
        rows = np.flatnonzero(chosen)
        if len(rows) == 0:
            return
        groups = self._group_of[labels[rows]]
        pair_ids, first_of_pair, pair_row = np.unique(
            pairs[rows], return_index=True, return_inverse=True
        )
        pair_row = pair_row.ravel()
        # the first hit of each (pair, group)
        _, group_first = np.unique(pair_row * (groups.max() + 1) + groups, return_index=True)
        heads = rows[group_first]
        owner = pair_row[group_first]
        counts = np.bincount(owner, minlength=len(pair_ids))
        best = np.lexsort((ends[heads], starts[heads], owner))
        best = best[np.searchsorted(owner[best], np.arange(len(pair_ids)))]
        target = rows[first_of_pair]
        found = counts >= self._min_groups[self._label_rule[labels[target]]]
        target, best = target[found], heads[best[found]]
        keep[target] = True
        starts[target], ends[target] = starts[best], ends[best]

    def _chained(
        self,
        chosen: np.ndarray,
        pairs: np.ndarray,
        labels: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        keep: np.ndarray,
    ) -> None:
        """Resolve the rules whose groups must follow each other within windows (only in
        sentences where every group hit)."""
        rows = np.flatnonzero(chosen)
        if len(rows) == 0:
            return
        groups = self._group_of[labels[rows]]
        _, pair_row = np.unique(pairs[rows], return_inverse=True)
        pair_row = pair_row.ravel()
        distinct = np.unique(pair_row * (groups.max() + 1) + groups) // (groups.max() + 1)
        counts = np.bincount(distinct, minlength=pair_row.max() + 1)
        needed = self._group_count[self._label_rule[labels[rows]]]
        rows = rows[counts[pair_row] == needed]
        pending: dict[int, tuple[int, Rule, dict[int, list[tuple[int, int]]]]] = {}
        columns = zip(
            rows.tolist(),
            pairs[rows].tolist(),
            labels[rows].tolist(),
            starts[rows].tolist(),
            ends[rows].tolist(),
            strict=True,
        )
        for row, pair, label, start, end in columns:
            if pair not in pending:
                pending[pair] = (row, self.rules[int(self._label_rule[label])], {})
            pending[pair][2].setdefault(self._label_group[label], []).append((start, end))
        for row, rule, found in pending.values():
            span = _in_sequence([found[i] for i in range(len(rule.groups))], rule.window)
            if span is not None:
                keep[row] = True
                starts[row], ends[row] = span

    def find_all(self, docs: Sequence[Doc]) -> list[tuple[list[tuple[int, int]], list[RuleHit]]]:
        """Return, for each document, its sentence token bounds and the rule hits per sentence
        (sentences and tokens numbered within the document)."""
        docs = list(docs)
        found = self.match(docs)
        tokens = found.tokens
        results = []
        for index in range(len(docs)):
            low, high = tokens.first_sentence[index], tokens.first_sentence[index + 1]
            offset = tokens.offsets[index]
            bounds = zip(
                (tokens.sentence_starts[low:high] - offset).tolist(),
                (tokens.sentence_ends[low:high] - offset).tolist(),
                strict=True,
            )
            chosen = found.doc == index
            first = tokens.first_sentence[index]
            hits = map(
                RuleHit,
                [self.rules[r] for r in found.rule[chosen].tolist()],
                (found.sentence[chosen] - first).tolist(),
                (found.start[chosen] - offset).tolist(),
                (found.end[chosen] - offset).tolist(),
            )
            results.append((list(bounds), list(hits)))
        return results

    def find(self, doc: Doc) -> tuple[list[tuple[int, int]], list[RuleHit]]:
        """Return the sentence token bounds of ``doc`` and the rule hits per sentence."""
        return self.find_all([doc])[0]


class Matches(NamedTuple):
    """The rule hits in several documents: per hit its document, its sentence (numbered over
    all documents), rule index and token span (counted over all documents)."""

    tokens: Tokens
    doc: np.ndarray
    sentence: np.ndarray
    rule: np.ndarray
    start: np.ndarray
    end: np.ndarray


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
