"""The Swedish spaCy pipeline, built once per process.

The pipeline is ``spacy.blank("sv")`` with a lookup lemmatizer fed by the Swedish table in
spacy-lookups-data, a sentencizer and a component that also ends sentences at blank lines and
list items. The lemmatizer looks words up lower-cased, so "Kvinnorna" gets the lemma "kvinna".

spaCy's own lookup lemmatizer keeps the 660,000-entry table as a Python dict and peaks at about
360 MB; this component keeps the same table as two sorted numpy arrays (about 10 MB) and
lemmatises a whole document with one vectorised lookup.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from array import array
from importlib import resources

import numpy as np
import spacy
from spacy.attrs import IDX, LEMMA, LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from drafting.errors import LanguageResourceError

_PAIR = re.compile(r'"((?:[^"\\\n]|\\.)*)": "((?:[^"\\\n]|\\.)*)"')
_BULLET_AHEAD = re.compile(r"[ \t]*(?:[•\-*–·▪◦‣●]|\d{1,2}[.)])\s")
_SENTENCE_END = (".", "!", "?", ":", ";")
SHORT_LINE = 60


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


class LineBreakSentences:
    """Also start a sentence after a blank line, before a list item and after a short line."""

    def __call__(self, doc: Doc) -> Doc:
        """Mark sentence starts that the punctuation-based sentencizer misses."""
        text = doc.text
        if "\n" not in text or len(doc) < 2:
            return doc
        starts = doc.to_array(IDX)
        for match in re.finditer(r"\n\s*", text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            previous = text[line_start : match.start()].strip()
            blank = match.group().count("\n") > 1
            if not (
                blank
                or len(previous) < SHORT_LINE
                or previous.endswith(_SENTENCE_END)
                or _BULLET_AHEAD.match(text, match.start() + 1)
            ):
                continue
            token = int(np.searchsorted(starts, match.end()))
            if 0 < token < len(doc) and starts[token] == match.end():
                doc[token].is_sent_start = True
        return doc


@Language.factory("sv_lookup_lemmatizer", assigns=["token.lemma"])
def make_lookup_lemmatizer(nlp: Language, name: str) -> LowercaseLookupLemmatizer:
    """Create the lower-casing Swedish lookup lemmatizer."""
    return LowercaseLookupLemmatizer(nlp.vocab)


@Language.factory("sv_line_breaks", assigns=["token.is_sent_start"])
def make_line_breaks(nlp: Language, name: str) -> LineBreakSentences:
    """Create the line-break sentence splitter."""
    return LineBreakSentences()


@functools.cache
def get_nlp() -> Language:
    """Return the process-wide Swedish pipeline (tokenizer, lemmatizer, sentence splitting)."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("sv_lookup_lemmatizer", name="lemmatizer")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("sv_line_breaks", name="line_breaks")
    nlp.initialize()
    return nlp
