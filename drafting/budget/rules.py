"""The budget's validation rules: each returns findings beside the checker's (section
"budget"); an error blocks the move to Klar att skicka in.

Sources: ../shared/domain/esf-budget.md section 6 ("Validator checks").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drafting.budget.costmodel import CallTerms, CostModel
from drafting.budget.model import Budget, Totals, compute, format_money
from drafting.checker.results import Finding
from pipeline.i18n import Bilingual, Text, _t, render

SECTION = "budget"
SOURCE_2014 = "https://nyweb.esf.se/Vara-fonder/Socialfonden1/Projektekonomi/Medfinansiering/"
SOURCE_ESF_PLUS = "https://www.esf.se/stod-och-finansiering/socialfondsprogrammet-esf-2021-2027/"


@dataclass(frozen=True)
class Context:
    """What the rules need besides the budget: the model, the call's terms, the idea's figure."""

    model: CostModel
    terms: CallTerms
    idea_budget_total: int | None = None  # öre
    idea_participants: tuple[int | None, int | None, int | None] | None = None  # w, m, total


Rule = Callable[[Budget, Totals, Context], list[Finding]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[rule_id] = fn
        return fn

    return register


def _finding(
    rule_id: str, severity: str, text: Text, source_url: str | None = None, evidence: str = ""
) -> Finding:
    return Finding(
        rule_id=rule_id,
        principle=None,
        severity=severity,
        message_sv=render(text, "sv"),
        message_en=render(text, "en"),
        section=SECTION,
        evidence=evidence,
        source_url=source_url,
    )


def _kr(amount: int) -> str:
    return f"{format_money(amount)} kr"


def _name(item, fallback: str) -> Text:
    return Bilingual(item.name_sv, item.name_en) if item is not None else fallback


@rule("budget.unknown_key")
def unknown_keys(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Every phase, category, kind and option is one the cost model knows."""
    model = ctx.model
    unknown = sorted(
        {
            f"phase {c.phase}"
            for c in (*budget.costs, *budget.cofinancing)
            if not model.phase(c.phase)
        }
        | {f"category {c.category}" for c in budget.costs if not model.category(c.category)}
        | {f"kind {c.kind}" for c in budget.cofinancing if not model.cofinancing_kind(c.kind)}
        | {f"option {o}" for o in budget.options if not model.option(o)}
    )
    if not unknown:
        return []
    text = _t(
        "Budgeten använder något som mallens kostnadsmodell inte känner till: {list}."
    ).format(list=", ".join(unknown))
    return [_finding("budget.unknown_key", "error", text)]


