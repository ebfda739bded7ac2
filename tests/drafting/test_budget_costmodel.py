"""The cost models shipped beside the templates, and the loader's validation."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from importlib import resources

import pytest

from drafting.budget.costmodel import (
    CostModelError,
    cost_model_keys,
    load_cost_model,
    parse_cost_model,
)
from drafting.templates import available_templates


def _raw(key: str) -> dict:
    path = resources.files("drafting") / "templates" / "budget" / f"{key}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_every_template_has_a_cost_model():
    assert set(cost_model_keys()) == set(available_templates())
    for key in cost_model_keys():
        assert load_cost_model(key).template == key


def test_esf_plus_staff_plus_40_has_no_other_direct_costs_and_excludes_15():
    model = load_cost_model("esf_plus")
    assert model.hours_per_year == 1720
    option = model.option("staff_plus_40")
    assert option.rate_percent == Decimal(40) and not option.other_direct_costs
    assert "indirect_15" in option.excludes
    assert model.option("indirect_15").rate_percent == Decimal(15)
    assert model.default_terms.required_percent == Decimal(46)
    assert [p.key for p in model.phases] == ["forstudie", "analys", "genomforande", "avslut"]
    assert not model.phase("avslut").participant_allowance
    assert model.phase("analys").months_max == 9


def test_call_terms_override_the_default():
    model = load_cost_model("esf_plus")
    assert model.terms("2026/00318").required_percent == Decimal(40)
    assert model.terms("2026/99999") is model.default_terms
    assert model.terms(None) is model.default_terms


def test_the_2007_model_has_the_seed_categories():
    model = load_cost_model("esf_2007")
    names = [c.name_sv for c in model.categories]
    assert names == [
        "Lön personal",
        "Köp av tjänst",
        "Lokal",
        "Resa",
        "Materiel",
        "Indirekta utgifter",
    ]
    assert model.options == ()
    owner = [k for k in model.cofinancing_kinds if k.owner]
    assert [k.name_sv for k in owner] == ["Kontant betalt av projektägaren"]


def test_kinds_of_cofinancing():
    model = load_cost_model("esf_plus")
    assert model.cofinancing_kind("participant_allowance").in_kind
    assert model.cofinancing_kind("owner_cash").cash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["cofinancing"].update(required_percent=46.0), "must be a string"),
        (lambda d: d["cofinancing"].update(required_percent="146"), "between 0 and 100"),
        (lambda d: d["categories"][0].update(kind="weird"), "unknown kind"),
        (lambda d: d["categories"].append(dict(d["categories"][1])), "duplicate category"),
        (lambda d: d["options"][0].update(category="travel"), "must be a flat category"),
        (lambda d: d["options"][0].update(excludes=["nope"]), "excludes unknown"),
        (lambda d: d["options"][0].update(base="everything"), "base must be"),
        (lambda d: d["phases"][1].update(months_min=10), "months_min is above"),
        (lambda d: d["cofinancing_kinds"][0].update(cash=False), "must be cash"),
        (lambda d: d["cofinancing_kinds"][1].update(owner=True), "exactly one"),
        (lambda d: d["calls"][0].update(options=["nope"]), "unknown options"),
        (lambda d: d["calls"].append(dict(d["calls"][0])), "its own 'diarienummer'"),
        (lambda d: d.update(colour="red"), "unknown fields"),
        (lambda d: d["categories"][0].pop("name_en"), "name_en"),
        (lambda d: d["categories"].pop(0), "exactly one category of kind 'staff'"),
        (lambda d: d.update(hours_per_year=0), "positive integer"),
    ],
)
def test_malformed_models_are_refused(change, message):
    data = copy.deepcopy(_raw("esf_plus"))
    parse_cost_model(copy.deepcopy(data))  # the original is valid
    change(data)
    with pytest.raises(CostModelError, match=message):
        parse_cost_model(data)


def test_unknown_template_has_no_cost_model():
    with pytest.raises(CostModelError):
        load_cost_model("esf_1995")
    with pytest.raises(CostModelError):
        load_cost_model("../esf_plus")
