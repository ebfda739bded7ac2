"""The horizontal-principles checker: draft sections in, levels and findings out.

Pure functions: no database, no web. The rules live in ``drafting/checker/principles/*.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from drafting.checker.checklists import checklist
from drafting.checker.evidence import read_all
from drafting.checker.judging import principle_findings, principle_result
from drafting.checker.language import looks_swedish
from drafting.checker.matching import get_matcher
from drafting.checker.nlp import get_nlp
from drafting.checker.personal_data import find_personal_data
from drafting.checker.preprocess import clean, strip_metadata
from drafting.checker.readability import lix, lix_band
from drafting.checker.results import CheckResult, Finding, PrincipleResult
from drafting.checker.rules import (
    available_principles,
    load_common,
    load_principle,
    mandatory_principles,
)
from drafting.errors import RulesError
from drafting.sections import find_section, split_text
from drafting.templates import DEFAULT_TEMPLATE, Template, load_template

MAX_SECTION_CHARS = 500_000


def _template(template: Template | str) -> Template:
    """Resolve a template key to a Template."""
    return template if isinstance(template, Template) else load_template(template)


def _principles(principles: Iterable[str] | None) -> tuple[str, ...]:
    """Validate the requested principle keys (default: the three mandatory ones)."""
    if principles is None:
        return mandatory_principles()
    keys = tuple(dict.fromkeys(p.strip() for p in principles if p and p.strip()))
    unknown = [k for k in keys if k not in available_principles()]
    if unknown:
        raise RulesError(f"unknown principles {unknown} (available: {available_principles()})")
    return keys or mandatory_principles()


def _text(value: object) -> str:
    """Coerce a section value to a string (None becomes empty)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _personal_findings(section: str, text: str) -> list[Finding]:
    """Return one error finding per piece of personal data in ``text``."""
    messages = load_common().messages
    return [
        Finding(
            rule_id=f"personal_data.{item.kind}",
            principle=None,
            severity="error",
            message_sv=messages[f"{item.kind}_sv"],
            message_en=messages[f"{item.kind}_en"],
            section=section,
            start=item.start,
            end=item.end,
            evidence=item.masked,
        )
        for item in find_personal_data(text)
    ]


def _readability_finding(section: str, value: float) -> Finding:
    """Return the info finding that reports a section's LIX."""
    messages = load_common().messages
    return Finding(
        rule_id="readability.lix",
        principle=None,
        severity="info",
        message_sv=messages["lix_sv"].format(lix=value, band=lix_band(value, "sv")),
        message_en=messages["lix_en"].format(lix=value, band=lix_band(value, "en")),
        section=section,
    )


def _language_finding(section: str) -> Finding:
    """Return the error finding that says a section is not in Swedish."""
    messages = load_common().messages
    return Finding(
        rule_id="language.not_swedish",
        principle=None,
        severity="error",
        message_sv=messages["not_swedish_sv"],
        message_en=messages["not_swedish_en"],
        section=section,
    )


def check_sections(
    sections: Mapping[str, str],
    template: Template | str = DEFAULT_TEMPLATE,
    principles: Iterable[str] | None = None,
) -> CheckResult:
    """Check a draft given as {section key: text} against the horizontal principles."""
    resolved = _template(template)
    keys = _principles(principles)
    nlp, matcher = get_nlp(), get_matcher()
    findings: list[Finding] = []
    contents: list[str] = []
    names: list[str] = []
    devoted: list[str | None] = []  # the principle a section is given to, if any
    for key, value in sections.items():
        key = str(key)
        text = clean(_text(value))
        if len(text) > MAX_SECTION_CHARS:
            messages = load_common().messages
            limit = str(MAX_SECTION_CHARS)
            findings.append(
                Finding(
                    "input.too_long",
                    None,
                    "info",
                    messages["too_long_sv"].format(limit=limit),
                    messages["too_long_en"].format(limit=limit),
                    section=key,
                )
            )
            text = text[:MAX_SECTION_CHARS]
        findings.extend(_personal_findings(key, text))
        section = find_section(key, resolved)
        organisation_list = section.organisation_list if section else False
        contents.append(strip_metadata(text, organisation_list))
        names.append(key)
        devoted.append(section.principle if section else None)
    readability: dict[str, float] = {}
    docs = list(nlp.pipe(contents))
    evidence = read_all(matcher.find_all(docs), docs, contents, names, devoted, keys)
    for key, doc in zip(names, docs, strict=True):
        if looks_swedish(doc) is False:
            findings.append(_language_finding(key))
        value = lix(doc)
        if value is not None:
            readability[key] = value
            findings.append(_readability_finding(key, value))
    results: dict[str, PrincipleResult] = {}
    principle_findings_all: list[Finding] = []
    for key in keys:
        principle = load_principle(key)
        results[key] = principle_result(key, evidence[key])
        principle_findings_all.extend(principle_findings(principle, evidence[key], results[key]))
    result = CheckResult(
        levels={k: r.level for k, r in results.items()},
        principles=results,
        findings=principle_findings_all + findings,
        readability=readability,
        template=resolved.key,
    )
    for key in keys:
        results[key].checklist = checklist(result, key)
    return result


def check_text(
    text: str,
    template: Template | str = DEFAULT_TEMPLATE,
    principles: Iterable[str] | None = None,
) -> CheckResult:
    """Split plain text into sections by its headings, then check it."""
    resolved = _template(template)
    return check_sections(split_text(_text(text), resolved), resolved, principles)
