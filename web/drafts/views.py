"""The application editor: sections, revisions, comparison, checklists, sign-off, comments.

The pages only read: the draft is started when the idea enters drafting, or by the
"Börja skriva ansökan" post for an idea that reached the stage without one.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from drafting import review, section_comments
from drafting.check_runs import check_result, current_check
from drafting.checker.results import Level
from drafting.diffs import diff_revisions, diff_texts
from drafting.models import Draft, SectionRevision
from drafting.revisions import (
    EDITABLE_STAGES,
    DraftNotStarted,
    EditConflict,
    SectionTooLong,
    can_edit_draft,
    get_draft,
    get_or_create_draft,
    latest_revisions,
    restore_revision,
    save_section,
    section_of,
    start_draft,
    template_for,
)
from pipeline.errors import PipelineError
from pipeline.models import ProjectIdea, Visibility
from pipeline.queries import get_idea
from pipeline.stages import DRAFT_STAGES
from web import db
from web.drafts.forms import CommentForm, SectionForm
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
    """The idea and its draft for a post (which may start the draft, as it writes anyway)."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    draft = get_or_create_draft(session, current_user, idea)
    return idea, draft


class NotStarted(Exception):
    """A page of a draft that does not exist yet: shown as the page that offers to start it."""

    def __init__(self, idea: ProjectIdea) -> None:
        super().__init__(idea.id)
        self.idea = idea


def _read(idea_id: int) -> tuple[ProjectIdea, Draft]:
    """The idea and its draft for a page, without writing; NotStarted when there is none."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    draft = get_draft(session, idea)
    if draft is not None:
        return idea, draft
    if idea.stage not in DRAFT_STAGES:
        raise DraftNotStarted.before_drafting()  # the error page, 409
    raise NotStarted(idea)


@bp.errorhandler(NotStarted)
def _not_started(error: NotStarted):
    idea = error.idea
    may_start = idea.can_edit(current_user) and idea.stage in EDITABLE_STAGES
    return render_template("drafts/not_started.html", idea=idea, may_start=may_start)


@bp.post("/paborja")
@login_required
def start(idea_id: int):
    """Start the draft of an idea that reached drafting without one (and its first check)."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if get_draft(session, idea) is None:
        start_draft(session, current_user, idea)
        session.commit()
        flash(_("Ansökan är påbörjad."), "success")
    return redirect(url_for("drafts.overview", idea_id=idea_id))


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


@bp.get("/avsnitt/<key>")
@login_required
def section(idea_id: int, key: str):
    """One section in the editor, with its guidance, findings and comments."""
    idea, draft = _read(idea_id)
    context = _editor_context(idea, draft, key)
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
    idea, draft = _read(idea_id)
    session = db.session()
    last = draft.revision_count
    old = parse_int(request.args.get("fran"))
    old = max(last - 1, 0) if old is None else old
    new = parse_int(request.args.get("till"))
    new = last if new is None else new
    if old > new:
        old, new = new, old
    result = diff_revisions(session, current_user, draft, old, new)
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
