"""Judge each principle's level and chain from its evidence, and phrase the findings."""

from __future__ import annotations

from collections.abc import Mapping

from drafting.checker.evidence import PrincipleEvidence, SentenceRef
from drafting.checker.results import Finding, Level, PrincipleResult
from drafting.checker.rules import Principle, load_common

CHAIN = ("analysis", "goals", "activities", "followup")
CHAIN_KINDS = {
    "analysis": frozenset({"analysis", "policy"}),
    "goals": frozenset({"goal", "indicator"}),
    "activities": frozenset({"activity", "competence", "budget", "procurement", "cooperation"}),
    "followup": frozenset({"followup", "evaluation"}),
}
CHAIN_ROLES = {
    "analysis": frozenset({"analysis"}),
    "goals": frozenset({"goals"}),
    "activities": frozenset({"activities", "target_group", "organisation", "budget"}),
    "followup": frozenset({"followup"}),
}


def chain_links(evidence: PrincipleEvidence, roles: Mapping[str, str]) -> dict[str, bool]:
    """Tell for each chain link whether a cue of its kind, or any cue in a section of its role,
    is present."""
    links = {}
    for link in CHAIN:
        links[link] = any(
            cue.kind in CHAIN_KINDS[link] or roles.get(cue.sentence.section) in CHAIN_ROLES[link]
            for cue in evidence.cues
        )
    return links


def level_of(evidence: PrincipleEvidence, links: Mapping[str, bool]) -> Level:
    """Return the level: cues make it concrete, a full chain integrated, a mention mentioned."""
    if evidence.cues:
        return Level.INTEGRATED if all(links.values()) else Level.CONCRETE
    if evidence.mentions or evidence.devoted_sections or evidence.negations or evidence.weak:
        return Level.MENTIONED
    return Level.ABSENT


def principle_result(
    key: str, evidence: PrincipleEvidence, roles: Mapping[str, str]
) -> PrincipleResult:
    """Build the PrincipleResult (checklist left empty) for one principle."""
    links = chain_links(evidence, roles)
    cues: dict[str, dict[str, list[str]]] = {}
    for cue in evidence.cues:
        sentences = cues.setdefault(cue.sentence.section, {}).setdefault(cue.kind, [])
        if cue.sentence.text not in sentences:
            sentences.append(cue.sentence.text)
    sections: list[str] = []
    for ref in [*evidence.mentions, *(c.sentence for c in evidence.cues)]:
        if ref.section not in sections:
            sections.append(ref.section)
    for section in evidence.devoted_sections:
        if section not in sections:
            sections.append(section)
    return PrincipleResult(key, level_of(evidence, links), sections, cues, links)


def _sentence_finding(
    rule_id: str, principle: Principle, severity: str, name: str, ref: SentenceRef
) -> Finding:
    """Build a finding that points at a sentence."""
    return Finding(
        rule_id=rule_id,
        principle=principle.key,
        severity=severity,
        message_sv=principle.message(name, "sv"),
        message_en=principle.message(name, "en"),
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


def principle_findings(
    principle: Principle, evidence: PrincipleEvidence, result: PrincipleResult
) -> list[Finding]:
    """Return the findings for one principle: missing, vague, empty, negated, chain gaps."""
    key = principle.key
    findings: list[Finding] = []
    if result.level is Level.ABSENT:
        severity = "error" if principle.mandatory else "warning"
        findings.append(
            Finding(
                f"{key}.missing",
                key,
                severity,
                principle.message("missing", "sv"),
                principle.message("missing", "en"),
                source_url=principle.source_url,
            )
        )
    elif result.level is Level.MENTIONED:
        findings.append(
            Finding(
                f"{key}.not_concrete",
                key,
                "warning",
                principle.message("not_concrete", "sv"),
                principle.message("not_concrete", "en"),
                section=result.sections[0] if result.sections else None,
                source_url=principle.source_url,
            )
        )
    seen: set[tuple[str, int]] = set()
    for ref in evidence.negations:
        if (ref.section, ref.start) not in seen:
            seen.add((ref.section, ref.start))
            findings.append(
                _sentence_finding(f"{key}.negation", principle, "error", "negation", ref)
            )
    for ref, has_cue in evidence.weak:
        if has_cue or (ref.section, ref.start) in seen:
            continue
        seen.add((ref.section, ref.start))
        if evidence.cues:
            name, severity = "empty_declaration_info", "info"
        else:
            name, severity = "empty_declaration", "warning"
        findings.append(
            _sentence_finding(f"{key}.empty_declaration", principle, severity, name, ref)
        )
    if result.level is Level.CONCRETE:
        names = load_common().chain_names
        for link in CHAIN:
            if result.chain.get(link):
                continue
            present = {
                locale: _join(
                    [names[f"{n}_{locale}"] for n in CHAIN if result.chain.get(n)], locale
                )
                for locale in ("sv", "en")
            }
            findings.append(
                Finding(
                    f"{key}.chain.{link}",
                    key,
                    "warning",
                    principle.message(f"chain_{link}", "sv", present=present["sv"]),
                    principle.message(f"chain_{link}", "en", present=present["en"]),
                    source_url=principle.source_url,
                )
            )
    return findings
