"""The support team's pipeline board and the regional projects."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from drafting.review import levels_for_ideas
from pipeline.errors import NotAllowed, NotFound, PipelineError
from pipeline.i18n import _t
from pipeline.models import utcnow
from pipeline.queries import (
    board_columns,
    filter_options,
    get_regional_project,
    ideas_by_ids,
    move_options,
    regional_projects,
    regional_sum,
    require_team,
)
from pipeline.services import link_to_regional_project, unlink_from_regional_project
from web import db
from web.board.filters import filter_args, parse_filters
from web.board.forms import LinkForm
from web.i18n import text
from web.ideas.forms import choices
from web.security import safe_next

bp = Blueprint("board", __name__)

# ?visning=kompakt|full chooses the board's view; the choice is kept in the session cookie.
VIEW_PARAM, VIEW_KEY = "visning", "board_view"
VIEWS = ("full", "kompakt")


def board_view() -> str:
    """The board's view from the URL (then remembered), else the remembered one, else full."""
    asked = request.args.get(VIEW_PARAM)
    if asked in VIEWS:
        if cookie_session.get(VIEW_KEY, "full") != asked:
            cookie_session[VIEW_KEY] = asked
        return asked
    remembered = cookie_session.get(VIEW_KEY)
    return remembered if remembered in VIEWS else "full"


@bp.get("/tavla")
@login_required
def board():
    """One column per stage with counts and the longest-waiting cards; filters in the URL.

    The compact view shows only each card's title and kommuner."""
    session = db.session()
    filters = parse_filters(request.args, current_user)
    try:
        columns = board_columns(session, current_user, filters)
    except NotAllowed:
        return redirect(url_for("ideas.index"))
    compact = board_view() == "kompakt"
    moves = {
        idea.id: []
        if compact
        else [o for o in move_options(idea, current_user, table_guards_only=True) if not o.records]
        for column in columns
        for idea in column.ideas
    }
    return render_template(
        "board/board.html",
        columns=columns,
        compact=compact,
        moves=moves,
        levels={} if compact else levels_for_ideas(session, moves),
        filters=filters,
        args=filter_args(filters),
        column_args={k: v for k, v in filter_args(filters).items() if k != "skede"},
        options=filter_options(session),
        total=sum(c.count for c in columns),
        today=utcnow().date(),
    )


@bp.get("/regionala-projekt")
@login_required
def regional_index():
    """Every regional project and its member ideas."""
    return render_template(
        "board/regional_index.html", projects=regional_projects(db.session(), current_user)
    )


@bp.get("/regionala-projekt/<int:project_id>")
@login_required
def regional(project_id: int):
    """A regional project: its member ideas, each in its own stage."""
    session = db.session()
    project = get_regional_project(session, current_user, project_id)
    return render_template(
        "board/regional.html",
        project=project,
        total=regional_sum(session, current_user, project),
        levels=levels_for_ideas(session, [m.id for m in project.member_ideas]),
    )


@bp.post("/regionala-projekt/samla")
@login_required
def link():
    """Gather the ideas chosen in the list under a new or an existing regional project."""
    session = db.session()
    require_team(current_user)
    back = safe_next(request.form.get("next") or url_for("ideas.index"))
    form = LinkForm()
    form.regional_id.choices = choices(
        [(None, ""), *((p.id, p.title) for p in regional_projects(session, current_user))]
    )
    if not form.validate():
        return _gather_refused(form, back)
    try:
        ideas = ideas_by_ids(session, current_user, form.idea_ids.data)
        existing = (
            get_regional_project(session, current_user, form.regional_id.data)
            if form.regional_id.data is not None
            else None
        )
        project = link_to_regional_project(
            session, current_user, ideas, existing, new_title=form.new_title.data or None
        )
    except PipelineError as error:
        session.rollback()
        if error.status != 400:
            for message in error.details or [error.text]:
                flash(text(message), "error")
            return redirect(back)
        form.form_errors.extend(text(m) for m in error.details or [error.text])
        return _gather_refused(form, back)
    session.commit()
    flash(
        _("%(count)d idéer ingår nu i %(title)s.", count=len(ideas), title=project.title),
        "success",
    )
    return redirect(url_for("board.regional", project_id=project.id))


def _gather_refused(form: LinkForm, back: str):
    """The list the form came from, again, with the ticked ideas and the messages at the form."""
    from web.ideas.views import list_page

    query = MultiDict(parse_qsl(urlsplit(back).query))
    return list_page(query, gather=form, next_url=back, status=400)


@bp.post("/regionala-projekt/<int:project_id>/ta-bort/<int:idea_id>")
@login_required
def unlink(project_id: int, idea_id: int):
    """Take one idea out of a regional project."""
    session = db.session()
    project = get_regional_project(session, current_user, project_id)
    idea = next((m for m in project.member_ideas if m.id == idea_id), None)
    if idea is None:
        raise NotFound(_t("Idén ingår inte i det regionala projektet."))
    unlink_from_regional_project(session, current_user, idea)
    session.commit()
    flash(_("%(title)s ingår inte längre i det regionala projektet.", title=idea.title), "success")
    return redirect(url_for("board.regional", project_id=project.id))
