"""Checklists answered from the check result, and people's overrides."""

from __future__ import annotations

from importlib import resources

from drafting.checker import check_text
from drafting.checker.checklists import apply_overrides, checklist

SEED = (resources.files("drafting") / "corpus" / "seed_framsyn_esf.txt").read_text(encoding="utf-8")


def test_gender_checklist_on_the_seed() -> None:
    result = check_text(SEED, "esf_2007")
    items = {item.key: item for item in checklist(result, "jamstalldhet")}
    assert list(items) == [
        "analys_data",
        "analys_mal",
        "egna_mal",
        "indikatorer",
        "aktiviteter",
        "kompetens",
        "upphandling",
        "uppfoljning",
        "utvardering",
    ]
    met = {key for key, item in items.items() if item.status == "met"}
    assert met == {"analys_data", "aktiviteter", "kompetens"}
    evidence = items["kompetens"].evidence[0]
    assert evidence.section == "jamstalldhetsintegrering" and "ESF jämt" in evidence.sentence
    assert items["egna_mal"].evidence == () and items["egna_mal"].question("en").startswith("Does")
    assert result.principles["jamstalldhet"].checklist == list(items.values())


def test_overrides_keep_the_automatic_answer() -> None:
    items = checklist(check_text(SEED, "esf_2007"), "likabehandling")
    overridden = apply_overrides(items, {"analys": (True, "Analysen finns i bilaga 2.")})
    first = overridden[0]
    assert first.key == "analys" and first.auto_status == "not_met"
    assert first.status == "met" and first.overridden
    assert first.override_reason == "Analysen finns i bilaga 2."
    assert all(not i.overridden and i.status == i.auto_status for i in overridden[1:])
    back = apply_overrides(overridden, {})
    assert back[0].status == "not_met" and not back[0].overridden and back[0].override_reason == ""
