"""A draft's budget as revisions: save without losing anyone's update, restore, compare, and
the findings of the current budget.

Services take an explicit actor, check permissions, flush and never commit.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.budget.costmodel import CostModel, CostModelError, load_cost_model
from drafting.budget.model import Budget, BudgetDataError, Totals, compute, format_money
from drafting.budget.rules import Context, validate
from drafting.checker.results import Finding
from drafting.models import BudgetRevision, Draft, RevisionSource
from pipeline.errors import NotFound, PipelineError
from pipeline.i18n import _t
from pipeline.models import User
from pipeline.services import log_activity

_ACTIONS = {
    RevisionSource.EDITOR: "draft.budget_save",
    RevisionSource.RESTORE: "draft.budget_restore",
    RevisionSource.IMPORT: "draft.budget_import",
}


class BudgetConflict(PipelineError):
    """Someone saved the budget after the editor loaded it; carries both budgets."""

    status = 409

    def __init__(self, theirs: BudgetRevision | None, yours: Budget, base_id: int | None) -> None:
        self.theirs = theirs
        self.yours = yours
        self.base_id = base_id
        who = theirs.author.name if theirs is not None and theirs.author is not None else "?"
        super().__init__(
            _t(
                "{who} sparade budgeten medan du arbetade. Jämför budgetarna och spara igen."
            ).format(who=who)
        )


def cost_model_for(draft: Draft) -> CostModel | None:
    """The cost model of the draft's template, or None when it has none."""
    try:
        return load_cost_model(draft.template_key)
    except CostModelError:
        return None


def budget_context(draft: Draft, model: CostModel) -> Context:
    """The model, the terms of the idea's call and the idea's estimated budget (in öre)."""
    idea = draft.idea
    call = idea.call.diarienummer if idea.call is not None else None
    estimate = idea.budget_total * 100 if idea.budget_total is not None else None
    figures = (idea.participants_women, idea.participants_men, idea.participants_total)
    return Context(model, model.terms(call), estimate, figures)


def latest_budget_revision(
    session: Session, draft: Draft, upto: int | None = None
) -> BudgetRevision | None:
    query = select(BudgetRevision).where(BudgetRevision.draft_id == draft.id)
    if upto is not None:
        query = query.where(BudgetRevision.number <= upto)
    return session.scalars(query.order_by(BudgetRevision.number.desc()).limit(1)).first()


def revision_budget(revision: BudgetRevision | None) -> Budget:
    """The budget a revision holds (an empty one for None or unreadable data)."""
    if revision is None:
        return Budget()
    try:
        return Budget.from_dict(revision.data)
    except BudgetDataError:
        return Budget()


def current_budget(session: Session, draft: Draft, upto: int | None = None) -> Budget:
    return revision_budget(latest_budget_revision(session, draft, upto))


def budget_revisions(session: Session, draft: Draft) -> list[BudgetRevision]:
    """The draft's budget revisions, newest first."""
    return list(
        session.scalars(
            select(BudgetRevision)
            .where(BudgetRevision.draft_id == draft.id)
            .order_by(BudgetRevision.number.desc())
        )
    )


def save_budget(
    session: Session,
    actor: User,
    draft: Draft,
    budget: Budget,
    base_revision_id: int | None,
    *,
    source: RevisionSource = RevisionSource.EDITOR,
    restored_from: int | None = None,
    check: bool = True,
) -> BudgetRevision | None:
    """Save `budget` as the draft's next revision; None when nothing changed.

    `base_revision_id` is the budget revision the editor loaded (None for a first budget); a
    newer one raises BudgetConflict and nothing is saved.
    """
    from drafting.check_runs import run_check
    from drafting.revisions import _lock, append_revision, require_edit

    require_edit(draft, actor)
    _lock(session, draft)
    latest = latest_budget_revision(session, draft)
    if revision_budget(latest) == budget and (latest is not None or budget.is_empty):
        return None
    latest_id = latest.id if latest is not None else None
    if latest_id != base_revision_id:
        raise BudgetConflict(latest, budget, base_revision_id)
    revision = BudgetRevision(
        draft=draft,
        data=budget.to_dict(),
        author=actor,
        base_revision_id=latest_id,
        source=source,
        restored_from=restored_from,
    )
    append_revision(session, actor, draft, revision)
    log_activity(
        session,
        actor,
        _ACTIONS[source],
        revision,
        idea=draft.idea,
        number=revision.number,
        lines=len(budget.costs) + len(budget.cofinancing),
        **({"restored_from": restored_from} if restored_from is not None else {}),
    )
    if check:
        run_check(session, draft)
    return revision


