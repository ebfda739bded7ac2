"""Idea pages: the list, a new idea, the idea page, editing, moving and commenting."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.search.index import text_counts
from pipeline.errors import EditConflict, InvalidData, NotAllowed, PipelineError
from pipeline.models import Call, Municipality, Organisation, ProjectIdea, User, Visibility, utcnow
from pipeline.queries import (
    SORTS,
    comments_for,
    filter_options,
    get_idea,
    get_idea_detail,
    list_ideas,
    move_options,
    regional_projects,
)
from pipeline.queries.search import similar_ideas, similar_to_idea
from pipeline.reviewers import assign_reviewer, reviewers
from pipeline.services import (
    add_comment,
    advance_stage,
    create_idea,
    may_remove_partners,
    update_idea,
)
from pipeline.stages import Stage
from web import db
from web.board.filters import filter_args, page_number, parse_filters
from web.i18n import locale, text
from web.ideas.forms import (
    IDEA_FIELDS,
    CommentForm,
    EditIdeaForm,
    MoveForm,
    NewIdeaForm,
    ReviewerForm,
    choices,
)
from web.security import safe_next

bp = Blueprint("ideas", __name__, url_prefix="/ideer")


def _flash_error(error: PipelineError) -> None:
    for message in error.details or [error.text]:
        flash(text(message), "error")


def _idea_form(form_cls: type[NewIdeaForm], session: Session, idea: ProjectIdea | None = None):
    """A form with its choices; actors lead with their own organisation and pick no lead.

    An existing idea's values are the starting data, so fields a post lacks keep them.
    """
    form = form_cls(data=form_cls.initial(idea) if idea is not None else None)
    options = filter_options(session)
    if not current_user.is_team:
        del form.lead_organisation_id
    opens = dict(session.execute(select(Call.id, Call.opens)).tuples().all())
    form.set_choices(options.municipalities, options.organisations, options.calls, opens)
    return form


def _display(session: Session, name: str, value: object) -> str:
    """A value of an idea's field as the conflict page shows it."""
    if value in (None, "", []):
        return "–"
    if name in ("municipalities", "partners", "lead_organisation_id", "call_id"):
        model = {"municipalities": Municipality, "call_id": Call}.get(name, Organisation)
        ids = value if isinstance(value, list | tuple) else [value]
        rows = [session.get(model, i) for i in ids]
        return ", ".join(r.name for r in rows if r is not None) or "–"
    return str(value)


def _differences(session: Session, form: EditIdeaForm, idea: ProjectIdea, data) -> list:
    """(label, saved value, your value) for every field where the two versions differ."""
    pairs = [
        (form[name].label.text, name, getattr(idea, name), getattr(data, name))
        for name in (*IDEA_FIELDS, "programme_area")
    ]
    pairs.append(
        (
            form.municipality_ids.label.text,
            "municipalities",
            sorted(m.id for m in idea.municipalities),
            sorted(set(data.municipality_ids)),
        )
    )
    pairs.append(
        (
            form.partner_ids.label.text,
            "partners",
            sorted(p.organisation_id for p in idea.partners),
            sorted(set(data.partner_ids) - {data.lead_organisation_id}),
        )
    )
    pairs.append(
        (
            _("Projektägare"),
            "lead_organisation_id",
            idea.lead_organisation_id,
            data.lead_organisation_id,
        )
    )
    rows = []
    for label, name, saved, yours in pairs:
        if isinstance(yours, str):
            yours = yours.strip()
        if saved != yours:
            rows.append((label, _display(session, name, saved), _display(session, name, yours)))
    return rows


@bp.get("")
@login_required
def index():
    """Every idea the user may see, filtered, sorted and paged; the team can gather them."""
    return list_page(request.args)


