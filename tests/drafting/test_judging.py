"""What a sentence does for a principle decides its level: names, counts, intents and method
names are mentions; analysis, goals, activities and follow-up are concrete; every concrete level
carries the sentences that made it so."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from drafting.checker import check_sections, check_text
from drafting.checker.evidence import SUBSTANTIVE
from drafting.checker.results import CheckResult, Level
from drafting.sections import split_text
from drafting.templates import load_template

CORPUS = resources.files("drafting") / "corpus"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "devset"


def levels(text: str, section: str = "bakgrund_problemanalys") -> dict[str, str]:
    return {k[0]: v.value for k, v in check_sections({section: text}).levels.items()}


def rule_ids(result: CheckResult) -> set[str]:
    return {f.rule_id for f in result.findings}


# (text, expected {J, T, L} levels as A/M/C), each a pattern of Swedish ESF writing
CASES = {
    "method names applied to nothing": (
        "Vi arbetar med jämställdhetsintegrering, 3R-metoden, könsuppdelad statistik, "
        "universell utformning och aktiva åtgärder.",
        "MMM",
    ),
    "intent only": (
        "Jämställdhet ska genomsyra hela verksamheten. Alla deltagare ska ha samma möjligheter "
        "oavsett kön. Arbetet ska följas upp löpande.",
        "MAA",
    ),
    "sex-disaggregated figures read, Swedish number format": (
        "I kommunen är 1 204 personer långtidsarbetslösa, varav 61,5 procent kvinnor jämfört "
        "med 48,2 procent i riket.",
        "CAA",
    ),
    "a target group of women": (
        "Projektet riktar sig till utrikes födda kvinnor som står långt från arbetsmarknaden.",
        "MAA",
    ),
    "counts by sex": ("Projektet ska ha 40 deltagare, 25 kvinnor och 15 män.", "MAA"),
    "the boilerplate kvinnor och män": (
        "Projektet ska ge kvinnor och män som står långt från arbetsmarknaden ett arbete.",
        "AAA",
    ),
    "accessibility measures in plain words": (
        "Alla träffar hålls i anpassade lokaler och vi bokar teckenspråkstolk till varje "
        "informationsmöte.",
        "ACA",
    ),
    "support for neuropsychiatric disabilities": (
        "Deltagare med NPF får stöd av en coach varje vecka.",
        "ACA",
    ),
    "one ground, no word diskriminering": (
        "Romer i regionen har svårt att få arbete. Projektet anställer två romska brobyggare "
        "som stöttar deltagarna i kontakten med arbetsgivare.",
        "AAC",
    ),
    "delmålgrupper is no delmål": (
        "Projektet når nya delmålgrupper genom sociala medier under hösten.",
        "AAA",
    ),
    "normkritik in a gender-equality text": (
        "Vi arbetar normkritiskt med jämställdhet och utbildar personalen i genus varje termin.",
        "CAA",
    ),
    "tillgänglighet meaning availability": (
        "Tillgängligheten till utbildning är god i hela länet och lärcentrum har öppet varje "
        "kväll.",
        "AAA",
    ),
    "a sentence that refers back to the group": (
        "Projektet vänder sig till unga vuxna med NPF. De får en fast coach och praktik hos "
        "arbetsgivare varje vecka.",
        "ACA",
    ),
    "a target group beside generic measures": (
        "Målgruppen är utrikes födda och personer med funktionsnedsättning. Projektet genomför "
        "studiebesök för deltagarna.",
        "AMA",
    ),
    "a table of contents is no measure": (
        "Innehåll Sammanfattning Bakgrund Syfte Tema likabehandling Metod Organisation Budget "
        "Uppföljning Spridning Bilagor Referenser Ordlista Register Kontakt Förord Inledning "
        "Slutsatser Resultat Analys 2014 2015 2016",
        "AAM",
    ),
    "a method applied to something": (
        "Med 3R-metoden kartlägger vi under hösten hur kvinnor och män är representerade i "
        "styrgrupperna.",
        "CAA",
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_the_function_of_a_sentence_decides(text: str, expected: str) -> None:
    got = "".join({"absent": "A", "mentioned": "M"}.get(v, "C") for v in levels(text).values())
    assert got == expected


def test_method_names_get_a_finding_that_says_what_to_write() -> None:
    result = check_sections({"aktiviteter_metod": CASES["method names applied to nothing"][0]})
    finding = next(f for f in result.findings if f.rule_id == "jamstalldhet.method_names")
    assert finding.message_sv.startswith("Metodnamn utan innehåll: skriv vad ni gör med")
    assert finding.evidence.startswith("Vi arbetar med jämställdhetsintegrering")


def test_mentioned_says_which_link_is_missing_with_an_example() -> None:
    result = check_sections({"malgrupp": CASES["a target group of women"][0]})
    finding = next(f for f in result.findings if f.rule_id == "jamstalldhet.not_concrete")
    assert "Det som saknas är analysen, till exempel:" in finding.message_sv
    assert "procent kvinnor" in finding.message_sv
    assert "What is missing is the analysis, for example:" in finding.message_en


def test_negation_is_an_error() -> None:
    result = check_sections({"bakgrund_problemanalys": "Jämställdhet är inte relevant här."})
    negation = next(f for f in result.findings if f.rule_id == "jamstalldhet.negation")
    assert negation.severity == "error"


def test_text_that_is_not_swedish_says_so() -> None:
    english = (
        "The project will promote gender equality and accessibility for persons with "
        "disabilities. All staff will be trained in non-discrimination."
    )
    result = check_sections({"bakgrund_problemanalys": english})
    found = [f for f in result.findings if f.rule_id == "language.not_swedish"]
    assert len(found) == 1 and found[0].severity == "error"
    assert "svenska" in found[0].message_sv and "Swedish" in found[0].message_en
    swedish = check_sections({"bakgrund_problemanalys": CASES["intent only"][0]})
    assert "language.not_swedish" not in rule_ids(swedish)


def _texts() -> list[tuple[str, dict[str, str], str]]:
    """Every text the checker is measured on: (name, sections, template)."""
    found = []
    for paragraph in tomllib.loads((CORPUS / "labelled.toml").read_text(encoding="utf-8"))[
        "paragraphs"
    ]:
        template = paragraph.get("template", "esf_plus")
        found.append((paragraph["id"], {paragraph["section"]: paragraph["text"]}, template))
    for draft in tomllib.loads((CORPUS / "drafts.toml").read_text(encoding="utf-8"))["drafts"]:
        found.append((draft["id"], draft["sections"], draft["template"]))
    seed = (CORPUS / "seed_framsyn_esf.txt").read_text(encoding="utf-8")
    found.append(("seed", split_text(seed, load_template("esf_2007")), "esf_2007"))
    if SHARED.is_dir():
        for path in sorted(SHARED.glob("*.txt")):
            body = path.read_text(encoding="utf-8").split("\n", 2)[2]
            found.append((path.stem, split_text(body, load_template("esf_plus")), "esf_plus"))
    return found


def test_no_level_without_its_reasons() -> None:
    texts = _texts()
    assert len(texts) > (130 if SHARED.is_dir() else 70)  # the shared texts when they are there
    concrete = 0
    for name, sections, template in texts:
        result = check_sections(sections, template)
        for key, found in result.principles.items():
            if found.level < Level.CONCRETE:
                continue
            concrete += 1
            assert found.evidence, (name, key)
            functions = {e.function for e in found.evidence}
            assert functions <= set(SUBSTANTIVE), (name, key, functions)
            if found.level is Level.INTEGRATED:
                assert {k for k, present in found.chain.items() if present} == set(found.chain)
            for item in found.evidence:
                assert sections[item.section][item.start : item.end] == item.sentence, name
                assert item.rule_id and item.rule_id in item.rule_ids
    assert concrete > (60 if SHARED.is_dir() else 30)


def test_the_command_line_json_carries_the_evidence(tmp_path: Path) -> None:
    from drafting.cli import main

    path = tmp_path / "utkast.txt"
    path.write_text(CASES["a method applied to something"][0], encoding="utf-8")
    out = __import__("io").StringIO()
    main(["check", "--json", str(path)], out=out)
    record = json.loads(out.getvalue())
    (item,) = record["evidence"]["jamstalldhet"]
    assert item["function"] == "analysis"
    assert item["rule_id"].startswith("jamstalldhet.")
    assert record["evidence"]["tillganglighet"] == []
    assert set(item) >= {"section", "start", "end", "sentence", "function", "rule_id"}


def test_check_text_reads_the_seed_as_an_assessor_would() -> None:
    seed = (CORPUS / "seed_framsyn_esf.txt").read_text(encoding="utf-8")
    result = check_text(seed, "esf_2007")
    gender = result.principles["jamstalldhet"]
    assert any(e.function == "analysis" for e in gender.evidence)
