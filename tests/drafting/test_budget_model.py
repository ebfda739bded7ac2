"""The budget's arithmetic in öre: staff lines, flat rates, co-financing, ESF support."""

from __future__ import annotations

from decimal import Decimal

import pytest

from drafting.budget.costmodel import load_cost_model
from drafting.budget.model import (
    Budget,
    BudgetDataError,
    CofinancingLine,
    CostLine,
    Participants,
    compute,
    format_money,
    parse_hours,
    parse_money,
)

ESF_PLUS = load_cost_model("esf_plus")
ESF_2007 = load_cost_model("esf_2007")


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("12 345,50", 1234550),
        ("12345.5", 1234550),
        ("652\u00a0091 kr", 65209100),
        ("0", 0),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_money(text, ore):
    assert parse_money(text) == ore


@pytest.mark.parametrize(
    "text", ["-5", "12,345,6", "abc", "1e3", "1,234", "NaN", "1.001", "9" * 20]
)
def test_parse_money_refuses(text):
    # "1,234": one comma is a decimal comma, and öre have two decimals
    with pytest.raises(ValueError):
        parse_money(text)


def test_hours_and_format():
    assert parse_hours("37,5") == Decimal("37.50")
    with pytest.raises(ValueError):
        parse_hours("-1")
    assert format_money(65209100) == "652\u00a0091"
    assert format_money(150) == "1,50"


def test_staff_rate_is_annual_cost_over_1720():
    line = CostLine(
        "genomforande", "staff", "Projektledare", annual_cost=60_000_000, hours=Decimal(860)
    )
    assert line.rate(ESF_PLUS) == 34884  # 600 000 kr / 1 720 h = 348,837… kr/h -> 348,84
    assert line.total(ESF_PLUS) == 30_000_240  # 860 h × 348,84 kr = 300 002,40 kr


def test_staff_plus_40_and_cofinancing():
    budget = Budget(
        options=("staff_plus_40",),
        costs=(CostLine("genomforande", "staff", "PL", hours=Decimal(1000), hourly_rate=50_000),),
        cofinancing=(
            CofinancingLine("genomforande", "public_cash", "Kommunen", 200_000_00),
            CofinancingLine("genomforande", "participant_allowance", "AF", 100_000_00),
        ),
    )
    totals = compute(budget, ESF_PLUS)
    phase = totals.phase("genomforande")
    assert phase.staff == 500_000_00 and phase.flat == 200_000_00 and phase.in_kind == 100_000_00
    assert totals.total == 800_000_00  # staff + 40 % + the allowance paid in kind
    assert totals.cofinancing == 300_000_00
    assert totals.esf_support == 500_000_00
    assert totals.esf_share == Decimal("62.5")
    assert totals.by_category == {"staff": 500_000_00, "flat_40": 200_000_00}


def test_round_trip_through_json():
    budget = Budget(
        options=("indirect_15",),
        months={"analys": 6},
        costs=(CostLine("analys", "travel", "Resor", amount=1234, tags=("tillganglighet",)),),
        cofinancing=(CofinancingLine("analys", "owner_cash", "Region", 99, owner=True),),
        participants=Participants(1, 2, 0, 3, {"under_18": 1}),
    )
    assert Budget.from_dict(budget.to_dict()) == budget


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"version": 99},
        {"version": 1, "costs": [{"phase": "a"}]},
        {"version": 1, "costs": [{"phase": "a", "category": "b", "amount": 1.5}]},
        {"version": 1, "costs": [{"phase": "a", "category": "b", "amount": -1}]},
        {"version": 1, "costs": [{"phase": "a", "category": "b", "tags": ["x"]}]},
        {"version": 1, "cofinancing": [{"phase": "a", "kind": "b", "owner": "yes"}]},
        {"version": 1, "months": {"a": True}},
        {"version": 1, "participants": {"women": -1}},
        {"version": 1, "participants": {"groups": {"x": "3"}}},
    ],
)
def test_malformed_data_is_refused(data):
    with pytest.raises(BudgetDataError):
        Budget.from_dict(data)


def test_2007_budget_has_no_flat_rates():
    budget = Budget(costs=(CostLine("genomforande", "indirect", "Indirekta", amount=100),))
    assert compute(budget, ESF_2007).total == 100
