"""The database as the web layer sees it: one session per request, the request commits."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from pipeline.db import make_engine, make_session_factory

# Every layer's models, so that migrations and create_all see all tables.
MODEL_MODULES = (
    "pipeline.models",
    "pipeline.notifications.models",
    "pipeline.search",
    "drafting.models",
    "drafting.jobs.models",
    "drafting.examples.models",
)


def init_app(app: Flask) -> None:
    """Create the engine and session factory and close the session after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["framsyn.engine"] = engine
    app.extensions["framsyn.sessions"] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)


def session() -> Session:
    """The current app context's session (created on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["framsyn.sessions"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()  # anything not committed is rolled back
