"""Readability of Swedish text: LIX and its usual interpretation bands."""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_ALPHA, LENGTH, SENT_START
from spacy.tokens import Doc

from drafting.checker.rules import load_common

LONG_WORD = 6


def lix(doc: Doc) -> float | None:
    """Return LIX = words/sentences + 100 * long words/words, or None without words."""
    if len(doc) == 0:
        return None
    array = doc.to_array([IS_ALPHA, LENGTH, SENT_START])
    alpha = array[:, 0] == 1
    words = int(alpha.sum())
    if words == 0:
        return None
    long_words = int((alpha & (array[:, 1] > LONG_WORD)).sum())
    sentence_ids = np.cumsum(array[:, 2] == 1)
    sentences = max(1, len(np.unique(sentence_ids[alpha])))
    return round(words / sentences + 100 * long_words / words, 1)


def lix_band(value: float, locale: str = "sv") -> str:
    """Return the interpretation of a LIX value in ``locale``."""
    for below, sv, en in load_common().lix_bands:
        if value < below:
            return en if locale.startswith("en") else sv
    _, sv, en = load_common().lix_bands[-1]
    return en if locale.startswith("en") else sv
