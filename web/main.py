"""The start page, the language switch and a health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from pipeline.i18n import LOCALES
from web import db
from web.auth.views import _safe_next

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# Blueprints add their menu entries: (endpoint, label callable, predicate on the user).
NAV: list[tuple[str, object, object]] = []


def nav_items() -> list[NavItem]:
    """The main-menu entries the current user may use."""
    from flask import url_for

    items = []
    for endpoint, label, allowed in NAV:
        if allowed(current_user):
            blueprint = endpoint.split(".")[0]
            items.append(
                NavItem(str(label()), url_for(endpoint), (request.blueprint or "") == blueprint)
            )
    return items


@bp.get("/")
def index():
    """The start page."""
    return render_template("index.html")


@bp.post("/sprak")
def set_language():
    """Switch language and remember it (in the session, and on the account when signed in)."""
    chosen = request.form.get("locale")
    if chosen in LOCALES:
        session["locale"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session().commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    db.session().execute(text("SELECT 1"))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.register_blueprint(bp)
