"""The start page and a health check."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from web import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The start page."""
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    db.session().execute(text("SELECT 1"))
    return {"status": "ok"}
