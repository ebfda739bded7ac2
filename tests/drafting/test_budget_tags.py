"""Horizontal-principle cost tags answer the checklist questions on budgeted costs."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

import pytest

from drafting.budget.model import Budget, CostLine
from drafting.budget.store import save_budget, tagged_cost_lines
from drafting.checker.results import Evidence
from drafting.checker.rules import RulesError, load_principle, parse_principle
from drafting.review import checklists
from drafting.revisions import get_or_create_draft


def _row(lists, principle, key):
    return next(r for r in lists[principle] if r.key == key)


def test_the_budget_questions_name_their_tags():
    tillganglighet = {q.key: q for q in load_principle("tillganglighet").checklist}
    jamstalldhet = {q.key: q for q in load_principle("jamstalldhet").checklist}
    assert tillganglighet["budget"].budget_tags == ("tillganglighet",)
    assert jamstalldhet["kompetens"].budget_tags == ("jamstalldhet",)


def test_unknown_budget_tag_is_refused():
    path = resources.files("drafting") / "checker" / "principles" / "tillganglighet.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    bad = copy.deepcopy(data)
    next(q for q in bad["checklist"] if q["key"] == "budget")["budget_tags"] = ["miljo"]
    with pytest.raises(RulesError, match="budget_tags"):
        parse_principle(bad)


def test_tagged_lines_are_evidence(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    before = checklists(session, draft)
    assert not _row(before, "tillganglighet", "budget").met
    lines = (
        CostLine(
            "genomforande",
            "external_services",
            "Teckenspråkstolk",
            amount=40_000_00,
            tags=("tillganglighet",),
        ),
        CostLine(
            "genomforande",
            "external_services",
            "Jämställdhetsexpert",
            amount=30_000_00,
            tags=("jamstalldhet",),
        ),
        CostLine("genomforande", "travel", "Resor", amount=5_000_00),
    )
    save_budget(session, people["owner"], draft, Budget(("indirect_15",), {}, lines), None)
    assert tagged_cost_lines(session, draft) == {
        "tillganglighet": ("Teckenspråkstolk (Externa tjänster, 40\u00a0000 kr)",),
        "jamstalldhet": ("Jämställdhetsexpert (Externa tjänster, 30\u00a0000 kr)",),
    }
    after = checklists(session, draft)
    row = _row(after, "tillganglighet", "budget")
    assert row.met and row.auto_met
    assert row.evidence == (
        Evidence("budget", "Teckenspråkstolk (Externa tjänster, 40\u00a0000 kr)"),
    )
    assert _row(after, "jamstalldhet", "kompetens").met
