"""The application editor: sections, revisions, comparison, checklists, sign-off, comments."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from drafting import review, section_comments
from drafting.checker.results import Level
from drafting.models import Draft, SectionRevision
from drafting.revisions import (
    EditConflict,
    SectionTooLong,
    can_edit_draft,
    check_result,
    current_check,
    diff_revisions,
    diff_texts,
    get_or_create_draft,
    latest_revisions,
    level_history,
    restore_revision,
    revisions,
    save_section,
    section_of,
    template_for,
)
from pipeline.errors import PipelineError
from pipeline.models import ProjectIdea, Visibility
from pipeline.queries import get_idea
from web import db
from web.drafts.forms import ChecklistForm, CommentForm, LevelForm, SectionForm
from web.i18n import locale
from web.params import parse_int

bp = Blueprint("drafts", __name__, url_prefix="/ideer/<int:idea_id>/ansokan")
_PRINCIPLE_KEY = re.compile(r"[a-z_]{1,40}")

# A pasted text can be long (and is kept when refused); allow large section forms.
SECTION_FORM_BYTES = 4 * 1024 * 1024


@bp.url_value_preprocessor
def _allow_long_sections(endpoint: str | None, values: dict | None) -> None:
    # Runs before the CSRF check reads the form, so the larger limit applies to it too.
    if endpoint == "drafts.save":
        request.max_form_memory_size = SECTION_FORM_BYTES


def _load(idea_id: int) -> tuple[ProjectIdea, Draft]:
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    draft = get_or_create_draft(session, current_user, idea)
    return idea, draft


def _error_text(error: PipelineError) -> str:
    return error.message(locale())


def marked_segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (part, is evidence) pieces at the evidence spans that still fit it
    (the text may have changed since the check ran)."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(set(spans)):
        if start < position or end > len(text) or start >= end:
            continue
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def _editor_context(idea: ProjectIdea, draft: Draft, key: str) -> dict:
    session = db.session()
    template = template_for(draft)
    section = section_of(draft, key)
    latest = latest_revisions(session, draft)
    run = current_check(session, draft)
    result = check_result(run)
    findings = [f for f in result.findings if f.section == key]
    evidence = [
        (principle, item)
        for principle, found in result.principles.items()
        for item in found.evidence
        if item.section == key and found.level >= Level.CONCRETE
    ]
    current_text = latest[key].text if latest.get(key) else ""
    fitting = [(i.start, i.end) for _, i in evidence if current_text[i.start : i.end] == i.sentence]
    position = template.keys.index(key)
    return {
        "idea": idea,
        "draft": draft,
        "template": template,
        "section": section,
        "latest": latest,
        "current": latest.get(key),
        "run": run,
        "findings": findings,
        "evidence": evidence,
        "marked": marked_segments(current_text, fitting),
        "levels": review.principle_levels(session, draft, run),
        "comments": section_comments.section_comments(session, current_user, draft, key),
        "comment_counts": section_comments.open_comment_counts(session, current_user, draft),
        "comment_form": CommentForm(formdata=None),
        "can_edit": can_edit_draft(draft, current_user),
        "previous": template.sections[position - 1] if position > 0 else None,
        "next": template.sections[position + 1] if position + 1 < len(template.sections) else None,
    }


@bp.get("")
@login_required
def overview(idea_id: int):
    """The draft at a glance: levels, checklists, sign-off, revisions."""
    idea, draft = _load(idea_id)
    session = db.session()
    run = current_check(session, draft)
    levels = review.principle_levels(session, draft, run)
    session.commit()
    level_forms = {}
    for level in levels:
        form = LevelForm(formdata=None, principle=level.principle)
        form.level.choices = [
            SelectChoice("", _("Ingen – använd kontrollens nivå")),
            *[SelectChoice(v, review.level_label(v).get(locale())) for v in review.LEVELS],
        ]
        if level.override is not None:
            form.level.data = level.override.level
        level_forms[level.principle] = form
    return render_template(
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
        sign_off=review.active_sign_off(session, draft),
        sign_offs=review.sign_offs(session, draft),
        revisions=revisions(session, draft),
        comment_counts=section_comments.open_comment_counts(session, current_user, draft),
        missing=review.missing_sections(session, draft, draft.template_key),
        below=review.principles_below_gate(session, draft),
        can_edit=can_edit_draft(draft, current_user),
    )


@bp.get("/avsnitt/<key>")
@login_required
def section(idea_id: int, key: str):
    """One section in the editor, with its guidance, findings and comments."""
    idea, draft = _load(idea_id)
    context = _editor_context(idea, draft, key)
    db.session().commit()
    current = context["current"]
    form = SectionForm(
        formdata=None,
        text=current.text if current else "",
        base_revision_id=str(current.id) if current else "",
    )
    form.text.label.text = context["section"].title(locale())
    return render_template("drafts/section.html", form=form, **context)


@bp.post("/avsnitt/<key>")
@login_required
def save(idea_id: int, key: str):
    """Save a section: a new revision, a limit message or a conflict page; nothing is lost."""
    idea, draft = _load(idea_id)
    session = db.session()
    section_obj = section_of(draft, key)
    form = SectionForm()
    form.text.label.text = section_obj.title(locale())
    status = 200
    if form.validate_on_submit():
        try:
            revision = save_section(
                session, current_user, draft, key, form.text.data or "", form.base_id()
            )
        except EditConflict as conflict:
            session.rollback()
            return _conflict_page(idea_id, key, conflict), 409
        except SectionTooLong as too_long:
            session.rollback()
            form.text.data = too_long.text_value
            form.text.errors = [_error_text(too_long)]
            status = 400
        else:
            session.commit()
            chars = len(revision.text) if revision else len(form.text.data or "")
            if revision is None:
                flash(_("Inga ändringar att spara."), "info")
            else:
                flash(
                    _(
                        "Sparat som revision %(number)s. %(used)s av %(max)s tecken.",
                        number=revision.number,
                        used=chars,
                        max=section_obj.max_chars,
                    ),
                    "success",
                )
            return redirect(url_for("drafts.section", idea_id=idea_id, key=key))
    else:
        status = 400
    idea, draft = _load(idea_id)
    context = _editor_context(idea, draft, key)
    return render_template("drafts/section.html", form=form, **context), status


def _conflict_page(idea_id: int, key: str, conflict: EditConflict) -> str:
    idea, draft = _load(idea_id)
    theirs = conflict.theirs
    theirs_text = theirs.text if theirs is not None else ""
    form = SectionForm(
        formdata=None,
        text=conflict.yours,
        base_revision_id=str(theirs.id) if theirs is not None else "",
    )
    form.text.label.text = _("Sammanslagen text")
    html, _added, _removed = diff_texts(theirs_text, conflict.yours)
    return render_template(
        "drafts/conflict.html",
        idea=idea,
        draft=draft,
        section=conflict.section,
        conflict=conflict,
        theirs=theirs,
        theirs_text=theirs_text,
        diff=html,
        form=form,
    )


@bp.get("/jamfor")
@login_required
def compare(idea_id: int):
    """A readable diff between two revisions of the whole draft."""
    idea, draft = _load(idea_id)
    session = db.session()
    last = draft.revision_count
    old = parse_int(request.args.get("fran"))
    old = max(last - 1, 0) if old is None else old
    new = parse_int(request.args.get("till"))
    new = last if new is None else new
    if old > new:
        old, new = new, old
    result = diff_revisions(session, current_user, draft, old, new)
    session.commit()
    return render_template(
        "drafts/compare.html", idea=idea, draft=draft, diff=result, old=old, new=new
    )


@bp.post("/revisioner/<int:revision_id>/aterstall")
@login_required
def restore(idea_id: int, revision_id: int):
    """Restore an old text of a section as a new revision."""
    idea, draft = _load(idea_id)
    session = db.session()
    old = session.get(SectionRevision, revision_id)
    if old is None or old.draft_id != draft.id:
        abort(404)
    revision = restore_revision(session, current_user, draft, revision_id)
    session.commit()
    if revision is None:
        flash(_("Texten är redan den aktuella; inget återställdes."), "info")
    else:
        flash(
            _(
                "Revision %(old)s återställd som revision %(new)s.",
                old=old.number,
                new=revision.number,
            ),
            "success",
        )
    return redirect(url_for("drafts.section", idea_id=idea_id, key=old.section_key))


@bp.post("/avsnitt/<key>/kommentarer")
@login_required
def comment(idea_id: int, key: str):
    """Comment on a section."""
    idea, draft = _load(idea_id)
    session = db.session()
    form = CommentForm()
    if form.validate_on_submit():
        section_comments.add_section_comment(
            session,
            current_user,
            draft,
            key,
            form.body.data,
            quote=form.quote.data or "",
            visibility=Visibility.INTERNAL if form.internal.data else Visibility.SHARED,
        )
        session.commit()
        flash(_("Kommentaren är sparad."), "success")
        return redirect(url_for("drafts.section", idea_id=idea_id, key=key) + "#kommentarer")
    context = _editor_context(idea, draft, key)
    context["comment_form"] = form
    current = context["current"]
    editor = SectionForm(
        formdata=None,
        text=current.text if current else "",
        base_revision_id=str(current.id) if current else "",
    )
    editor.text.label.text = context["section"].title(locale())
    return render_template("drafts/section.html", form=editor, **context), 400


@bp.post("/kommentarer/<int:comment_id>/los")
@login_required
def resolve(idea_id: int, comment_id: int):
    """Mark a section comment resolved, or open it again."""
    idea, draft = _load(idea_id)
    session = db.session()
    reopen = request.form.get("reopen") == "1"
    found = section_comments.resolve_section_comment(
        session, current_user, draft, comment_id, reopen=reopen
    )
    session.commit()
    flash(_("Kommentaren är öppen igen.") if reopen else _("Kommentaren är löst."), "success")
    return redirect(
        url_for("drafts.section", idea_id=idea_id, key=found.section_key) + "#kommentarer"
    )


def _principle_anchor(form: ChecklistForm | LevelForm) -> str:
    """The overview's anchor for the posted principle; none for a value that is not a key."""
    principle = form.principle.data or ""
    return f"#princip-{principle}" if _PRINCIPLE_KEY.fullmatch(principle) else ""