def list_page(args, *, gather=None, next_url: str | None = None, status: int = 200):
    """The list for the filters and sort order in `args`.

    `gather` is a refused gathering form (board.link): its ticked ideas, chosen project, name
    and messages are shown again, at the form.
    """
    session = db.session()
    filters = parse_filters(args, current_user)
    sort = args.get("sortera", "updated")
    sort = sort if sort in SORTS else "updated"
    descending = args.get("ordning", "fallande") != "stigande"
    page = list_ideas(
        session,
        current_user,
        filters,
        sort=sort,
        descending=descending,
        page=page_number(args),
    )
    regional = regional_projects(session, current_user) if current_user.is_team else []
    page_html = render_template(
        "ideas/list.html",
        page=page,
        filters=filters,
        args=filter_args(filters),
        options=filter_options(session),
        sort=sort,
        descending=descending,
        regional=regional,
        gather=gather,
        picked=set(gather.idea_ids.data or []) if gather is not None else set(),
        next_url=next_url,
    )
    return page_html, status


@bp.route("/ny", methods=["GET", "POST"])
@login_required
def new():
    """Register a new idea."""
    session = db.session()
    form = _idea_form(NewIdeaForm, session)
    if request.method == "POST" and request.form.get("liknande"):
        # The "Visa liknande idéer" step: nothing is saved, what was typed stays in the form.
        counts = text_counts(session.connection(), form.title.data or "", form.summary.data or "")
        similar = similar_ideas(session, current_user, counts)
        return render_template("ideas/form.html", form=form, idea=None, similar=similar)
    if form.validate_on_submit():
        try:
            idea = create_idea(session, current_user, form.to_data(current_user.organisation_id))
        except (InvalidData, NotAllowed) as error:
            session.rollback()
            _flash_error(error)
        else:
            session.commit()
            flash(_("Idén är registrerad. Stödteamet hör av sig."), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    status = 400 if form.errors else 200
    return render_template("ideas/form.html", form=form, idea=None), status


def _render_show(
    session: Session,
    idea: ProjectIdea,
    move_form: MoveForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
):
    if comment_form is None:
        comment_form = CommentForm(formdata=None)
    if not current_user.is_team:
        del comment_form.visibility
    options = move_options(idea, current_user)
    if move_form is None:
        move_form = MoveForm(formdata=None)
    move_form.set_targets(o.target.value for o in options if not o.blocked)
    records = {name for o in options if not o.blocked for name in o.records}
    if any(o.target == Stage.CHANGES_REQUESTED and not o.blocked for o in options):
        records.add("changes_due_on")
    reviewer_form = None
    if current_user.is_team:
        reviewer_form = ReviewerForm(formdata=None, reviewer_id=idea.reviewer_id)
        reviewer_form.reviewer_id.choices = choices(
            [(None, _("– Ingen granskare –")), *((u.id, u.name) for u in reviewers(session))]
        )
    regional = idea.regional_project
    members = []
    if regional is not None:
        members = [m for m in regional.member_ideas if m.id != idea.id and m.can_view(current_user)]
    return (
        render_template(
            "ideas/show.html",
            idea=idea,
            options=options,
            records=records,
            move_form=move_form,
            comment_form=comment_form,
            comments=comments_for(session, current_user, idea),
            regional=regional,
            members=members,
            hidden_members=(len(regional.member_ideas) - 1 - len(members)) if regional else 0,
            can_edit=idea.can_edit(current_user) and not idea.is_final,
            reviewer_form=reviewer_form,
            similar=similar_to_idea(session, current_user, idea) if current_user.is_team else [],
            today=utcnow().date(),
        ),
        status,
    )


@bp.post("/<int:idea_id>/granskare")
@login_required
def reviewer(idea_id: int):
    """The support team assigns (or clears) the idea's reviewer."""
    session = db.session()
    idea = get_idea_detail(session, current_user, idea_id)
    form = ReviewerForm()
    form.reviewer_id.choices = choices([(None, ""), *((u.id, u.name) for u in reviewers(session))])
    if not form.validate():
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
        return redirect(url_for("ideas.show", idea_id=idea.id) + "#granskare")
    chosen = session.get(User, form.reviewer_id.data) if form.reviewer_id.data else None
    try:
        assign_reviewer(session, current_user, idea, chosen)
    except PipelineError as error:
        session.rollback()
        _flash_error(error)
    else:
        session.commit()
        if chosen is None:
            flash(_("Idén har ingen granskare nu."), "success")
        else:
            flash(_("%(name)s granskar idén.", name=chosen.name), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id) + "#granskare")


