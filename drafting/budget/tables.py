"""The budget as plain tables (Swedish labels, amounts as text): what the Word export shows.

Each table is a title and rows, the first row the column headings.
"""

from __future__ import annotations

from dataclasses import dataclass

from drafting.budget.costmodel import CallTerms, CostModel
from drafting.budget.model import Budget, compute, format_money, format_percent


@dataclass(frozen=True)
class BudgetTable:
    title: str
    rows: list[tuple[str, ...]]


def _kr(amount: int) -> str:
    return f"{format_money(amount)} kr"


def budget_tables(budget: Budget, model: CostModel, terms: CallTerms) -> list[BudgetTable]:
    """Costs per phase, co-financing, financing (ESF share) and participants."""
    totals = compute(budget, model)
    if not totals.phases:
        return []
    phases = [model.phase(p.phase) for p in totals.phases]
    head = (
        "Kostnadsslag",
        *[p.name_sv if p else t.phase for p, t in zip(phases, totals.phases, strict=True)],
        "Totalt",
    )
    rows: list[tuple[str, ...]] = [head]
    for category in model.categories:
        if category.key not in totals.by_category:
            continue
        name = category.name_sv + (" (beräknas)" if category.kind == "flat" else "")
        cells = [_kr(p.by_category.get(category.key, 0)) for p in totals.phases]
        rows.append((name, *cells, _kr(totals.by_category[category.key])))
    in_kind = sum(p.in_kind for p in totals.phases)
    if in_kind:
        rows.append(
            (
                "Bidrag i annat än pengar",
                *[_kr(p.in_kind) for p in totals.phases],
                _kr(in_kind),
            )
        )
    rows.append(("Total budget", *[_kr(p.costs) for p in totals.phases], _kr(totals.total)))
    tables = [BudgetTable("Kostnader per fas", rows)]
    if budget.cofinancing:
        cofin: list[tuple[str, ...]] = [("Fas", "Slag", "Finansiär", "Belopp")]
        for line in budget.cofinancing:
            phase, kind = model.phase(line.phase), model.cofinancing_kind(line.kind)
            cofin.append(
                (
                    phase.name_sv if phase else line.phase,
                    kind.name_sv if kind else line.kind,
                    line.financier + (" (projektägaren)" if line.owner else ""),
                    _kr(line.amount or 0),
                )
            )
        cofin.append(("Summa", "", "", _kr(totals.cofinancing)))
        tables.append(BudgetTable("Medfinansiering", cofin))
    tables.append(
        BudgetTable(
            "Finansiering",
            [
                ("Post", "Belopp", "Andel"),
                ("Total budget", _kr(totals.total), "100 %"),
                (
                    "Medfinansiering",
                    _kr(totals.cofinancing),
                    format_percent(totals.cofinancing_share),
                ),
                ("ESF-stöd", _kr(totals.esf_support), format_percent(totals.esf_share)),
                ("Krav på medfinansiering", "", format_percent(terms.required_percent)),
            ],
        )
    )
    p = budget.participants
    if not p.is_empty:
        people: list[tuple[str, ...]] = [("Deltagare", "Antal")]
        for label, value in (
            ("Kvinnor", p.women),
            ("Män", p.men),
            ("Icke-binära", p.non_binary),
            ("Totalt", p.total),
        ):
            if value is not None:
                people.append((label, str(value)))
        for group in model.participants.groups:
            if group.key in p.groups:
                people.append((group.name_sv, str(p.groups[group.key])))
        tables.append(BudgetTable("Deltagare", people))
    return tables
