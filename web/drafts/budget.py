"""The budget editor of a draft: the cost lines and co-financing, the computed totals, the
findings, the history with compare and restore, and the conflict page."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from drafting.budget.costmodel import CostModel
from drafting.budget.model import Budget, compute
from drafting.budget.rules import validate
from drafting.budget.store import (
    BudgetConflict,
    budget_context,
    budget_revisions,
    cost_model_for,
    current_budget,
    diff_budgets,
    import_budget,
    latest_budget_revision,
    restore_budget,
    revision_budget,
    save_budget,
)
from drafting.budget.xlsx import XLSX_TYPE, export_xlsx
from drafting.models import BudgetRevision, Draft
from drafting.revisions import can_edit_draft, require_edit
from drafting.word.export import slug
from drafting.word.safety import ImportRefused
from pipeline.errors import PipelineError
from pipeline.models import ProjectIdea
from web import db
from web.drafts.budget_forms import (
    MAX_ROWS,
    BudgetForm,
    BudgetImportForm,
    form_data,
    problems,
    to_budget,
)
from web.drafts.views import _error_text, _load, bp
from web.i18n import locale
from web.params import parse_int

ADD_ACTIONS = {"add_cost": "costs", "add_cofinancing": "cofinancing"}


def _model(draft: Draft) -> CostModel:
    model = cost_model_for(draft)
    if model is None:
        abort(404)
    return model


def _page(
    idea: ProjectIdea,
    draft: Draft,
    model: CostModel,
    form: BudgetForm,
    shown: Budget,
    status: int = 200,
    errors: list | None = None,
    import_form: BudgetImportForm | None = None,
):
    """The editor with `form` and the totals and findings of `shown` (the saved budget, or the
    one typed when it parses)."""
    session = db.session()
    context = budget_context(draft, model)
    form.fill_choices(model, locale(), context.terms.options)
    totals = compute(shown, model)
    page = render_template(
        "drafts/budget.html",
        idea=idea,
        draft=draft,
        model=model,
        terms=context.terms,
        form=form,
        totals=totals,
        findings=validate(shown, context, totals),
        history=budget_revisions(session, draft),
        can_edit=can_edit_draft(draft, current_user),
        errors=errors or [],
        current=latest_budget_revision(session, draft),
        import_form=import_form or BudgetImportForm(formdata=None),
    )
    session.commit()
    return page, status


@bp.get("/budget")
@login_required
def budget(idea_id: int):
    """The budget as it is now, in the editor (read-only for those who cannot edit)."""
    idea, draft = _load(idea_id)
    model = _model(draft)
    session = db.session()
    latest = latest_budget_revision(session, draft)
    saved = revision_budget(latest)
    form = BudgetForm(formdata=None, data=form_data(saved, model, latest.id if latest else None))
    return _page(idea, draft, model, form, saved)


@bp.post("/budget")
@login_required
def budget_save(idea_id: int):
    """Save the budget, add an empty row, or show the mistakes with everything kept."""
    idea, draft = _load(idea_id)
    model = _model(draft)
    session = db.session()
    require_edit(draft, current_user)
    form = BudgetForm()
    saved = current_budget(session, draft)
    action = request.form.get("action", "save")
    if action in ADD_ACTIONS:
        valid = form.validate()  # CSRF; the rows are kept as typed either way
        rows = getattr(form, ADD_ACTIONS[action])
        if len(rows) < MAX_ROWS:
            rows.append_entry()
        if not valid:
            return _page(idea, draft, model, form, saved, 400, _form_errors(form))
        return _page(idea, draft, model, form, saved)
    if not form.validate_on_submit():
        return _page(idea, draft, model, form, saved, 400, _form_errors(form))
    typed = to_budget(form, model)
    if typed is None:
        return _page(idea, draft, model, form, saved, 400, problems(form))
    try:
        revision = save_budget(session, current_user, draft, typed, form.base_id())
    except BudgetConflict as conflict:
        session.rollback()
        return _conflict_page(idea_id, conflict), 409
    except PipelineError as error:
        session.rollback()
        if error.status != 400:
            raise
        return _page(idea, draft, model, form, saved, 400, [("", "", _error_text(error))])
    session.commit()
    if revision is None:
        flash(_("Inga ändringar att spara."), "info")
    else:
        flash(_("Budgeten sparad som revision %(number)s.", number=revision.number), "success")
    return redirect(url_for("drafts.budget", idea_id=idea_id))


def _form_errors(form: BudgetForm) -> list[tuple[str, str, str]]:
    token = getattr(form, "csrf_token", None)
    if token is not None and token.errors:
        return [("", "", _("Sidan hade gått ut. Kontrollera uppgifterna och spara igen."))]
    return problems(form) or [("", "", _("Kontrollera uppgifterna och spara igen."))]


def _conflict_page(idea_id: int, conflict: BudgetConflict) -> str:
    idea, draft = _load(idea_id)
    model = _model(draft)
    theirs = revision_budget(conflict.theirs)
    data = form_data(conflict.yours, model, conflict.theirs.id if conflict.theirs else None)
    form = BudgetForm(formdata=None, data=data)
    form.fill_choices(model, locale(), budget_context(draft, model).terms.options)
    return render_template(
        "drafts/budget_conflict.html",
        idea=idea,
        draft=draft,
        model=model,
        conflict=conflict,
        diff=diff_budgets(theirs, conflict.yours, model),
        form=form,
    )


@bp.get("/budget/jamfor")
@login_required
def budget_compare(idea_id: int):
    """What changed between two budget revisions (by revision number)."""
    idea, draft = _load(idea_id)
    model = _model(draft)
    session = db.session()
    history = budget_revisions(session, draft)
    numbers = [r.number for r in history]
    new = parse_int(request.args.get("till"))
    new = numbers[0] if new is None and numbers else (new or 0)
    old = parse_int(request.args.get("fran"))
    if old is None:
        old = next((n for n in numbers if n < new), 0)
    if old > new:
        old, new = new, old
    diff = diff_budgets(
        current_budget(session, draft, old), current_budget(session, draft, new), model
    )
    session.commit()
    return render_template(
        "drafts/budget_compare.html",
        idea=idea,
        draft=draft,
        model=model,
        diff=diff,
        old=old,
        new=new,
        history=history,
    )


@bp.post("/budget/revisioner/<int:revision_id>/aterstall")
@login_required
def budget_restore(idea_id: int, revision_id: int):
    """Bring back an old budget as a new revision."""
    idea, draft = _load(idea_id)
    _model(draft)
    session = db.session()
    old = session.get(BudgetRevision, revision_id)
    if old is None or old.draft_id != draft.id:
        abort(404)
    try:
        revision = restore_budget(session, current_user, draft, revision_id)
    except BudgetConflict:  # pragma: no cover - restore always builds on the latest
        session.rollback()
        abort(409)
    session.commit()
    if revision is None:
        flash(_("Budgeten är redan den aktuella; inget återställdes."), "info")
    else:
        flash(
            _(
                "Budgetrevision %(old)s återställd som revision %(new)s.",
                old=old.number,
                new=revision.number,
            ),
            "success",
        )
    return redirect(url_for("drafts.budget", idea_id=idea_id))


@bp.get("/budget.xlsx")
@login_required
def budget_xlsx(idea_id: int):
    """The current budget as an Excel workbook with formulas."""
    idea, draft = _load(idea_id)
    model = _model(draft)
    session = db.session()
    data = export_xlsx(
        current_budget(session, draft), model, budget_context(draft, model).terms, idea.title
    )
    session.commit()
    name = f"{slug(idea.title)}-budget-rev{draft.revision_count}.xlsx"
    return Response(
        data,
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/budget/excel")
@login_required
def budget_import(idea_id: int):
    """Read an edited workbook back as a new budget revision, or say why not (nothing saved)."""
    idea, draft = _load(idea_id)
    model = _model(draft)
    session = db.session()
    require_edit(draft, current_user)
    form = BudgetImportForm()
    saved = current_budget(session, draft)
    latest = latest_budget_revision(session, draft)
    editor = BudgetForm(formdata=None, data=form_data(saved, model, latest.id if latest else None))
    if not form.validate_on_submit():
        return _page(idea, draft, model, editor, saved, 400, import_form=form)
    try:
        revision = import_budget(session, current_user, draft, form.workbook.data.read())
    except ImportRefused as refused:
        session.rollback()
        form.workbook.errors = [refused.message(locale())]
        return _page(idea, draft, model, editor, saved, 400, import_form=form)
    except BudgetConflict:  # pragma: no cover - the import always builds on the latest
        session.rollback()
        abort(409)
    session.commit()
    if revision is None:
        flash(_("Arbetsboken innehåller samma budget; inget ändrades."), "info")
    else:
        flash(
            _("Budgeten inläst från Excel som revision %(number)s.", number=revision.number),
            "success",
        )
    return redirect(url_for("drafts.budget", idea_id=idea_id))
