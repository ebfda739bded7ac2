"""The horizontal-principles checker: Swedish draft text in, levels with their reasons out.

The modules, in the order a check runs:

* ``nlp``: the Swedish spaCy pipeline (tokens, lemmas, sentences);
* ``rules`` and ``principles/*.toml``: the one registry of principles and their rules;
* ``matching``: every rule's terms found in the sentences;
* ``evidence``: the hits turned into what each sentence says about each principle;
* ``judging``: each sentence's function (analysis, goal, activity, follow-up, or only a
  mention), the level and the findings a writer can act on;
* ``results``: the result types; ``checklists``: the assessors' questions answered;
* ``readability``, ``personal_data``, ``preprocess``, ``language``: the other findings.
"""

from drafting.checker.check import DEFAULT_TEMPLATE, check_sections, check_text
from drafting.checker.results import CheckResult, Finding, Level, PrincipleResult

__all__ = [
    "DEFAULT_TEMPLATE",
    "CheckResult",
    "Finding",
    "Level",
    "PrincipleResult",
    "check_sections",
    "check_text",
]