@bp.get("/<int:idea_id>")
@login_required
def show(idea_id: int):
    """The idea page."""
    session = db.session()
    return _render_show(session, get_idea_detail(session, current_user, idea_id))


@bp.route("/<int:idea_id>/andra", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    """Change an idea's content."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    if not idea.can_edit(current_user):
        abort(403)
    if idea.is_final:
        flash(_("En avslutad eller avbruten idé kan inte ändras."), "error")
        return redirect(url_for("ideas.show", idea_id=idea.id))
    form = _idea_form(EditIdeaForm, session, idea)
    if form.validate_on_submit():
        data = form.to_data(idea.lead_organisation_id)
        try:
            changed = update_idea(
                session, current_user, idea, data, base_version=form.base_version()
            )
        except EditConflict as conflict:
            session.rollback()
            return _edit_conflict(session, idea_id, form, data, conflict), 409
        except (InvalidData, NotAllowed) as error:
            session.rollback()
            _flash_error(error)
        else:
            session.commit()
            flash(_("Ändringarna är sparade.") if changed else _("Inget ändrades."), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    status = 400 if form.errors else 200
    return render_template(
        "ideas/form.html",
        form=form,
        idea=idea,
        may_remove_partners=may_remove_partners(current_user, idea),
    ), status


def _edit_conflict(session: Session, idea_id: int, form, data, conflict: EditConflict) -> str:
    """The saved version next to yours; the form holds yours, on top of the saved version."""
    session.expire_all()
    idea = get_idea(session, current_user, idea_id)
    form.version.data = str(idea.version)
    return render_template(
        "ideas/form.html",
        form=form,
        idea=idea,
        conflict=conflict,
        differences=_differences(session, form, idea, data),
        may_remove_partners=may_remove_partners(current_user, idea),
    )


@bp.post("/<int:idea_id>/flytta")
@login_required
def move(idea_id: int):
    """Move an idea to another stage; from the board this returns to the filtered board."""
    session = db.session()
    idea = get_idea_detail(session, current_user, idea_id)
    back = safe_next(request.form.get("next")) if request.form.get("next") else None
    form = MoveForm()
    form.set_targets(o.target.value for o in move_options(idea, current_user) if not o.blocked)
    if form.validate():
        target = Stage(form.target.data)
        try:
            advance_stage(
                session,
                current_user,
                idea,
                target,
                form.comment.data or "",
                submitted_on=form.submitted_on.data,
                changes_due_on=form.changes_due_on.data,
                esf_diarienummer=form.esf_diarienummer.data or None,
                esf_granted=form.esf_granted.data,
            )
        except PipelineError as error:
            _flash_error(error)
        else:
            session.commit()
            flash(
                _(
                    "%(title)s är flyttad till %(stage)s.",
                    title=idea.title,
                    stage=target.label_for(locale()),
                ),
                "success",
            )
            return redirect(back or url_for("ideas.show", idea_id=idea.id))
    elif back:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
    if back:
        return redirect(back)
    return _render_show(session, idea, move_form=form, status=400)


@bp.post("/<int:idea_id>/kommentera")
@login_required
def comment(idea_id: int):
    """Comment on an idea; only the team is offered internal comments."""
    session = db.session()
    idea = get_idea_detail(session, current_user, idea_id)
    form = CommentForm()
    if not current_user.is_team:
        del form.visibility
    if form.validate():
        visibility = Visibility(form.visibility.data) if form.visibility else Visibility.SHARED
        try:
            add_comment(session, current_user, idea, form.body.data, visibility)
        except PipelineError as error:
            session.rollback()
            _flash_error(error)
        else:
            session.commit()
            flash(_("Kommentaren är sparad."), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id, _anchor="kommentarer"))
    return _render_show(session, idea, comment_form=form, status=400)
