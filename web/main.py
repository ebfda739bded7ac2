"""The start page, the language switch and a health check."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from drafting.coverage import STALLED_ACTIVITY
from pipeline.i18n import LOCALES
from pipeline.models import utcnow
from pipeline.queries import my_ideas, next_steps, team_inbox
from pipeline.queries.candidates import resemblances
from web import db
from web.security import safe_next

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# Blueprints add their menu entries: (endpoint, label callable, predicate on the user).
NAV: list[tuple[str, object, object]] = []
# Pages that belong to a menu entry other than their blueprint's first: endpoint -> entry.
NAV_SECTIONS: dict[str, str] = {}


def add_nav(endpoint: str, label: object, allowed: object, *, covers: tuple[str, ...] = ()) -> None:
    """Add a menu entry once (an app factory may run many times in one process); `covers`
    names the other pages that highlight this entry."""
    if all(existing != endpoint for existing, _label, _allowed in NAV):
        NAV.append((endpoint, label, allowed))
    NAV_SECTIONS.update(dict.fromkeys(covers, endpoint))


def nav_items() -> list[NavItem]:
    """The main-menu entries the current user may use.

    The entry for this very page is current; failing that, the entry that covers the page;
    failing that, the first entry of this blueprint.
    """
    from flask import url_for

    entries = [(e, label) for e, label, allowed in NAV if allowed(current_user)]
    endpoints = [e for e, _label in entries]
    current = request.endpoint if request.endpoint in endpoints else None
    if current is None and NAV_SECTIONS.get(request.endpoint or "") in endpoints:
        current = NAV_SECTIONS[request.endpoint]
    if current is None:
        blueprint = request.blueprint or ""
        current = next((e for e in endpoints if e.split(".")[0] == blueprint), None)
    return [NavItem(str(label()), url_for(e), e == current) for e, label in entries]


@bp.get("/")
def index():
    """The start page: a welcome, an actor's own ideas, or what waits for the support team."""
    if not current_user.is_authenticated:
        return render_template("index.html")
    session = db.session()
    if current_user.is_team:
        inbox = team_inbox(
            session,
            current_user,
            now=utcnow(),
            stalled_after_days=int(current_app.config.get("STALLED_AFTER_DAYS", 30)),
            activity=STALLED_ACTIVITY,
        )
        return render_template(
            "index.html",
            inbox=inbox,
            resemblances=resemblances(session, current_user, inbox.new),
        )
    ideas = my_ideas(session, current_user)
    steps = {idea.id: next_steps(idea, current_user) for idea in ideas}
    sections = {}
    for idea in ideas:
        sections[idea.id], steps[idea.id] = _missing_sections(session, idea, steps[idea.id])
    return render_template(
        "index.html", ideas=ideas, steps=steps, sections=sections, today=utcnow().date()
    )


def _missing_sections(session, idea, steps):
    """The mandatory sections an idea's application still lacks, as links on the start page;
    the gate's one long sentence about them leaves the list of next steps."""
    from drafting.guards import draft_sections_complete
    from drafting.review import missing_sections
    from drafting.revisions import get_draft, template_key_for
    from pipeline.stages import Stage, transition

    move = transition(idea.stage, Stage.REVIEW)
    if move is None or idea.stage not in (Stage.DRAFTING, Stage.CHANGES_REQUESTED):
        return [], steps
    message = draft_sections_complete(idea, current_user, move)
    if message is None:
        return [], steps
    steps = replace(steps, missing=[m for m in steps.missing if m != message])
    draft = get_draft(session, idea)
    key = draft.template_key if draft is not None else template_key_for(idea)
    return missing_sections(session, draft, key), steps


@bp.post("/sprak")
def set_language():
    """Switch language and remember it (in the session, and on the account when signed in)."""
    chosen = request.form.get("locale")
    if chosen in LOCALES:
        session["locale"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session().commit()
    return redirect(safe_next(request.form.get("next")))


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    db.session().execute(text("SELECT 1"))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.register_blueprint(bp)
