"""Sign-in, passwords and who the current user is."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pipeline.models import User
from web import db
from web.extensions import login_manager


def init_app(app: Flask) -> None:
    """Configure sessions and register the sign-in pages."""
    from web.auth.views import bp

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session().get(User, int(user_id))
        return user if user is not None and user.is_active else None

    app.register_blueprint(bp)
