"""Every example sentence in every rule file behaves as the file says (rule fixtures)."""

from __future__ import annotations

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