def restore_budget(
    session: Session, actor: User, draft: Draft, revision_id: int
) -> BudgetRevision | None:
    """Bring back an old budget as a new revision (None if it is the current one)."""
    old = session.get(BudgetRevision, revision_id)
    if old is None or old.draft_id != draft.id:
        raise NotFound(_t("Revisionen finns inte."))
    latest = latest_budget_revision(session, draft)
    return save_budget(
        session,
        actor,
        draft,
        revision_budget(old),
        latest.id if latest is not None else None,
        source=RevisionSource.RESTORE,
        restored_from=old.number,
    )


@dataclass(frozen=True)
class BudgetDiff:
    """What changed between two budgets: lines removed and added, totals before and after."""

    removed: list[dict]
    added: list[dict]
    before: Totals
    after: Totals
    options_before: tuple[str, ...]
    options_after: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.added) or self.options_before != self.options_after


def _lines(budget: Budget) -> Counter:
    items = [json.dumps({"type": "cost", **c.to_dict()}, sort_keys=True) for c in budget.costs]
    items += [
        json.dumps({"type": "cofin", **c.to_dict()}, sort_keys=True) for c in budget.cofinancing
    ]
    return Counter(items)


def diff_budgets(old: Budget, new: Budget, model: CostModel) -> BudgetDiff:
    a, b = _lines(old), _lines(new)

    def expand(counter: Counter) -> list[dict]:
        return [json.loads(item) for item, n in counter.items() for _ in range(n)]

    return BudgetDiff(
        expand(a - b),
        expand(b - a),
        compute(old, model),
        compute(new, model),
        old.options,
        new.options,
    )


def budget_findings(session: Session, draft: Draft, upto: int | None = None) -> list[Finding]:
    """The validation findings of the draft's budget (none without a budget or cost model)."""
    model = cost_model_for(draft)
    revision = latest_budget_revision(session, draft, upto)
    if model is None or revision is None:
        return []
    return validate(revision_budget(revision), budget_context(draft, model))


def tagged_cost_lines(
    session: Session, draft: Draft, upto: int | None = None
) -> dict[str, tuple[str, ...]]:
    """{horizontal-principle tag: the budget's cost lines with that tag, as sentences}: the
    checklist questions that ask whether such costs are budgeted take them as evidence."""
    model = cost_model_for(draft)
    if model is None:
        return {}
    lines: dict[str, list[str]] = {}
    for line in current_budget(session, draft, upto).costs:
        if not line.tags:
            continue
        category = model.category(line.category)
        name = category.name_sv if category is not None else line.category
        sentence = f"{line.description} ({name}, {format_money(line.total(model))} kr)"
        for tag in line.tags:
            lines.setdefault(tag, []).append(sentence)
    return {tag: tuple(found) for tag, found in lines.items()}


def import_budget(
    session: Session, actor: User, draft: Draft, data: bytes
) -> BudgetRevision | None:
    """Read a workbook of the XLSX export's layout as the draft's next budget revision.

    The months and participants (not in the workbook) are kept from the current budget. The
    whole file is read before anything is saved: an unsafe file or any unreadable row raises
    ImportRefused (BudgetImportRefused lists the rows) and nothing is written.
    """
    from dataclasses import replace

    from drafting.budget.xlsx import import_xlsx
    from drafting.revisions import require_edit

    require_edit(draft, actor)
    model = cost_model_for(draft)
    if model is None:
        raise NotFound(_t("Mallen har ingen budget."))
    imported = import_xlsx(data, model)
    latest = latest_budget_revision(session, draft)
    current = revision_budget(latest)
    budget = replace(imported, months=current.months, participants=current.participants)
    return save_budget(
        session,
        actor,
        draft,
        budget,
        latest.id if latest is not None else None,
        source=RevisionSource.IMPORT,
    )
