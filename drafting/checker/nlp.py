"""The Swedish spaCy pipeline, built once per process.

The pipeline is ``spacy.blank("sv")`` with a lookup lemmatizer fed by the Swedish table in
spacy-lookups-data and a sentencizer that also ends sentences at blank lines and list items.
The lemmatizer looks words up lower-cased, so "Kvinnorna" gets the lemma "kvinna".

spaCy's own lookup lemmatizer keeps the 660,000-entry table as a Python dict and peaks at about
360 MB; this component keeps the same table as two sorted numpy arrays (about 10 MB) and
lemmatises a whole document with one vectorised lookup. The sentencizer applies the rule of
spaCy's own (a sentence starts at the first word after sentence-final punctuation) with numpy
rather than a Python loop over tokens.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import threading
from array import array
from collections.abc import Callable
from importlib import resources
from typing import TypeVar

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline.sentencizer import Sentencizer as SpacySentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from drafting.errors import LanguageResourceError

T = TypeVar("T")
_PAIR = re.compile(r'"((?:[^"\\\n]|\\.)*)": "((?:[^"\\\n]|\\.)*)"')
_BULLETS = ("•", "-", "*", "–", "·", "▪", "◦", "‣", "●", "—")
SHORT_LINE = 60


def is_member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Vectorised ``value in sorted_set`` (faster than ``np.isin`` for small sets)."""
    position = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[position] == values


def _unescape(value: str) -> str:
    """Decode JSON escapes in a string taken from the raw lemma table."""
    return json.loads(f'"{value}"') if "\\" in value else value


@functools.cache
def lemma_table() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Return (sorted key hashes, lemma indices, lemmas) from the Swedish lookup table."""
    try:
        path = resources.files("spacy_lookups_data") / "data" / "sv_lemma_lookup.json.gz"
        with gzip.open(str(path), "rt", encoding="utf-8") as handle:
            raw = handle.read()
    except (ModuleNotFoundError, OSError) as exc:
        raise LanguageResourceError(f"cannot read the Swedish lemma table: {exc}") from exc
    keys: array[int] = array("Q")
    values: array[int] = array("I")
    index: dict[str, int] = {}
    for match in _PAIR.finditer(raw):
        key = _unescape(match.group(1)).lower()
        lemma = _unescape(match.group(2))
        if key == lemma:
            continue
        position = index.setdefault(lemma, len(index))
        keys.append(get_string_id(key))
        values.append(position)
    del raw
    if not keys:
        raise LanguageResourceError("the Swedish lemma table is empty")
    key_array = np.frombuffer(keys, dtype=np.uint64)
    unique_keys, first = np.unique(key_array, return_index=True)
    lemma_index = np.frombuffer(values, dtype=np.uint32)[first].copy()
    return unique_keys, lemma_index, tuple(index)


class LowercaseLookupLemmatizer:
    """Set ``token.lemma`` from the Swedish lookup table, looking words up lower-cased."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._table: tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None = None

    def initialize(self, get_examples: object = None, *, nlp: Language | None = None) -> None:
        """Load the lemma table (called by ``nlp.initialize()``)."""
        self._table = lemma_table()

    def __call__(self, doc: Doc) -> Doc:
        """Lemmatise every token of ``doc``; unknown words get their lower-case form."""
        if self._table is None:
            self.initialize()
        if len(doc) == 0:
            return doc
        keys, lemma_index, lemmas = self._table  # type: ignore[misc]
        lower = doc.to_array(LOWER)
        position = np.minimum(np.searchsorted(keys, lower), len(keys) - 1)
        known = keys[position] == lower
        result = lower.copy()
        if known.any():
            wanted, inverse = np.unique(lemma_index[position[known]], return_inverse=True)
            add = self.vocab.strings.add
            hashes = np.fromiter((add(lemmas[i]) for i in wanted), np.uint64, len(wanted))
            result[known] = hashes[inverse]
        doc.from_array([LEMMA], result.reshape(-1, 1))
        return doc


class Sentencizer:
    """Split sentences like spaCy's sentencizer, and also at blank lines, before list items and
    after short lines (headings, list entries), with numpy instead of a loop over tokens."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        chars = SpacySentencizer.default_punct_chars
        self._punct = np.array(sorted(vocab.strings.add(c) for c in chars), dtype=np.uint64)
        numbered = [f"{n}{c}" for n in range(1, 100) for c in ".)"]
        marks = [*_BULLETS, *numbered]
        self._bullets = np.array(sorted({vocab.strings.add(m) for m in marks}), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        """Set ``is_sent_start`` on every token of ``doc``."""
        length = len(doc)
        if length == 0:
            return doc
        array = doc.to_array([ORTH, IS_PUNCT, IDX, IS_SPACE])
        ends = is_member(array[:, 0], self._punct)
        words = ~ends & (array[:, 1] == 0)
        seen = np.cumsum(ends)
        positions = np.flatnonzero(words)
        starts = np.zeros(length, dtype=bool)
        starts[0] = True
        if len(positions) > 1:
            previous, current = positions[:-1], positions[1:]
            starts[current[seen[current - 1] > seen[previous]]] = True
        self._line_breaks(array, ends, starts)
        values = np.where(starts, 1, -1).astype(np.uint64)
        doc.from_array([SENT_START], values.reshape(-1, 1))
        return doc

    def _line_breaks(self, array: np.ndarray, ends: np.ndarray, starts: np.ndarray) -> None:
        """Start a sentence after a blank line, before a list item or after a short line."""
        spaces = np.flatnonzero(array[:-1, 3])
        if len(spaces) == 0:
            return
        orth = array[:, 0]
        unique = np.unique(orth[spaces])
        newlines = np.array([self.vocab.strings[int(h)].count("\n") for h in unique])
        counts = newlines[np.searchsorted(unique, orth[spaces])]
        breaks, counts = spaces[counts > 0], counts[counts > 0]
        if len(breaks) == 0:
            return
        line_first = np.concatenate(([0], breaks[:-1] + 1))
        line_chars = array[breaks, 2] - array[line_first, 2]
        after_punct = ends[np.maximum(breaks - 1, 0)]
        bullet = is_member(orth[breaks + 1], self._bullets)
        chosen = (counts > 1) | (line_chars < SHORT_LINE) | after_punct | bullet
        starts[breaks[chosen] + 1] = True


@Language.factory("sv_lookup_lemmatizer", assigns=["token.lemma"])
def make_lookup_lemmatizer(nlp: Language, name: str) -> LowercaseLookupLemmatizer:
    """Create the lower-casing Swedish lookup lemmatizer."""
    return LowercaseLookupLemmatizer(nlp.vocab)


@Language.factory("sv_sentencizer", assigns=["token.is_sent_start"])
def make_sentencizer(nlp: Language, name: str) -> Sentencizer:
    """Create the vectorised sentence splitter."""
    return Sentencizer(nlp.vocab)


def built_once(build: Callable[[], T]) -> Callable[[], T]:
    """Cache a process-wide object built by ``build``; threads asking at the same time wait
    for one build and share it (``functools.cache`` alone may build twice, and a matcher bound
    to one pipeline's vocabulary cannot read strings that another pipeline interned)."""
    lock = threading.Lock()
    cached = functools.cache(build)

    @functools.wraps(build)
    def get() -> T:
        with lock:
            return cached()

    get.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return get


@built_once
def get_nlp() -> Language:
    """Return the process-wide Swedish pipeline (tokenizer, lemmatizer, sentence splitting)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("sv_lookup_lemmatizer", name="lemmatizer")
    nlp.add_pipe("sv_sentencizer", name="sentencizer")
    nlp.initialize()
    return nlp
