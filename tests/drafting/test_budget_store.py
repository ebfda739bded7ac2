"""The budget as revisions: save, no-op, conflict, restore, compare, findings, permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from drafting.budget.costmodel import load_cost_model
from drafting.budget.model import Budget, CofinancingLine, CostLine
from drafting.budget.store import (
    BudgetConflict,
    budget_findings,
    budget_revisions,
    current_budget,
    diff_budgets,
    latest_budget_revision,
    restore_budget,
    save_budget,
)
from drafting.models import RevisionSource
from drafting.revisions import get_or_create_draft, save_section
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import render
from pipeline.models import ActivityLog

STAFF = CostLine("genomforande", "staff", "Projektledare", hours=Decimal(1000), hourly_rate=50_000)
ONE = Budget(options=("staff_plus_40",), costs=(STAFF,))
TWO = Budget(
    options=("staff_plus_40",),
    costs=(STAFF,),
    cofinancing=(CofinancingLine("genomforande", "public_cash", "Kommunen", 400_000_00),),
)


@pytest.fixture
def draft(session, people, idea):
    return get_or_create_draft(session, people["owner"], idea)


def save(session, actor, draft, budget, **kw):
    base = latest_budget_revision(session, draft)
    return save_budget(session, actor, draft, budget, base.id if base else None, check=False, **kw)


def test_save_takes_the_drafts_next_revision_number(session, people, draft):
    first = save(session, people["owner"], draft, ONE)
    assert first.number == 1 and draft.revision_count == 1
    section = save_section(session, people["owner"], draft, "syfte", "Syftet.", None, check=False)
    assert section.number == 2
    second = save(session, people["partner"], draft, TWO)
    assert second.number == 3 and second.base_revision_id == first.id
    assert current_budget(session, draft) == TWO
    assert current_budget(session, draft, upto=2) == ONE
    assert [r.number for r in budget_revisions(session, draft)] == [3, 1]
    actions = session.scalars(
        select(ActivityLog.action).where(ActivityLog.idea_id == draft.idea_id)
    )
    assert "draft.budget_save" in set(actions)


def test_unchanged_budget_is_not_a_revision(session, people, draft):
    assert save(session, people["owner"], draft, Budget()) is None
    save(session, people["owner"], draft, ONE)
    assert save(session, people["owner"], draft, ONE) is None
    assert draft.revision_count == 1


def test_concurrent_save_is_a_conflict_and_saves_nothing(session, people, draft):
    first = save(session, people["owner"], draft, ONE)
    save(session, people["partner"], draft, TWO)
    with pytest.raises(BudgetConflict) as caught:
        save_budget(session, people["owner"], draft, Budget(), first.id, check=False)
    assert caught.value.theirs.data == TWO.to_dict() and caught.value.yours == Budget()
    assert "sparade budgeten" in render(caught.value.text, "sv")
    assert draft.revision_count == 2


def test_restore_brings_back_an_old_budget(session, people, draft):
    first = save(session, people["owner"], draft, ONE)
    save(session, people["owner"], draft, TWO)
    restored = restore_budget(session, people["owner"], draft, first.id)
    assert restored.source == RevisionSource.RESTORE and restored.restored_from == 1
    assert current_budget(session, draft) == ONE
    assert restore_budget(session, people["owner"], draft, first.id) is None
    with pytest.raises(NotFound):
        restore_budget(session, people["owner"], draft, 10**9)


def test_only_editors_save(session, people, draft):
    with pytest.raises((NotAllowed, NotFound)):
        save(session, people["other"], draft, ONE)
    assert latest_budget_revision(session, draft) is None


def test_diff_lists_lines_added_and_removed():
    model = load_cost_model("esf_plus")
    diff = diff_budgets(ONE, TWO, model)
    assert diff.changed and diff.removed == [] and len(diff.added) == 1
    assert diff.added[0]["financier"] == "Kommunen"
    assert diff.before.total == diff.after.total == 700_000_00
    assert not diff_budgets(TWO, TWO, model).changed


def test_findings_of_the_current_budget(session, people, draft):
    assert budget_findings(session, draft) == []
    save(session, people["owner"], draft, ONE)
    assert [f.rule_id for f in budget_findings(session, draft)] == [
        "budget.cofinancing_requirement"
    ]
    save(session, people["owner"], draft, TWO)
    assert budget_findings(session, draft) == []
