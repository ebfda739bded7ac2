"""The good-example pages: the list with filters, one example with its history and the
withdraw button, and the team's mark from the section page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from drafting import review
from drafting.examples import marking, selection
from drafting.examples.models import GoodExample
from drafting.templates import available_templates, load_template
from pipeline.models import ProjectIdea
from web import db
from web.drafts.views import SectionForm, _editor_context, _error_text, _load
from web.examples.forms import MarkExampleForm, WithdrawExampleForm
from web.examples.panel import principle_keys, template_name
from web.i18n import locale, text
from web.params import parse_page

bp = Blueprint("examples", __name__)


def section_choices() -> list[tuple[str, str]]:
    """Every section key of every template, titled in the current language (first template's
    title for a key two templates share)."""
    seen: dict[str, str] = {}
    for key in available_templates():
        template = load_template(key)
        for section in template.sections:
            seen.setdefault(section.key, section.title(locale()))
    return list(seen.items())


def section_title(example: GoodExample) -> str:
    """The example's section title, from its own template."""
    found = load_template(example.template_key).section(example.section_key)
    return found.title(locale()) if found is not None else example.section_key


def _page_context() -> dict:
    return {
        "section_title": section_title,
        "template_name": template_name,
        "may_withdraw": lambda e: marking.may_withdraw(current_user, e),
        "may_see_agreement": lambda e: marking.may_see_agreement(current_user, e),
        "can_view_idea": lambda idea: idea.can_view(current_user),
    }


@bp.get("/goda-exempel")
@login_required
def index():
    """Every good example the user may see, newest first, filtered by principle and section."""
    principles = principle_keys()
    sections = section_choices()
    principle = request.args.get("princip", "")
    principle = principle if principle in principles else ""
    section = request.args.get("avsnitt", "")
    section = section if section in dict(sections) else ""
    status = request.args.get("status", "active")
    status = status if status in selection.STATUSES else "active"
    page = selection.list_examples(
        db.session(),
        current_user,
        principle=principle or None,
        section_key=section or None,
        status=status,
        page=parse_page(request.args.get("sida")),
    )
    args = {k: v for k, v in {"princip": principle, "avsnitt": section}.items() if v}
    if status != "active":
        args["status"] = status
    return render_template(
        "examples/index.html",
        page=page,
        principles=principles,
        sections=sections,
        args=args,
        status=status,
        **_page_context(),
    )


def _show(example: GoodExample, form: WithdrawExampleForm | None = None, status: int = 200):
    if form is None and example.is_active and marking.may_withdraw(current_user, example):
        form = WithdrawExampleForm(formdata=None)
    return render_template(
        "examples/show.html",
        example=example,
        idea=example.draft.idea,
        withdraw_form=form,
        levels=[(key, example.level_of(key)) for key in principle_keys()],
        **_page_context(),
    ), status


@bp.get("/goda-exempel/<int:example_id>")
@login_required
def show(example_id: int):
    """One example: the text read-only, who it is from, its levels and its history."""
    return _show(marking.get_example(db.session(), current_user, example_id))


@bp.post("/goda-exempel/<int:example_id>/dra-tillbaka")
@login_required
def withdraw(example_id: int):
    """The team or the owning organisation withdraws an example."""
    session = db.session()
    example = marking.get_example(session, current_user, example_id)
    form = WithdrawExampleForm()
    if not form.validate_on_submit():
        return _show(example, form, 400)
    try:
        marking.withdraw_example(session, current_user, example, form.reason.data or "")
    except marking.ExampleRefused as refused:
        session.rollback()
        example = marking.get_example(session, current_user, example_id)
        form.reason.errors = [_error_text(refused)]
        return _show(example, form, 400)
    idea: ProjectIdea = example.draft.idea
    key = example.section_key
    session.commit()
    flash(_("Exemplet är tillbakadraget och visas inte längre för andra."), "success")
    if form.next.data == "avsnitt" and idea.can_view(current_user):
        return redirect(url_for("drafts.section", idea_id=idea.id, key=key) + "#goda-exempel")
    return redirect(url_for("examples.show", example_id=example_id))


def _section_page(idea_id: int, key: str, form: MarkExampleForm):
    """The section page again, with the mark form as posted and its messages (status 400)."""
    idea, draft = _load(idea_id)
    context = _editor_context(idea, draft, key)
    current = context["current"]
    editor = SectionForm(
        formdata=None,
        text=current.text if current else "",
        base_revision_id=str(current.id) if current else "",
    )
    editor.text.label.text = context["section"].title(locale())
    page = render_template("drafts/section.html", form=editor, example_form=form, **context)
    db.session().commit()  # a check run the page needed
    return page, 400


@bp.post("/ideer/<int:idea_id>/ansokan/avsnitt/<key>/gott-exempel")
@login_required
def mark(idea_id: int, key: str):
    """The team marks the section as a good example, with the organisation's agreement."""
    session = db.session()
    idea, draft = _load(idea_id)
    marking.require_may_mark(current_user)
    form = MarkExampleForm()
    if not form.validate_on_submit():
        return _section_page(idea_id, key, form)
    agreement = marking.Agreement(
        confirmed=bool(form.confirmed.data),
        name=form.agreed_by_name.data or "",
        email=form.agreed_by_email.data or "",
        on=form.agreed_on.data,
    )
    try:
        example = marking.mark_example(
            session, current_user, draft, key, form.revision(), agreement
        )
    except marking.ExampleRefused as refused:
        session.rollback()
        field = getattr(form, refused.field, None) if refused.field else None
        if field is not None:
            field.errors = [_error_text(refused)]
        else:
            form.refusal = _error_text(refused)
        return _section_page(idea_id, key, form)
    principles = [p.principle for p in example.principles if p.rank >= selection.CONCRETE]
    session.commit()
    flash(
        _(
            "Avsnittet är markerat som gott exempel för %(principles)s.",
            principles=", ".join(text(review.principle_label(p)) for p in principles),
        ),
        "success",
    )
    return redirect(url_for("drafts.section", idea_id=idea_id, key=key) + "#goda-exempel")