@rule("budget.flat_rate_typed")
def flat_rate_typed(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Flat rates are computed from their base, never typed as cost lines."""
    typed = {
        c.category
        for c in budget.costs
        if (cat := ctx.model.category(c.category)) is not None and cat.kind == "flat"
    }
    return [
        _finding(
            "budget.flat_rate_typed",
            "error",
            _t(
                "”{name}” räknas fram av schablonen och kan inte skrivas in som en "
                "kostnadsrad. Ta bort raden och välj schablonen i stället."
            ).format(name=Bilingual(cat.name_sv, cat.name_en)),
        )
        for key in sorted(typed)
        if (cat := ctx.model.category(key)) is not None
    ]


@rule("budget.option_not_in_call")
def option_not_in_call(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Only the simplified cost options that the call allows are used."""
    out = []
    for key in budget.options:
        option = ctx.model.option(key)
        if option is None or key in ctx.terms.options:
            continue
        allowed = ", ".join(o for o in ctx.terms.options) or "–"
        out.append(
            _finding(
                "budget.option_not_in_call",
                "error",
                _t("Utlysningen tillåter inte ”{name}”. Tillåtna alternativ: {allowed}.").format(
                    name=Bilingual(option.name_sv, option.name_en), allowed=allowed
                ),
            )
        )
    return out


@rule("budget.options_combined")
def options_combined(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Options that exclude each other (40 % schablon and 15 % indirekta) are not combined."""
    chosen = [o for k in budget.options if (o := ctx.model.option(k)) is not None]
    out = []
    for i, first in enumerate(chosen):
        for second in chosen[i + 1 :]:
            if second.key in first.excludes or first.key in second.excludes:
                out.append(
                    _finding(
                        "budget.options_combined",
                        "error",
                        _t("”{first}” och ”{second}” får inte kombineras. Välj ett av dem.").format(
                            first=Bilingual(first.name_sv, first.name_en),
                            second=Bilingual(second.name_sv, second.name_en),
                        ),
                        "https://www.interregnord.com/static_content/projekthandbok/genomfora/"
                        "kostnadsslag/schablonkostnader/",
                    )
                )
    return out


@rule("budget.other_direct_costs")
def other_direct_costs(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """With "personalkostnader + 40 %" the budget has no other direct cost lines."""
    out = []
    for key in budget.options:
        option = ctx.model.option(key)
        if option is None or option.other_direct_costs:
            continue
        direct = [
            c
            for c in budget.costs
            if (cat := ctx.model.category(c.category)) is not None and cat.kind == "direct"
        ]
        if direct:
            out.append(
                _finding(
                    "budget.other_direct_costs",
                    "error",
                    _t(
                        "Med ”{name}” täcker schablonen alla andra kostnader: budgeten får bara "
                        "ha personalkostnader. Ta bort {n} rader med andra kostnader."
                    ).format(name=Bilingual(option.name_sv, option.name_en), n=len(direct)),
                    "https://www.migrationsverket.se/Andra-aktorer/EU-fonder/"
                    "Programperiod-2021-2027/Handbok/Krav-for-stod/"
                    "Personalkostnader-plus-40-schablon.html",
                )
            )
    return out


@rule("budget.line_incomplete")
def line_incomplete(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """A staff line has hours and a rate (or an annual cost); another line has an amount."""
    missing = 0
    for line in budget.costs:
        category = ctx.model.category(line.category)
        if category is None or category.kind == "flat":
            continue
        if category.kind == "staff":
            missing += line.hours is None or line.rate(ctx.model) is None
        else:
            missing += line.amount is None
    missing += sum(1 for c in budget.cofinancing if c.amount is None)
    if not missing:
        return []
    return [
        _finding(
            "budget.line_incomplete",
            "error",
            _t(
                "{n} rader saknar belopp (personalrader: timmar och timkostnad eller årskostnad)."
            ).format(n=missing),
        )
    ]


@rule("budget.hourly_rate")
def hourly_rate(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """When an annual cost is given the rate is annual cost ÷ the model's hours per year."""
    hours = ctx.model.hours_per_year
    if not hours:
        return []
    off = [
        c
        for c in budget.costs
        if c.annual_cost is not None
        and c.hourly_rate is not None
        and c.hourly_rate != c.rate(ctx.model)
    ]
    if not off:
        return []
    return [
        _finding(
            "budget.hourly_rate",
            "warning",
            _t(
                "{n} personalrader har en timkostnad som inte är årskostnaden ÷ {h} "
                "timmar. Budgeten räknar med årskostnaden ÷ {h}."
            ).format(n=len(off), h=hours),
        )
    ]


@rule("budget.totals")
def totals_add_up(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """The phases add up to the total; co-financing does not exceed it; the idea agrees."""
    out = []
    if (
        sum(p.costs for p in totals.phases) != totals.total
        or sum(totals.by_category.values()) + sum(p.in_kind for p in totals.phases) != totals.total
    ):  # pragma: no cover - invariant
        out.append(
            _finding(
                "budget.totals",
                "error",
                _t("Delbudgetarna summerar inte till totalen."),
            )
        )
    if totals.cofinancing > totals.total:
        out.append(
            _finding(
                "budget.totals",
                "error",
                _t("Medfinansieringen ({have}) är större än budgetens total ({total}).").format(
                    have=_kr(totals.cofinancing), total=_kr(totals.total)
                ),
            )
        )
    estimate = ctx.idea_budget_total
    if estimate is not None and totals.total and estimate != totals.total:
        out.append(
            _finding(
                "budget.totals",
                "info",
                _t(
                    "Budgetens total ({total}) skiljer sig från idéns uppskattade budget "
                    "({estimate}). Uppdatera idén om budgeten stämmer."
                ).format(total=_kr(totals.total), estimate=_kr(estimate)),
            )
        )
    return out


@rule("budget.phase_months")
def phase_months(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """A phase's length in months is within the model's range (analysfas 1–9, avslut 1–2)."""
    out = []
    for key, months in budget.months.items():
        phase = ctx.model.phase(key)
        if phase is None or not months:
            continue
        low, high = phase.months_min, phase.months_max
        if (low is not None and months < low) or (high is not None and months > high):
            out.append(
                _finding(
                    "budget.phase_months",
                    "warning",
                    _t("”{name}” är {m} månader; den brukar vara {low}–{high} månader.").format(
                        name=Bilingual(phase.name_sv, phase.name_en),
                        m=months,
                        low=low or 0,
                        high=high or "…",
                    ),
                    "https://nyweb.esf.se/Vara-fonder/Socialfonden1/Projektekonomi/",
                )
            )
    return out


def validate(budget: Budget, ctx: Context, totals: Totals | None = None) -> list[Finding]:
    """Every rule's findings, errors first; never raises on a budget of the right shape."""
    totals = totals if totals is not None else compute(budget, ctx.model)
    findings = [f for check in RULES.values() for f in check(budget, totals, ctx)]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order.get(f.severity, 3))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


from drafting.budget import cofinancing as _cofinancing  # noqa: E402,F401  (its rules)
from drafting.budget import participants as _participants  # noqa: E402,F401  (its rules)
