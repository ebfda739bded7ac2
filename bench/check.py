"""Speed and memory of a full check on a 10,000-word draft.

Run: ``.venv/bin/python bench/check.py``. Prints the median time of a full check, the median
time of the bare spaCy pipeline (tokenizer + lemmatizer) over the same text, their ratio and
the process's peak RSS.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
import tomllib
from collections.abc import Callable
from importlib import resources

from drafting.checker import check_sections
from drafting.matching import get_matcher
from drafting.nlp import get_nlp
from drafting.sections import find_section
from drafting.templates import load_template

WORDS = 10_000
RUNS = 15
TARGET_MS, TARGET_RATIO, TARGET_RSS_MB = 150.0, 1.5, 250.0


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


def median_ms(function: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Return the median wall time and the median CPU time of ``function()`` in ms."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def peak_rss_mb() -> float:
    """Return the peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    check_sections(draft)  # warm caches

    def bare() -> None:
        with nlp.select_pipes(enable=["lemmatizer"]):
            for _ in nlp.pipe(texts):
                pass

    bare()
    full_ms, full_cpu = median_ms(lambda: check_sections(draft))
    bare_ms, bare_cpu = median_ms(bare)
    ratio = full_ms / bare_ms
    rss_end = peak_rss_mb()
    print(f"draft: {words} words in {len(texts)} sections, {sum(map(len, texts))} characters")
    print(f"load pipeline and matchers: {load_ms:.0f} ms")
    print(f"median of {RUNS} runs              wall ms   CPU ms")
    print(f"full check                      {full_ms:7.1f}  {full_cpu:7.1f}   target < 150")
    print(f"bare tokenizer + lemmatizer     {bare_ms:7.1f}  {bare_cpu:7.1f}")
    print(f"ratio full / bare (wall): {ratio:.2f}, (CPU): {full_cpu / bare_cpu:.2f}")
    print(f"   target <= {TARGET_RATIO:.2f}")
    print(f"peak RSS after loading: {rss_loaded:.0f} MB, after the runs: {rss_end:.0f} MB")
    print(f"   target < {TARGET_RSS_MB:.0f} MB")
    met = full_ms < TARGET_MS and ratio <= TARGET_RATIO and rss_end < TARGET_RSS_MB
    print("targets met:", "yes" if met else "NO")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
