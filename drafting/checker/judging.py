"""Judge each principle from its readings, and say what is wrong and how to fix it.

* **integrated**: the whole chain, analysis -> goal -> activity -> follow-up, each in at least
  one sentence about the principle;
* **concrete**: at least one sentence of analysis, a goal, an activity or follow-up about it;
* **mentioned**: only names, intents, lists, target groups, counts or method names;
* **absent**: nothing.

Every concrete or integrated result carries the sentences that made it so (``evidence``).
"""

from __future__ import annotations

from drafting.checker.evidence import SUBSTANTIVE, PrincipleEvidence, Reading
from drafting.checker.results import EvidenceItem, Finding, Level, PrincipleResult
from drafting.checker.rules import Principle, load_common

CHAIN = ("analysis", "goals", "activities", "followup")
LINK_OF_FUNCTION = dict(zip(SUBSTANTIVE, CHAIN, strict=True))


def _functions(evidence: PrincipleEvidence) -> set[str]:
    """Return every function some reading serves (a sentence can be goal and follow-up)."""
    return {f for r in evidence.readings for f in (r.function, *r.functions)}


def level_of(evidence: PrincipleEvidence) -> Level:
    """Return the level the readings support."""
    functions = _functions(evidence)
    if all(f in functions for f in SUBSTANTIVE):
        return Level.INTEGRATED
    if functions & set(SUBSTANTIVE):
        return Level.CONCRETE
    if evidence.readings or evidence.devoted_sections:
        return Level.MENTIONED
    return Level.ABSENT


def _item(reading: Reading) -> EvidenceItem:
    ref = reading.sentence
    return EvidenceItem(
        section=ref.section,
        start=ref.start,
        end=ref.end,
        sentence=ref.text,
        function=reading.function,
        rule_id=reading.rule_ids[0] if reading.rule_ids else "",
        rule_ids=list(reading.rule_ids),
    )


def principle_result(key: str, evidence: PrincipleEvidence) -> PrincipleResult:
    """Build the PrincipleResult (checklist left empty) for one principle."""
    level = level_of(evidence)
    cues: dict[str, dict[str, list[str]]] = {}
    for reading in evidence.substantive:
        for kind in reading.kinds:
            sentences = cues.setdefault(reading.sentence.section, {}).setdefault(kind, [])
            if reading.sentence.text not in sentences:
                sentences.append(reading.sentence.text)
    sections: list[str] = []
    for section in [*(r.sentence.section for r in evidence.readings), *evidence.devoted_sections]:
        if section not in sections:
            sections.append(section)
    functions = _functions(evidence)
    chain = {link: function in functions for function, link in LINK_OF_FUNCTION.items()}
    shown = evidence.substantive if level >= Level.CONCRETE else evidence.readings
    return PrincipleResult(key, level, sections, cues, chain, evidence=[_item(r) for r in shown])


def _sentence_finding(
    rule_id: str, principle: Principle, severity: str, sv: str, en: str, reading: Reading
) -> Finding:
    """Build a finding that points at a sentence."""
    ref = reading.sentence
    return Finding(
        rule_id=rule_id,
        principle=principle.key,
        severity=severity,
        message_sv=sv,
        message_en=en,
        section=ref.section,
        start=ref.start,
        end=ref.end,
        evidence=ref.text,
        source_url=principle.source_url,
    )


def _join(names: list[str], locale: str) -> str:
    """Join link names as "a, b och c"."""
    word = load_common().chain_names[f"and_{locale}"]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def _missing_link(principle: Principle, result: PrincipleResult) -> tuple[str, str]:
    """Return the first missing link of the chain, with an example sentence, in sv and en."""
    link = next(link for link in CHAIN if not result.chain.get(link))
    example = {loc: principle.message(f"example_{link}", loc) for loc in ("sv", "en")}
    names = load_common().chain_names
    messages = load_common().messages
    return (
        messages["missing_link_sv"].format(link=names[f"{link}_sv"], example=example["sv"]),
        messages["missing_link_en"].format(link=names[f"{link}_en"], example=example["en"]),
    )


def principle_findings(
    principle: Principle, evidence: PrincipleEvidence, result: PrincipleResult
) -> list[Finding]:
    """Return the findings for one principle: missing, not concrete (with the missing link and
    an example), method names without content, empty declarations, negations, chain gaps."""
    key = principle.key
    findings: list[Finding] = []
    source = principle.source_url
    if result.level is Level.ABSENT:
        severity = "error" if principle.mandatory else "warning"
        sv, en = principle.message("missing", "sv"), principle.message("missing", "en")
        findings.append(Finding(f"{key}.missing", key, severity, sv, en, source_url=source))
    elif result.level is Level.MENTIONED:
        link_sv, link_en = _missing_link(principle, result)
        findings.append(
            Finding(
                f"{key}.not_concrete",
                key,
                "warning",
                f"{principle.message('not_concrete', 'sv')} {link_sv}",
                f"{principle.message('not_concrete', 'en')} {link_en}",
                section=result.sections[0] if result.sections else None,
                source_url=source,
            )
        )
    messages = load_common().messages
    seen: set[tuple[str, int]] = set()
    for reading in evidence.readings:
        ref = reading.sentence
        place = (ref.section, ref.start)
        if place in seen:
            continue
        if reading.function == "negation":
            seen.add(place)
            sv, en = principle.message("negation", "sv"), principle.message("negation", "en")
            findings.append(
                _sentence_finding(f"{key}.negation", principle, "error", sv, en, reading)
            )
        elif reading.function == "method_name":
            seen.add(place)
            severity = "info" if result.level >= Level.CONCRETE else "warning"
            values = {"principle_sv": principle.name("sv"), "principle_en": principle.name("en")}
            sv = messages["method_names_sv"].format(**values)
            en = messages["method_names_en"].format(**values)
            rule = f"{key}.method_names"
            findings.append(_sentence_finding(rule, principle, severity, sv, en, reading))
        elif reading.function == "intent":
            seen.add(place)
            concrete = result.level >= Level.CONCRETE
            name = "empty_declaration_info" if concrete else "empty_declaration"
            severity = "info" if concrete else "warning"
            sv, en = principle.message(name, "sv"), principle.message(name, "en")
            rule = f"{key}.empty_declaration"
            findings.append(_sentence_finding(rule, principle, severity, sv, en, reading))
    if result.level is Level.CONCRETE:
        names = load_common().chain_names
        present = {
            locale: _join([names[f"{n}_{locale}"] for n in CHAIN if result.chain.get(n)], locale)
            for locale in ("sv", "en")
        }
        for link in CHAIN:
            if result.chain.get(link):
                continue
            findings.append(
                Finding(
                    f"{key}.chain.{link}",
                    key,
                    "warning",
                    principle.message(f"chain_{link}", "sv", present=present["sv"]),
                    principle.message(f"chain_{link}", "en", present=present["en"]),
                    source_url=source,
                )
            )
    return findings