@bp.post("/checklista")
@login_required
def checklist_decision(idea_id: int):
    """The team confirms or overrides a checklist question."""
    idea, draft = _load(idea_id)
    session = db.session()
    form = ChecklistForm()
    if not form.validate_on_submit():
        flash(_("Välj uppfyllt eller inte uppfyllt."), "error")
    else:
        _decide(
            session,
            lambda: review.set_checklist_override(
                session,
                current_user,
                draft,
                form.principle.data,
                form.item.data,
                form.met.data == "1",
                form.reason.data or "",
            ),
            _("Bedömningen är sparad."),
        )
    return redirect(url_for("drafts.overview", idea_id=idea_id) + _principle_anchor(form))


def _decide(session: Session, change, message: str) -> None:
    """Save a team decision: commit with `message`, or roll back and flash why it was refused
    (a refusal for bad input; other domain errors reach the error pages)."""
    try:
        change()
    except PipelineError as error:
        if error.status != 400:
            raise
        session.rollback()
        flash(_error_text(error), "error")
    else:
        session.commit()
        flash(message, "success")


@bp.post("/niva")
@login_required
def level_decision(idea_id: int):
    """The team judges a principle's level itself, or hands it back to the checker."""
    idea, draft = _load(idea_id)
    session = db.session()
    form = LevelForm()
    if not form.validate_on_submit():
        flash(_("Välj en nivå."), "error")
    else:
        _decide(
            session,
            lambda: review.set_level_override(
                session,
                current_user,
                draft,
                form.principle.data,
                form.level.data or None,
                form.reason.data or "",
            ),
            _("Bedömningen av nivån är sparad."),
        )
    return redirect(url_for("drafts.overview", idea_id=idea_id) + _principle_anchor(form))


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
