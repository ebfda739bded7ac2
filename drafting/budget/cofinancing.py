"""The co-financing rules: the call's requirement, no deltagarersättning where there are no
participants, contributions in kind not also costs, the project owner in cash only."""

from __future__ import annotations

import re
from decimal import Decimal

from drafting.budget.model import Budget, Totals, format_percent
from drafting.budget.rules import (
    SOURCE_2014,
    SOURCE_ESF_PLUS,
    Context,
    _finding,
    _kr,
    _name,
    rule,
)
from drafting.checker.results import Finding
from pipeline.i18n import Bilingual, _t


@rule("budget.cofinancing_requirement")
def cofinancing_requirement(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Co-financing is at least the call's requirement of the total."""
    required = ctx.terms.required_percent
    if totals.total <= 0 or required <= 0:
        return []
    needed = -(-totals.total * int(required * 100) // 10000)  # ceiling, in öre
    if totals.cofinancing >= needed:
        return []
    text = _t(
        "Medfinansieringen är {have} ({share}) men utlysningen kräver minst "
        "{req} av budgeten, {need}. Det fattas {gap}."
    ).format(
        have=_kr(totals.cofinancing),
        share=format_percent(totals.cofinancing_share),
        req=format_percent(Decimal(required)),
        need=_kr(needed),
        gap=_kr(needed - totals.cofinancing),
    )
    return [_finding("budget.cofinancing_requirement", "error", text, SOURCE_ESF_PLUS)]


@rule("budget.participant_allowance_phase")
def participant_allowance_phase(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """No deltagarersättning in a phase without participants (the avslutsfas)."""
    out = []
    for line in budget.cofinancing:
        kind, phase = ctx.model.cofinancing_kind(line.kind), ctx.model.phase(line.phase)
        if kind is None or phase is None:
            continue
        if kind.participant_allowance and not phase.participant_allowance:
            out.append(
                _finding(
                    "budget.participant_allowance_phase",
                    "error",
                    _t(
                        "Deltagarersättning kan inte räknas som medfinansiering i ”{name}”: fasen"
                        " har normalt inga deltagare."
                    ).format(name=Bilingual(phase.name_sv, phase.name_en)),
                    "https://nyweb.esf.se/Vara-fonder/Socialfonden1/Projektekonomi/",
                    evidence=line.financier,
                )
            )
    return out


_NORMAL = re.compile(r"[\W_]+")


def _same(a: str, b: str) -> bool:
    a, b = _NORMAL.sub(" ", a.casefold()).strip(), _NORMAL.sub(" ", b.casefold()).strip()
    return bool(a) and a == b


@rule("budget.in_kind_duplicated")
def in_kind_duplicated(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """A contribution in kind is not also budgeted as a direct cost (same phase, same name)."""
    out = []
    for cofin in budget.cofinancing:
        kind = ctx.model.cofinancing_kind(cofin.kind)
        if kind is None or not kind.in_kind:
            continue
        for cost in budget.costs:
            if cost.phase == cofin.phase and _same(cost.description, cofin.financier):
                out.append(
                    _finding(
                        "budget.in_kind_duplicated",
                        "error",
                        _t(
                            "”{name}” finns både som bidrag i annat än pengar och som direkt "
                            "kostnad. Ett bidrag i annat än pengar får inte också budgeteras som "
                            "kostnad; ta bort kostnadsraden."
                        ).format(name=cofin.financier.strip()),
                        SOURCE_2014,
                        evidence=cofin.financier,
                    )
                )
    return out


@rule("budget.owner_cash_only")
def owner_cash_only(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """The project owner co-finances with its own cash only."""
    owner = next((k for k in ctx.model.cofinancing_kinds if k.owner), None)
    wrong = [
        c
        for c in budget.cofinancing
        if c.owner and (kind := ctx.model.cofinancing_kind(c.kind)) is not None and not kind.owner
    ]
    if not wrong:
        return []
    return [
        _finding(
            "budget.owner_cash_only",
            "error",
            _t(
                "Projektägaren kan bara medfinansiera med ”{name}”. {n} rader från "
                "projektägaren har ett annat slag."
            ).format(name=_name(owner, ""), n=len(wrong)),
            SOURCE_2014,
        )
    ]
