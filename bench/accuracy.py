"""Accuracy of the principle levels on the labelled corpus, against a keyword baseline.

Run: ``.venv/bin/python bench/accuracy.py``. Exits with 1 if the checker does not beat the
baseline on every mandatory principle.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import resources

from drafting.checker import check_sections
from drafting.checker.rules import mandatory_principles

LEVELS = ("absent", "mentioned", "concrete", "integrated")
KEYWORDS = {
    "jamstalldhet": r"jämställ|genus|kvinn|\bmän\b|\bkön",
    "tillganglighet": r"tillgänglig|funktionsnedsätt|funktionshind|handikapp",
    "likabehandling": r"diskriminer|likabehandl|mångfald",
}
NUMBER = re.compile(r"\d")


def baseline(text: str, principle: str) -> str:
    """Keyword presence: a keyword is 'mentioned'; a keyword and a figure, or three, 'concrete'."""
    hits = len(re.findall(KEYWORDS[principle], text, flags=re.IGNORECASE))
    if hits == 0:
        return "absent"
    return "concrete" if hits >= 3 or NUMBER.search(text) else "mentioned"


def load_cases() -> list[tuple[str, dict[str, str], str, dict[str, str]]]:
    """Return (id, sections, template, expected levels) for paragraphs and whole drafts."""
    corpus = resources.files("drafting") / "corpus"
    cases = []
    for item in tomllib.loads((corpus / "labelled.toml").read_text(encoding="utf-8"))["paragraphs"]:
        sections = {item["section"]: item["text"]}
        cases.append((item["id"], sections, item.get("template", "esf_plus"), item["levels"]))
    for item in tomllib.loads((corpus / "drafts.toml").read_text(encoding="utf-8"))["drafts"]:
        cases.append((item["id"], item["sections"], item["template"], item["levels"]))
    return cases


def scores(pairs: list[tuple[str, str]]) -> tuple[float, float, float, float, float]:
    """Return accuracy, macro precision/recall over levels, and precision/recall of
    "concrete or better" (the decision the gate depends on)."""
    accuracy = sum(p == e for p, e in pairs) / len(pairs)
    precisions, recalls = [], []
    for level in LEVELS:
        predicted = [e for p, e in pairs if p == level]
        expected = [p for p, e in pairs if e == level]
        if expected:
            recalls.append(sum(p == level for p in expected) / len(expected))
        if predicted or expected:
            precisions.append(
                sum(e == level for e in predicted) / len(predicted) if predicted else 0
            )
    good = {"concrete", "integrated"}
    hits = sum(p in good and e in good for p, e in pairs)
    predicted_good = sum(p in good for p, _ in pairs)
    expected_good = sum(e in good for _, e in pairs)
    return (
        accuracy,
        sum(precisions) / len(precisions),
        sum(recalls) / len(recalls),
        hits / predicted_good if predicted_good else 0.0,
        hits / expected_good if expected_good else 0.0,
    )


def main() -> int:
    """Print the table and return 0 if the checker beats the baseline everywhere."""
    cases = load_cases()
    checker: dict[str, list[tuple[str, str]]] = {p: [] for p in mandatory_principles()}
    naive: dict[str, list[tuple[str, str]]] = {p: [] for p in mandatory_principles()}
    misses = []
    for case_id, sections, template, expected in cases:
        result = check_sections(sections, template).summary()
        text = "\n".join(sections.values())
        for principle in mandatory_principles():
            checker[principle].append((result[principle], expected[principle]))
            naive[principle].append((baseline(text, principle), expected[principle]))
            if result[principle] != expected[principle]:
                misses.append(
                    f"{case_id}/{principle}: {result[principle]} != {expected[principle]}"
                )
    print(f"{len(cases)} labelled cases (paragraphs and whole drafts)\n")
    header = "principle        method    accuracy  macro-P  macro-R  P(≥concrete)  R(≥concrete)"
    print(header)
    print("-" * len(header))
    beats = True
    for principle in mandatory_principles():
        ours, theirs = scores(checker[principle]), scores(naive[principle])
        beats &= ours[0] > theirs[0]
        for name, values in (("checker", ours), ("keywords", theirs)):
            a, p, r, pc, rc = values
            print(f"{principle:16} {name:9} {a:8.2f}  {p:7.2f}  {r:7.2f}  {pc:12.2f}  {rc:12.2f}")
    print("\nchecker beats the keyword baseline:", "yes" if beats else "NO")
    if misses:
        print("disagreements:", *misses, sep="\n  ")
    return 0 if beats else 1


if __name__ == "__main__":
    sys.exit(main())
