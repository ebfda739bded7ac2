"""Tell Swedish text from text in another language, with spaCy's own stop-word lists.

The checker reads Swedish; a section in English would otherwise get three silent "Saknas". The
most frequent words of a language are its function words, so the share of a section's words
that are Swedish stop words against the share that are English ones tells the two apart on a
sentence or two. Words in both lists ("i", "a", "man") count for neither.
"""

from __future__ import annotations

from spacy.attrs import LOWER
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
from spacy.lang.sv.stop_words import STOP_WORDS as SWEDISH
from spacy.tokens import Doc

_SWEDISH = frozenset(SWEDISH - ENGLISH)
_ENGLISH = frozenset(ENGLISH - SWEDISH)
MIN_WORDS = 8


def looks_swedish(doc: Doc) -> bool | None:
    """Return True for Swedish, False for text that reads as another language, None when the
    text is too short (or has too few function words) to tell."""
    counts = doc.count_by(LOWER)
    strings = doc.vocab.strings
    words = {strings[h]: n for h, n in counts.items()}
    if sum(n for w, n in words.items() if w.isalpha()) < MIN_WORDS:
        return None
    swedish = sum(n for w, n in words.items() if w in _SWEDISH)
    english = sum(n for w, n in words.items() if w in _ENGLISH)
    if swedish + english < 3:
        return None
    return swedish >= english
