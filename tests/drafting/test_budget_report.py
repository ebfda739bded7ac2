"""The regional budget report: structured budgets where they exist, estimates elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from drafting.budget.model import Budget, CofinancingLine, CostLine
from drafting.budget.report import budget_report
from drafting.budget.store import save_budget
from drafting.revisions import get_or_create_draft
from pipeline.errors import NotAllowed
from pipeline.models import Municipality
from pipeline.reports.common import ReportFilters
from pipeline.stages import Stage
from tests.factories import make_idea

FILTERS = ReportFilters.default(dt.date(2026, 12, 1))


def test_structured_budget_replaces_the_estimate(session, people, idea):
    kommun = session.query(Municipality).order_by(Municipality.name).first()
    idea.municipalities.append(kommun)
    idea.budget_total, idea.esf_share = 2_000_000, 1_000_000
    other = make_idea(session, people["owner"], title="Bara en uppskattning")
    other.municipalities.append(kommun)
    other.budget_total, other.esf_share = 500_000, 250_000
    other.stage = Stage.DRAFTING
    session.flush()
    rows = budget_report(session, people["support"], FILTERS)
    mine = [r for r in rows if r.municipality == kommun.name]
    assert sum(r.total for r in mine) == 2_500_000 and all(r.only_estimates for r in mine)
    draft = get_or_create_draft(session, people["owner"], idea)
    staff = CostLine("genomforande", "staff", "PL", hours=Decimal(1000), hourly_rate=50_000)
    cofin = CofinancingLine("genomforande", "public_cash", "Kommunen", 350_000_00)
    save_budget(
        session,
        people["owner"],
        draft,
        Budget(("staff_plus_40",), {}, (staff,), (cofin,)),
        None,
        check=False,
    )
    rows = [
        r
        for r in budget_report(session, people["support"], FILTERS)
        if r.municipality == kommun.name
    ]
    assert sum(r.total for r in rows) == 700_000 + 500_000
    assert sum(r.esf for r in rows) == 350_000 + 250_000
    assert sum(r.structured for r in rows) == 1 and sum(r.estimated for r in rows) == 1


def test_only_the_team_sees_the_report(session, people):
    with pytest.raises(NotAllowed):
        budget_report(session, people["owner"], FILTERS)
