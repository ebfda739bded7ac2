"""The combined matcher finds exactly the hits of a plain per-pattern matcher.

The reference runs one spaCy PhraseMatcher or Matcher per term group and pattern, and one regex
per prefix and token, on each document alone; the combined matcher compiles all groups into one
matcher and matches all documents of a check at once.
"""

from __future__ import annotations

import random
import re
import tomllib
from importlib import resources

import pytest
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from drafting.checker.matching import _in_sequence, all_rules, get_matcher
from drafting.checker.nlp import get_nlp

Hit = tuple[str, int, int, int]  # rule id, sentence, start, end


def _texts() -> list[str]:
    """The labelled corpus, the whole drafts, the seed text and every rule example."""
    corpus = resources.files("drafting") / "corpus"
    labelled = tomllib.loads((corpus / "labelled.toml").read_text(encoding="utf-8"))
    drafts = tomllib.loads((corpus / "drafts.toml").read_text(encoding="utf-8"))
    texts = [p["text"] for p in labelled["paragraphs"]]
    texts += [t for d in drafts["drafts"] for t in d["sections"].values()]
    texts.append((corpus / "seed_framsyn_esf.txt").read_text(encoding="utf-8"))
    texts += [s for r in all_rules() for s in r.examples_match + r.examples_no_match]
    return texts


def _shuffled(texts: list[str], count: int = 150) -> list[str]:
    """Sentences made of words drawn from the corpus, so that terms meet in new orders."""
    rng = random.Random(4)
    words = [w for t in texts for w in t.split()]
    return [" ".join(rng.choices(words, k=rng.randint(3, 60))) for _ in range(count)]


def _reference(doc: Doc) -> set[Hit]:
    """Match every group of every rule on its own and combine groups as the rules say."""
    nlp = get_nlp()
    starts = [t.i for t in doc if t.is_sent_start or t.i == 0]

    def sentence(token: int) -> int:
        return max(i for i, s in enumerate(starts) if s <= token)

    found: set[Hit] = set()
    for rule in all_rules():
        by_sentence: dict[int, dict[int, list[tuple[int, int]]]] = {}
        for index, terms in enumerate(rule.groups):
            spans: set[tuple[int, int]] = set()
            if terms.words:
                words = PhraseMatcher(nlp.vocab, attr="LOWER")
                words.add("t", [nlp.make_doc(w) for w in terms.words])
                spans |= {(s, e) for _, s, e in words(doc)}
            lemmas = {w.lower() for w in terms.lemmas}
            spans |= {(t.i, t.i + 1) for t in doc if t.lemma_ in lemmas}
            for pattern in terms.patterns:
                matcher = Matcher(nlp.vocab)
                matcher.add("t", [list(pattern)])
                spans |= {(s, e) for _, s, e in matcher(doc)}
            for prefix in terms.prefixes:
                spans |= {(t.i, t.i + 1) for t in doc if re.match(prefix, t.lower_)}
            for start, end in sorted(spans):
                groups = by_sentence.setdefault(sentence(start), {})
                groups.setdefault(index, []).append((start, end))
        for number, groups in by_sentence.items():
            if len(rule.groups) == 1:
                found |= {(rule.id, number, s, e) for s, e in groups[0]}
            elif rule.window:
                chain = [groups.get(i, []) for i in range(len(rule.groups))]
                span = _in_sequence(chain, rule.window)
                if span is not None:
                    found.add((rule.id, number, *span))
            elif len(groups) >= rule.min_groups:
                found.add((rule.id, number, *min(s[0] for s in groups.values())))
    return found


def _combined(doc_hits: list) -> set[Hit]:
    return {(h.rule.id, h.sentence, h.start, h.end) for h in doc_hits}


TEXTS = _texts()


@pytest.mark.parametrize("batch", range(8))
def test_combined_matcher_equals_per_pattern_reference(batch: int) -> None:
    texts = (TEXTS + _shuffled(TEXTS))[batch::8]
    docs = list(get_nlp().pipe(texts))
    results = get_matcher().find_all(docs)
    assert len(results) == len(docs)
    for doc, (bounds, hits) in zip(docs, results, strict=True):
        assert _combined(hits) == _reference(doc), doc.text[:80]
        starts = [t.i for t in doc if t.is_sent_start or t.i == 0]
        assert bounds == list(zip(starts, [*starts[1:], len(doc)], strict=True))
        assert [h.sentence for h in hits] == sorted(h.sentence for h in hits)


def test_documents_matched_together_or_alone_give_the_same_hits() -> None:
    texts = ["", "Minst 40", "procent av deltagarna är kvinnor.", "   ", *TEXTS[:30]]
    docs = list(get_nlp().pipe(texts))
    together = get_matcher().find_all(docs)
    alone = [get_matcher().find(doc) for doc in docs]
    assert [(b, _combined(h)) for b, h in together] == [(b, _combined(h)) for b, h in alone]
    # no match across documents: "Minst 40" + "procent" is no goal (the number alone is "applied")
    assert [h.rule.id for h in together[1][1]] == ["common.applied"] and together[2][1] != []
