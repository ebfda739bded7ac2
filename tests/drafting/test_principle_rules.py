"""Every example sentence in every rule file behaves as the file says (rule fixtures)."""

from __future__ import annotations

import re

import pytest

from drafting.checker import check_sections
from drafting.checker.matching import all_rules, get_matcher
from drafting.checker.nlp import get_nlp
from drafting.checker.results import Level
from drafting.checker.rules import Rule

RULES = all_rules()


def surviving_rule_ids(sentence: str) -> set[str]:
    """Rule ids that hit in ``sentence`` once false friends have removed their overlaps."""
    doc = get_nlp()(sentence)
    _, hits = get_matcher().find(doc)
    friends = [
        (h.rule.principle, h.start, h.end) for h in hits if h.rule.category == "false_friend"
    ]
    return {
        h.rule.id
        for h in hits
        if h.rule.category == "false_friend"
        or not any(p == h.rule.principle and s < h.end and h.start < e for p, s, e in friends)
    }


def _cases(field: str) -> list[tuple[Rule, str]]:
    return [(rule, sentence) for rule in RULES for sentence in getattr(rule, field)]


@pytest.mark.parametrize(
    ("rule", "sentence"), _cases("examples_match"), ids=lambda v: getattr(v, "id", v)
)
def test_rule_matches_its_examples(rule: Rule, sentence: str) -> None:
    assert rule.id in surviving_rule_ids(sentence)


@pytest.mark.parametrize(
    ("rule", "sentence"), _cases("examples_no_match"), ids=lambda v: getattr(v, "id", v)
)
def test_rule_does_not_match_its_counter_examples(rule: Rule, sentence: str) -> None:
    assert rule.id not in surviving_rule_ids(sentence)


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [(r, s) for r, s in _cases("examples_match") if r.category == "false_friend"],
    ids=lambda v: getattr(v, "id", v),
)
def test_false_friends_do_not_count_as_coverage(rule: Rule, sentence: str) -> None:
    result = check_sections({"sammanfattning": sentence}, principles=[rule.principle])
    assert result.levels[rule.principle] is Level.ABSENT


def test_every_rule_has_examples_both_ways() -> None:
    assert RULES
    for rule in RULES:
        assert rule.examples_match and rule.examples_no_match, rule.id


def _stem(prefix: str) -> str:
    """The literal letters a prefix regex starts with ("" when it starts with a class)."""
    found = re.match(r"[a-zåäöé]+", prefix)
    return found.group(0) if found else ""


@pytest.mark.parametrize(
    "rule",
    [r for r in RULES if any(_stem(p) for g in r.groups for p in g.prefixes)],
    ids=lambda r: r.id,
)
def test_every_prefix_rule_has_a_look_alike_that_it_refuses(rule: Rule) -> None:
    """A prefix rule's counter-examples probe its edge: a word that begins like one of its
    prefixes (a longer compound, a neighbour) and is not the cue ("delmål" and
    "delmålgrupper")."""
    stems = {_stem(p)[:4] for g in rule.groups for p in g.prefixes if _stem(p)}
    words = {w for s in rule.examples_no_match for w in re.findall(r"[\wåäöé-]+", s.lower())}
    assert any(w.startswith(stem) for w in words for stem in stems), (rule.id, sorted(stems))
