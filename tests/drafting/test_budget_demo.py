"""The demo budgets: the seed's total is its published figure, the ESF+ budgets pass."""

from __future__ import annotations

from types import SimpleNamespace

from drafting.budget.costmodel import load_cost_model
from drafting.budget.demo import SEED_BUDGET, SEED_TOTAL_ORE, esf_plus_budget
from drafting.budget.model import compute
from drafting.budget.rules import Context, validate


def test_seed_budget_total_is_the_published_figure():
    model = load_cost_model("esf_2007")
    totals = compute(SEED_BUDGET, model)
    assert totals.total == SEED_TOTAL_ORE == 65_209_100
    assert totals.esf_support == SEED_TOTAL_ORE  # "Beviljat ESF-stöd 652 091 kr"
    context = Context(model, model.default_terms, SEED_TOTAL_ORE, (48, 39, 87))
    assert validate(SEED_BUDGET, context) == []


def test_esf_plus_demo_budget_passes_the_rules():
    model = load_cost_model("esf_plus")
    org = SimpleNamespace(name="Lycksele kommun")
    idea = SimpleNamespace(
        budget_total=4_200_000,
        lead_organisation=org,
        municipalities=[SimpleNamespace(name="Lycksele")],
        participants_women=30,
        participants_men=20,
        participants_total=50,
    )
    budget = esf_plus_budget(idea)
    findings = validate(budget, Context(model, model.default_terms, None, (30, 20, 50)))
    assert [f.rule_id for f in findings if f.severity == "error"] == []
    total = compute(budget, model).total
    assert abs(total - 4_200_000_00) < 1_000_00  # near the estimate
