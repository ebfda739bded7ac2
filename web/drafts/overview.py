"""The application overview and the team's decisions on it: checklists, levels, sign-off.

A refused decision shows the page again with the message at the field, the choice and the
reason kept, and focus on the field (status 400); a saved one redirects back to its principle.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from drafting import review, section_comments
from drafting.budget.store import budget_findings
from drafting.check_runs import check_result, current_check, level_history
from drafting.komplettering import since_request
from drafting.revisions import can_edit_draft, latest_revisions, revisions, template_for
from pipeline.errors import PipelineError
from pipeline.models import ProjectIdea
from web import db
from web.drafts.forms import LevelForm
from web.drafts.views import _PRINCIPLE_KEY, _error_text, _load, _read, bp
from web.i18n import text as in_words


@dataclass(frozen=True)
class Refused:
    """A decision the page shows again: where it was made, what was chosen, and why not."""

    principle: str
    item: str
    choice: str
    reason: str
    message: str


@dataclass(frozen=True)
class RefusedChecklist:
    """A principle's checklist as posted, with a message per refused row."""

    principle: str
    choices: dict[str, str]
    reasons: dict[str, str]
    errors: dict[str, str]


def _render(
    idea: ProjectIdea,
    draft,
    *,
    refused: Refused | None = None,
    refused_checklist: RefusedChecklist | None = None,
    status: int = 200,
):
    session = db.session()
    run = current_check(session, draft)
    levels = review.principle_levels(session, draft, run)
    level_forms = {}
    for level in levels:
        form = LevelForm(formdata=None, principle=level.principle)
        form.level.choices = [
            SelectChoice("", _("Ingen – använd kontrollens nivå")),
            *[SelectChoice(v, in_words(review.level_label(v))) for v in review.LEVELS],
        ]
        if refused is not None and refused.item == "" and refused.principle == level.principle:
            form.level.data = refused.choice or None
        elif level.override is not None:
            form.level.data = level.override.level
        level_forms[level.principle] = form
    page = render_template(
        "drafts/overview.html",
        idea=idea,
        draft=draft,
        template=template_for(draft),
        latest=latest_revisions(session, draft),
        run=run,
        levels=levels,
        general_findings=[f for f in check_result(run).findings if not f.section],
        history=level_history(session, draft),
        checklists=review.checklists(session, draft, run),
        level_forms=level_forms,
        refused=refused,
        refused_checklist=refused_checklist,
        since=since_request(session, idea, draft),
        sign_off=review.active_sign_off(session, draft),
        sign_offs=review.sign_offs(session, draft),
        revisions=revisions(session, draft),
        comment_counts=section_comments.open_comment_counts(session, current_user, draft),
        missing=review.missing_sections(session, draft, draft.template_key),
        below=review.principles_below_gate(session, draft),
        budget_findings=budget_findings(session, draft),
        can_edit=can_edit_draft(draft, current_user),
    )
    return page, status


@bp.get("")
@login_required
def overview(idea_id: int):
    """The draft at a glance: levels, checklists, sign-off, revisions."""
    idea, draft = _read(idea_id)
    return _render(idea, draft)


def _principle_anchor(principle: str | None) -> str:
    """The overview's anchor for the posted principle; none for a value that is not a key."""
    principle = principle or ""
    return f"#princip-{principle}" if _PRINCIPLE_KEY.fullmatch(principle) else ""


def _decide(idea, draft, change, message: str, refused: dict):
    """Save a team decision and go back to its principle, or show the page again with the
    refusal at the field (a refusal for bad input; other domain errors reach the error pages)."""
    session = db.session()
    try:
        change()
    except PipelineError as error:
        if error.status != 400:
            raise
        session.rollback()
        return _render(
            idea, draft, refused=Refused(**refused, message=_error_text(error)), status=400
        )
    session.commit()
    flash(message, "success")
    return redirect(
        url_for("drafts.overview", idea_id=idea.id) + _principle_anchor(refused["principle"])
    )


@bp.post("/checklista/<principle>")
@login_required
def checklist_table(idea_id: int, principle: str):
    """The team saves a principle's whole checklist with one button: a status per row, and a
    reason where it overrides the checker."""
    idea, draft = _load(idea_id)
    session = db.session()
    if not _PRINCIPLE_KEY.fullmatch(principle):
        abort(404)
    rows = review.checklists(session, draft).get(principle)
    if rows is None:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    choices: dict[str, str] = {}
    reasons: dict[str, str] = {}
    decisions: dict[str, tuple[bool, str]] = {}
    for row in rows:
        raw = request.form.get(f"met-{row.key}", "")
        choice = raw if raw in ("0", "1") else ("1" if row.met else "0")
        reason = request.form.get(f"reason-{row.key}", "")[: review.REASON_MAX + 1]
        choices[row.key], reasons[row.key] = choice, reason
        decisions[row.key] = (choice == "1", reason)
    try:
        saved = review.set_checklist_decisions(session, current_user, draft, principle, decisions)
    except review.ChecklistRefused as refused:
        session.rollback()
        errors = {key: in_words(message) for key, message in refused.errors.items()}
        kept = RefusedChecklist(principle, choices, reasons, errors)
        return _render(idea, draft, refused_checklist=kept, status=400)
    session.commit()
    if saved:
        flash(
            ngettext("%(num)d bedömning är sparad.", "%(num)d bedömningar är sparade.", len(saved)),
            "success",
        )
    else:
        flash(_("Inget i checklistan ändrades."), "info")
    return redirect(url_for("drafts.overview", idea_id=idea_id) + _principle_anchor(principle))


@bp.post("/niva")
@login_required
def level_decision(idea_id: int):
    """The team judges a principle's level itself, or hands it back to the checker."""
    idea, draft = _load(idea_id)
    session = db.session()
    form = LevelForm()
    kept = {
        "principle": form.principle.data or "",
        "item": "",
        "choice": form.level.data if form.level.data in review.LEVELS else "",
        "reason": form.reason.data or "",
    }
    if not form.validate_on_submit():
        flash(_("Välj en nivå."), "error")
        return redirect(
            url_for("drafts.overview", idea_id=idea_id) + _principle_anchor(kept["principle"])
        )
    return _decide(
        idea,
        draft,
        lambda: review.set_level_override(
            session,
            current_user,
            draft,
            form.principle.data,
            form.level.data or None,
            form.reason.data or "",
        ),
        _("Bedömningen av nivån är sparad."),
        kept,
    )


@bp.post("/godkann")
@login_required
def sign_off(idea_id: int):
    """A support-team member signs off the latest revision."""
    idea, draft = _load(idea_id)
    session = db.session()
    row = review.sign_off(session, current_user, draft)
    session.commit()
    flash(_("Revision %(number)s är godkänd.", number=row.revision_number), "success")
    return redirect(url_for("drafts.overview", idea_id=idea_id) + "#godkannande")


@bp.post("/godkann/aterkalla")
@login_required
def revoke(idea_id: int):
    """Withdraw the sign-off of the latest revision."""
    idea, draft = _load(idea_id)
    session = db.session()
    review.revoke_sign_off(session, current_user, draft)
    session.commit()
    flash(_("Godkännandet är återkallat."), "info")
    return redirect(url_for("drafts.overview", idea_id=idea_id) + "#godkannande")
