"""Threads that start checking at the same moment share one pipeline and one matcher.

A web process with threads builds the pipeline on its first requests; if two threads built
their own, the matcher would hold one pipeline's vocabulary while documents came from the
other, and every later check with a new word would fail. Run in a fresh process so the
pipeline really is built by the racing threads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RACE = """
import threading
from drafting.checker import check_sections
from drafting.checker.matching import get_matcher
from drafting.checker.nlp import get_nlp

barrier = threading.Barrier(4)
errors = []

def first_request():
    barrier.wait()
    try:
        check_sections({"syfte": "Vi startar ett lärcentrum med uppföljning."})
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=first_request) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
assert get_matcher().nlp is get_nlp()
result = check_sections({"syfte": "Fjällkompetensnavet följer upp resultat könsuppdelat."})
print("ok", sorted(result.levels))
"""


def test_racing_first_checks_share_one_pipeline():
    done = subprocess.run(
        [sys.executable, "-c", RACE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ['jamstalldhet', 'likabehandling', 'tillganglighet']")


def test_documents_from_another_pipeline_are_refused():
    import pytest
    import spacy

    from drafting.checker.matching import get_matcher
    from drafting.errors import DraftingError

    stranger = spacy.blank("sv")("Ett dokument från en annan pipeline.")
    with pytest.raises(DraftingError):
        get_matcher().find_all([stranger])
