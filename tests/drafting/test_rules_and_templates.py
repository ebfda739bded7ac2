"""Loading and validating templates and rule files; the Swedish pipeline."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from drafting.checker.nlp import get_nlp
from drafting.checker.rules import (
    available_principles,
    load_common,
    load_principle,
    mandatory_principles,
    parse_principle,
    principle_keys,
)
from drafting.errors import DraftingError, RulesError, TemplateError
from drafting.templates import (
    DEFAULT_TEMPLATE,
    ROLES,
    available_templates,
    load_template,
    parse_template,
)


def test_shipped_templates() -> None:
    assert DEFAULT_TEMPLATE == "esf_plus"
    assert set(available_templates()) >= {"esf_plus", "esf_2007"}
    plus = load_template("esf_plus")
    assert plus.keys[:4] == ("sammanfattning", "bakgrund_problemanalys", "syfte", "mal_resultat")
    assert [s.principle for s in plus.children("horisontella_principer")] == list(
        mandatory_principles()
    )
    old = load_template("esf_2007")
    assert [s.title_sv for s in old.sections] == [
        "Sammanfattning",
        "Bakgrund",
        "Syfte",
        "Målsättning",
        "Tillgänglighet för personer med funktionsnedsättning",
        "Jämställdhetsintegrering",
        "Samarbetspartners",
        "Deltagande aktörer",
        "Kommun",
    ]
    for template in (plus, old):
        assert template.period and template.name("en")
        for section in template.sections:
            assert section.role in ROLES and section.max_chars > 0
            assert len(section.guidance("sv")) > 40 and len(section.guidance("en")) > 40


def _raw_template() -> dict[str, Any]:
    path = resources.files("drafting") / "templates" / "esf_2007.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("name_sv"), "missing 'name_sv'"),
        (lambda d: d["sections"][0].update(role="poetry"), "unknown role 'poetry'"),
        (lambda d: d["sections"][0].update(max_chars="lång"), "'max_chars' must be int"),
        (lambda d: d["sections"][0].update(mandatory=1), "'mandatory' must be bool"),
        (lambda d: d["sections"][0].update(key="Sammanfattning"), "ascii snake_case"),
        (lambda d: d["sections"][1].update(key="sammanfattning"), "duplicate section keys"),
        (lambda d: d["sections"][1].update(parent="nope"), "unknown parent 'nope'"),
        (lambda d: d["sections"][1].update(colour="red"), "unknown fields ['colour']"),
        (lambda d: d.update(sections=[]), "non-empty [[sections]]"),
    ],
)
def test_malformed_template_is_a_clear_error(change: Any, message: str) -> None:
    data = _raw_template()
    change(data)
    with pytest.raises(TemplateError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_template(data)


def test_unknown_template_key() -> None:
    with pytest.raises(TemplateError, match="unknown template 'esf_1995'"):
        load_template("esf_1995")
    with pytest.raises(DraftingError, match="invalid template key"):
        load_template("../etc/passwd")


def test_shipped_principles() -> None:
    assert set(available_principles()) == {
        "jamstalldhet",
        "tillganglighet",
        "likabehandling",
        "miljo",
        "gles_geografi",
    }
    for key in available_principles():
        principle = load_principle(key)
        assert principle.mandatory is (key in mandatory_principles())
        assert principle.checklist and principle.source_url.startswith("http")
    assert len(load_principle("jamstalldhet").checklist) == 9
    assert load_common().lix_bands


def _raw_principle() -> dict[str, Any]:
    path = resources.files("drafting.checker") / "principles" / "jamstalldhet.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["rules"][0].update(lemmas=["med"]), "function word"),
        (lambda d: d["rules"][0].update(prefixes=["(unclosed"]), "bad prefix regex"),
        (lambda d: d["rules"][0].update(category="other"), "category must be"),
        (lambda d: d["rules"][0].update(examples_no_match=[]), "examples_no_match"),
        (lambda d: d["messages"].pop("missing_en"), "missing messages"),
        (lambda d: d["checklist"][0].update(satisfied_by=["magic"]), "bad satisfied_by"),
        (lambda d: d.update(rules=[r for r in d["rules"] if r["category"] != "core"]), "core"),
    ],
)
def test_malformed_principle_is_a_clear_error(change: Any, message: str) -> None:
    data = _raw_principle()
    change(data)
    with pytest.raises(RulesError, match=message):
        parse_principle(data)


def test_lemmatiser_lower_cases_before_lookup() -> None:
    doc = get_nlp()("Kvinnorna och männen diskuterade jämställdheten.")
    assert [t.lemma_ for t in doc][:5] == ["kvinna", "och", "man", "diskutera", "jämställdhet"]
    assert get_nlp() is get_nlp()


def test_sentences_end_at_list_items_and_blank_lines() -> None:
    doc = get_nlp()("Rubrik\n• Punkt ett\n• Punkt två\n\nEn mening som fortsätter\nhär.")
    sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert sentences[:3] == ["Rubrik", "• Punkt ett", "• Punkt två"]


def test_the_principle_files_are_the_registry() -> None:
    assert mandatory_principles() == ("jamstalldhet", "tillganglighet", "likabehandling")
    assert principle_keys()[:3] == mandatory_principles()
    assert set(principle_keys()) == set(available_principles())
