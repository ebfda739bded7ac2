"""Assessor checklists per principle: automatic answers and human overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from drafting.checker.results import ChecklistItem, CheckResult, Evidence
from drafting.checker.rules import load_principle

__all__ = ["ChecklistItem", "Evidence", "apply_overrides", "checklist"]


def checklist(
    result: CheckResult,
    principle: str,
    budget_lines: Mapping[str, tuple[str, ...]] | None = None,
) -> list[ChecklistItem]:
    """Answer the principle's checklist questions from the cues found in ``result`` and, for a
    question with ``budget_tags``, from the budget's cost lines tagged so (``budget_lines``:
    {tag: the lines described as sentences}); their evidence is in the section "budget"."""
    spec = load_principle(principle)
    found = result.principles.get(principle)
    cues = found.cues if found else {}
    items = []
    for question in spec.checklist:
        evidence = tuple(
            Evidence(section, sentence)
            for section, by_kind in cues.items()
            for kind, sentences in by_kind.items()
            if kind in question.satisfied_by
            for sentence in sentences
        )
        evidence += tuple(
            Evidence("budget", line)
            for tag in question.budget_tags
            for line in (budget_lines or {}).get(tag, ())
        )
        status = "met" if evidence else "not_met"
        items.append(
            ChecklistItem(
                key=question.key,
                question_sv=question.question_sv,
                question_en=question.question_en,
                auto_status=status,
                status=status,
                evidence=evidence,
            )
        )
    return items


def apply_overrides(
    items: list[ChecklistItem], overrides: Mapping[str, tuple[bool, str]]
) -> list[ChecklistItem]:
    """Apply people's answers {item key: (met, reason)} on top of the automatic ones."""
    applied = []
    for item in items:
        if item.key in overrides:
            met, reason = overrides[item.key]
            applied.append(
                replace(
                    item,
                    status="met" if met else "not_met",
                    overridden=True,
                    override_reason=reason,
                )
            )
        else:
            applied.append(
                replace(item, status=item.auto_status, overridden=False, override_reason="")
            )
    return applied
