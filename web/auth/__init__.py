"""Sign-in, passwords and who the current user is."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pipeline import login_sessions
from pipeline.models import User
from web import db
from web.extensions import login_manager
from web.params import parse_id


def init_app(app: Flask) -> None:
    """Configure sessions and register the sign-in pages."""
    from web.auth.views import bp

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(cookie_value: str) -> User | None:
        """The one place a session or remember cookie becomes a user: its sign-in must live."""
        parts = login_sessions.split_cookie_value(cookie_value)
        user_id = parse_id(parts[0]) if parts else None
        if parts is None or user_id is None:
            return None
        return login_sessions.user_for(db.session(), user_id, parts[1])

    app.register_blueprint(bp)
