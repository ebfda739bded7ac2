"""The regional budget and ESF share per kommun and call: from the structured budgets where
drafts have one, from the ideas' estimates elsewhere (and marked as estimates)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from drafting.budget.model import compute
from drafting.budget.store import cost_model_for, revision_budget
from drafting.models import BudgetRevision, Draft
from pipeline.models import ProjectIdea, User
from pipeline.queries import require_team
from pipeline.reports.common import ACTIVE_STAGES, ReportFilters


@dataclass
class BudgetRow:
    """One kommun and call: budgets and ESF support in kronor, how many ideas of each source."""

    municipality: str
    call: str
    total: int = 0
    esf: int = 0
    structured: int = 0
    estimated: int = 0
    without: int = 0  # ideas with neither a budget nor an estimate

    @property
    def esf_share(self) -> float | None:
        return self.esf / self.total if self.total else None

    @property
    def only_estimates(self) -> bool:
        return self.structured == 0


def _latest_budgets(session: Session, idea_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{idea id: (total, ESF support) in whole kronor} from each draft's latest budget."""
    if not idea_ids:
        return {}
    drafts = {d.id: d for d in session.scalars(select(Draft).where(Draft.idea_id.in_(idea_ids)))}
    found: dict[int, tuple[int, int]] = {}
    rows = session.scalars(
        select(BudgetRevision)
        .where(BudgetRevision.draft_id.in_(drafts))
        .order_by(BudgetRevision.draft_id, BudgetRevision.number)
    )
    latest: dict[int, BudgetRevision] = {}
    for row in rows:
        latest[row.draft_id] = row
    for draft_id, revision in latest.items():
        draft = drafts[draft_id]
        model = cost_model_for(draft)
        budget = revision_budget(revision)
        if model is None or budget.is_empty:
            continue
        totals = compute(budget, model)
        if totals.total > 0:
            found[draft.idea_id] = (totals.total // 100, totals.esf_support // 100)
    return found


def budget_report(session: Session, actor: User, filters: ReportFilters) -> list[BudgetRow]:
    """Per kommun and call, the active ideas' budgets; an idea counts in each of its kommuner."""
    require_team(actor)
    ideas = list(
        session.scalars(
            select(ProjectIdea)
            .where(ProjectIdea.stage.in_(ACTIVE_STAGES), *filters.conditions())
            .options(selectinload(ProjectIdea.municipalities), selectinload(ProjectIdea.call))
        )
    )
    structured = _latest_budgets(session, [i.id for i in ideas])
    rows: dict[tuple[str, str], BudgetRow] = {}
    for idea in ideas:
        call = f"{idea.call.name} ({idea.call.diarienummer})" if idea.call else "–"
        for kommun in idea.municipalities or []:
            row = rows.setdefault((kommun.name, call), BudgetRow(kommun.name, call))
            if idea.id in structured:
                total, esf = structured[idea.id]
                row.structured += 1
            elif idea.budget_total is not None:
                total, esf = idea.budget_total, idea.esf_share or 0
                row.estimated += 1
            else:
                row.without += 1
                continue
            row.total += total
            row.esf += esf
    return sorted(rows.values(), key=lambda r: (r.municipality, r.call))
