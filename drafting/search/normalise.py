"""Swedish normalisation for search: the checker's lemmatizer, applied to documents and queries.

A word becomes its lower-case lemma from the Swedish lookup table ("undersköterskor" ->
"undersköterska", "ungdomarna" -> "ungdom"); words the table does not know stay lower-cased.
Lemmas are split into runs of letters and digits (as both FTS5's unicode61 tokenizer and the
tsquery parser would), and stop words and punctuation are dropped. Documents and queries go
through the same function, so SQLite and PostgreSQL see the same terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.lang.sv.stop_words import STOP_WORDS

from drafting.checker.nlp import get_nlp

_WORD = re.compile(r"[^\W_]+")
# Characters that glue words together for spaCy's tokenizer ("<b>ord</b>", "a/b", "x_y"):
# each becomes a space, so every offset stays where it was.
_GLUE = re.compile(r"[^\w\s.,;:!?()\-–—'’%§&+]|_")
# Longer texts are cut here before lemmatising (a draft section is far shorter).
MAX_CHARS = 200_000


def _lemmas(texts: Iterable[str]) -> Iterator[list[tuple[str, str, int, int]]]:
    """For each text: (lemma part, lower-case word, start, end) of every searchable word."""
    nlp = get_nlp()
    with nlp.select_pipes(enable=["lemmatizer"]):
        for doc in nlp.pipe(_GLUE.sub(" ", text[:MAX_CHARS]) for text in texts):
            found = []
            for token in doc:
                if token.is_punct or token.is_space:
                    continue
                lower = token.lower_
                if lower in STOP_WORDS:
                    continue
                for part in _WORD.findall(token.lemma_.lower()):
                    if part not in STOP_WORDS:
                        found.append((part, lower, token.idx, token.idx + len(token)))
            yield found


def terms(text: str) -> list[str]:
    """The search terms of `text`, in order (repeats kept)."""
    return [lemma for lemma, _lower, _start, _end in next(_lemmas([text]))]


def normalise_many(texts: Iterable[str]) -> list[str]:
    """Each text as its space-separated search terms (what the index stores)."""
    return [" ".join(lemma for lemma, *_ in found) for found in _lemmas(texts)]


def query_terms(query: str, limit: int = 12) -> list[str]:
    """The distinct terms of a typed query, at most `limit` of them."""
    seen: dict[str, None] = {}
    for term in terms(query[:500]):
        seen.setdefault(term, None)
    return list(seen)[:limit]


def word_spans(text: str) -> list[tuple[str, str, int, int]]:
    """(lemma, lower-case word, start, end) for every searchable word of `text`."""
    return next(_lemmas([text]))


def word_spans_many(texts: Iterable[str]) -> list[list[tuple[str, str, int, int]]]:
    """`word_spans` of each text, lemmatised in one pass (a page of snippets at once)."""
    return list(_lemmas(texts))
