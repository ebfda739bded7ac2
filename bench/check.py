"""Speed and memory of a full check on a 10,000-word draft.

Run: ``.venv/bin/python bench/check.py``. Prints the median time of a full check and, over the
same section texts in the same run, the median time of two references:

* the bare spaCy pipeline: ``spacy.blank("sv")`` with spaCy's own lookup lemmatizer (the
  Swedish table from spacy-lookups-data), run with ``nlp.pipe``, for the ratio of the whole
  check to the bare pipeline (information: the targets are the time and the memory);
* the project's own tokenizer + lemmatizer (the checker's pipeline without its sentence
  splitting), for information.

It also prints the process's peak RSS, measured before the stock pipeline is loaded (spaCy's
lookup lemmatizer holds its table as a Python dict of several hundred MB).
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from importlib import resources

import spacy
from spacy.language import Language

from drafting.checker import check_sections
from drafting.checker.matching import get_matcher
from drafting.checker.nlp import get_nlp
from drafting.sections import find_section
from drafting.templates import load_template

WORDS = 10_000
RUNS = 15
TARGET_MS, TARGET_RSS_MB = 150.0, 250.0


def build_draft(words: int = WORDS) -> dict[str, str]:
    """Cycle the labelled paragraphs into esf_plus sections until the draft has ``words``."""
    corpus = resources.files("drafting") / "corpus" / "labelled.toml"
    paragraphs = tomllib.loads(corpus.read_text(encoding="utf-8"))["paragraphs"]
    template = load_template("esf_plus")
    sections: dict[str, list[str]] = {key: [] for key in template.keys}
    total = 0
    while total < words:
        for paragraph in paragraphs:
            section = find_section(paragraph["section"], template)
            key = paragraph["section"] if section and section.key in sections else "sammanfattning"
            sections[key].append(paragraph["text"].strip())
            total += len(paragraph["text"].split())
            if total >= words:
                break
    return {key: "\n\n".join(texts) for key, texts in sections.items() if texts}


def time_ms(function: Callable[[], object]) -> tuple[float, float]:
    """Return the wall time and the CPU time of one call of ``function()`` in ms."""
    start, start_cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def medians(
    functions: dict[str, Callable[[], object]], runs: int = RUNS
) -> dict[str, tuple[float, float]]:
    """Return {name: (median wall ms, median CPU ms)}, the functions taking turns in each run so
    that load from other processes falls on all of them alike."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            samples[name].append(time_ms(function))
    return {
        name: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
        for name, found in samples.items()
    }


def peak_rss_mb() -> float:
    """Return the peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stock_pipeline() -> Language:
    """Return spaCy's own Swedish tokenizer + lookup lemmatizer, initialised."""
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def main() -> int:
    """Print the figures and return 0 if all targets are met."""
    start = time.perf_counter()
    nlp = get_nlp()
    get_matcher()
    load_ms = (time.perf_counter() - start) * 1000
    rss_loaded = peak_rss_mb()
    draft = build_draft()
    texts = list(draft.values())
    words = sum(len(t.split()) for t in texts)
    for _ in range(RUNS):  # warm caches; the peak RSS is the checker's alone
        check_sections(draft)
    rss_end = peak_rss_mb()
    stock = stock_pipeline()

    def bare_stock() -> None:
        for _ in stock.pipe(texts):
            pass

    def bare_own() -> None:
        with nlp.select_pipes(enable=["lemmatizer"]):
            for _ in nlp.pipe(texts):
                pass

    bare_stock()
    bare_own()
    found = medians({"full": lambda: check_sections(draft), "stock": bare_stock, "own": bare_own})
    (full_ms, full_cpu), (stock_ms, stock_cpu), (own_ms, own_cpu) = found.values()
    ratio = full_ms / stock_ms
    rss_stock = peak_rss_mb()
    row = "{:<44}{:7.1f}  {:7.1f}{}".format
    print(f"draft: {words} words in {len(texts)} sections, {sum(map(len, texts))} characters")
    print(f"load pipeline and matchers: {load_ms:.0f} ms")
    print(f"{f'median of {RUNS} runs':<44} wall ms   CPU ms")
    print(row("full check", full_ms, full_cpu, f"   target < {TARGET_MS:.0f}"))
    print(row("bare spaCy pipeline (stock lookup lemmas)", stock_ms, stock_cpu, ""))
    print(row("own tokenizer + lemmatizer (information)", own_ms, own_cpu, ""))
    print(
        f"ratio full / bare spaCy (wall): {ratio:.2f}, (CPU): {full_cpu / stock_cpu:.2f} "
        "(information)"
    )
    own_ratio = f"(wall): {full_ms / own_ms:.2f}, (CPU): {full_cpu / own_cpu:.2f}"
    print(f"ratio full / own pipeline {own_ratio} (information)")
    print(f"peak RSS after loading: {rss_loaded:.0f} MB, after the checks: {rss_end:.0f} MB")
    print(f"   target < {TARGET_RSS_MB:.0f} MB")
    print(f"   (loading the stock pipeline for the reference then takes it to {rss_stock:.0f} MB)")
    met = full_ms < TARGET_MS and rss_end < TARGET_RSS_MB
    print("targets met:", "yes" if met else "NO")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
