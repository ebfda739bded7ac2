"""Every budget rule with a budget it accepts and one it flags (like the principle rules)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from drafting.budget.costmodel import load_cost_model
from drafting.budget.model import Budget, CofinancingLine, CostLine, Participants
from drafting.budget.rules import RULES, Context, validate

MODEL = load_cost_model("esf_plus")
CTX = Context(MODEL, MODEL.default_terms)


def staff(phase="genomforande", hours=1000, rate=50_000, **kw):
    return CostLine(
        phase,
        "staff",
        kw.pop("description", "Projektledare"),
        hours=Decimal(hours),
        hourly_rate=rate,
        **kw,
    )


def cofin(kind="public_cash", amount=400_000_00, phase="genomforande", financier="Kommunen", **kw):
    return CofinancingLine(phase, kind, financier, amount, **kw)


# 1 100 h × 500 kr = 550 000 + 40 % = 770 000 kr; 46 % of that is 354 200 kr.
GOOD = Budget(
    options=("staff_plus_40",),
    months={"analys": 6, "avslut": 2},
    costs=(staff(), staff("analys", 100)),
    cofinancing=(cofin(amount=400_000_00),),
    participants=Participants(40, 38, 2, 80, {"age_18_29": 30, "unemployed": 80}),
)
GOOD_15 = Budget(
    options=("indirect_15",),
    costs=(staff(), CostLine("genomforande", "travel", "Resor", amount=50_000_00)),
    cofinancing=(cofin(amount=300_000_00),),
)

CASES = {
    "budget.unknown_key": [
        replace(GOOD, costs=(replace(staff(), phase="mars"),)),
        replace(GOOD, options=("staff_plus_99",)),
        replace(GOOD, cofinancing=(cofin(kind="gift"),)),
    ],
    "budget.flat_rate_typed": [
        replace(GOOD, costs=(*GOOD.costs, CostLine("genomforande", "flat_40", "", amount=5))),
    ],
    "budget.option_not_in_call": [replace(GOOD_15, options=("indirect_15",))],
    "budget.options_combined": [replace(GOOD, options=("staff_plus_40", "indirect_15"))],
    "budget.other_direct_costs": [
        replace(GOOD, costs=(*GOOD.costs, CostLine("genomforande", "travel", "Resa", amount=1)))
    ],
    "budget.line_incomplete": [
        replace(GOOD, costs=(replace(staff(), hours=None),)),
        replace(GOOD_15, costs=(staff(), CostLine("genomforande", "travel", "Resor"))),
        replace(GOOD, cofinancing=(cofin(amount=None),)),
    ],
    "budget.hourly_rate": [replace(GOOD, costs=(staff(annual_cost=60_000_000),))],
    "budget.cofinancing_requirement": [replace(GOOD, cofinancing=(cofin(amount=300_000_00),))],
    "budget.totals": [
        replace(GOOD, cofinancing=(cofin(amount=900_000_00),)),
    ],
    "budget.participant_allowance_phase": [
        replace(
            GOOD,
            cofinancing=(*GOOD.cofinancing, cofin("participant_allowance", 1000, "avslut", "AF")),
        )
    ],
    "budget.in_kind_duplicated": [
        replace(
            GOOD_15,
            costs=(
                *GOOD_15.costs,
                CostLine("genomforande", "equipment", "Lokaler, kommunen", amount=10_000_00),
            ),
            cofinancing=(
                *GOOD_15.cofinancing,
                cofin("public_in_kind", 10_000_00, financier="lokaler kommunen"),
            ),
        )
    ],
    "budget.owner_cash_only": [
        replace(GOOD, cofinancing=(*GOOD.cofinancing, cofin("public_in_kind", 100, owner=True)))
    ],
    "budget.participants_sum": [
        replace(GOOD, participants=Participants(40, 38, 0, 90)),
        replace(GOOD, participants=Participants(40, 38, None, 79)),
    ],
    "budget.participants_groups": [
        replace(GOOD, participants=Participants(40, 40, None, 80, {"unemployed": 81})),
        replace(GOOD, participants=Participants(40, 40, None, 80, {"pensioners": 1})),
        replace(GOOD, participants=Participants(2, 2, None, None, {"age_55_plus": 5})),
    ],
    "budget.phase_months": [
        replace(GOOD, months={"analys": 12}),
        replace(GOOD, months={"avslut": 3}),
    ],
}


def ids(findings):
    return {f.rule_id for f in findings}


def test_every_rule_has_cases():
    # the idea-figure rule needs the idea's figures: test_participants_agree_with_the_idea
    assert set(CASES) | {"budget.participants_idea"} == set(RULES)


@pytest.mark.parametrize("good", [GOOD, GOOD_15], ids=["40", "15"])
def test_valid_budgets_have_no_findings(good):
    terms = replace(MODEL.default_terms, options=("staff_plus_40", "indirect_15"))
    assert validate(good, Context(MODEL, terms)) == []


@pytest.mark.parametrize(
    ("rule_id", "budget"),
    [(rule_id, budget) for rule_id, budgets in CASES.items() for budget in budgets],
)
def test_invalid_budgets_are_flagged(rule_id, budget):
    terms = replace(MODEL.default_terms, options=("staff_plus_40", "indirect_15"))
    if rule_id == "budget.option_not_in_call":
        terms = MODEL.default_terms  # the default allows the 40 % option only
    findings = validate(budget, Context(MODEL, terms))
    assert rule_id in ids(findings)
    flagged = [f for f in findings if f.rule_id == rule_id]
    assert all(f.message_sv and f.message_en and f.section == "budget" for f in flagged)


def test_transition_region_call_needs_40_percent():
    budget = replace(GOOD, cofinancing=(cofin(amount=320_000_00),))  # 41,6 % of 770 000
    assert "budget.cofinancing_requirement" in ids(validate(budget, CTX))
    call = Context(MODEL, MODEL.terms("2026/00318"))
    assert "budget.cofinancing_requirement" not in ids(validate(budget, call))


def test_requirement_message_names_the_gap():
    budget = replace(GOOD, cofinancing=(cofin(amount=300_000_00),))
    finding = next(f for f in validate(budget, CTX) if f.rule_id.endswith("requirement"))
    assert "354\u00a0200 kr" in finding.message_sv and "54\u00a0200 kr" in finding.message_en


def test_idea_estimate_differs_is_information_only():
    ctx = Context(MODEL, MODEL.default_terms, idea_budget_total=650_000_00)
    findings = validate(GOOD, ctx)
    assert [f.severity for f in findings] == ["info"]
    assert validate(GOOD, Context(MODEL, MODEL.default_terms, idea_budget_total=77_000_000)) == []


def test_participants_agree_with_the_idea():
    agree = Context(MODEL, MODEL.default_terms, idea_participants=(40, 38, 80))
    assert validate(GOOD, agree) == []
    differ = Context(MODEL, MODEL.default_terms, idea_participants=(45, 38, None))
    findings = validate(GOOD, differ)
    assert [f.rule_id for f in findings] == ["budget.participants_idea"]
    assert "kvinnor 40 (idén 45)" in findings[0].message_sv
    assert "women 40 (idea 45)" in findings[0].message_en


def test_non_binary_only_where_the_template_asks():
    old = load_cost_model("esf_2007")
    budget = Budget(participants=Participants(48, 39, 1, 88))
    assert "budget.participants_sum" in ids(validate(budget, Context(old, old.default_terms)))
    fine = Budget(participants=Participants(48, 39, None, 87))
    assert validate(fine, Context(old, old.default_terms)) == []


def test_empty_budget_has_no_findings():
    assert validate(Budget(), CTX) == []
