"""The planned participants' rules: the sexes add up to the total, no group is larger than
the total, and the figures agree with the idea's."""

from __future__ import annotations

from drafting.budget.model import Budget, Totals
from drafting.budget.rules import Context, _finding, rule
from drafting.checker.results import Finding
from pipeline.i18n import Bilingual, _t

SOURCE = "https://eumonitor.eu/9353000/1/j4nvirkkkr58fyw_j9vvik7m1c3gyxp/vkoseu9025xz"


@rule("budget.participants_sum")
def participants_sum(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Women + men (+ non-binary where the template asks) = the total."""
    p = budget.participants
    out = []
    if p.non_binary and not ctx.model.participants.non_binary:
        out.append(
            _finding(
                "budget.participants_sum",
                "error",
                _t("Mallen räknar deltagare som kvinnor och män; ta bort antalet icke-binära."),
            )
        )
    parts = [v for v in (p.women, p.men, p.non_binary) if v is not None]
    if p.total is not None and parts and sum(parts) != p.total:
        out.append(
            _finding(
                "budget.participants_sum",
                "error",
                _t("Deltagarna per kön ({sum}) summerar inte till totalen ({total}).").format(
                    sum=sum(parts), total=p.total
                ),
                SOURCE,
            )
        )
    return out


@rule("budget.participants_groups")
def participants_groups(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """Each group is a known one and no larger than the total."""
    p, spec = budget.participants, ctx.model.participants
    out = []
    unknown = sorted(set(p.groups) - {g.key for g in spec.groups})
    if unknown:
        out.append(
            _finding(
                "budget.participants_groups",
                "error",
                _t("Okända deltagargrupper: {list}.").format(list=", ".join(unknown)),
            )
        )
    total = (
        p.total
        if p.total is not None
        else sum(v for v in (p.women, p.men, p.non_binary) if v is not None)
    )
    for group in spec.groups:
        count = p.groups.get(group.key)
        if count is not None and count > total:
            out.append(
                _finding(
                    "budget.participants_groups",
                    "error",
                    _t("”{name}” har {n} deltagare, fler än totalen {total}.").format(
                        name=Bilingual(group.name_sv, group.name_en), n=count, total=total
                    ),
                    SOURCE,
                )
            )
    return out


@rule("budget.participants_idea")
def participants_idea(budget: Budget, totals: Totals, ctx: Context) -> list[Finding]:
    """The planned participants agree with the idea's figures (women, men, total)."""
    p = budget.participants
    if ctx.idea_participants is None or p.is_empty:
        return []
    names = (_t("kvinnor"), _t("män"), _t("totalt"))
    ours = (p.women, p.men, p.total)
    differ = tuple(
        _t("{label} {mine} (idén {theirs})").format(label=label, mine=mine, theirs=theirs)
        for label, mine, theirs in zip(names, ours, ctx.idea_participants, strict=True)
        if mine is not None and theirs is not None and mine != theirs
    )
    if not differ:
        return []
    return [
        _finding(
            "budget.participants_idea",
            "warning",
            _t(
                "Deltagarna skiljer sig från idéns siffror: {differences}. "
                "Uppdatera den som är fel."
            ).format(differences=differ),
        )
    ]
