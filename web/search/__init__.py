"""The search page, the similar ideas and the candidates for regional projects."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _team(user) -> bool:
    return bool(user.is_authenticated and user.is_team)


def init_app(app: Flask) -> None:
    """Register the search pages."""
    from web.main import add_nav
    from web.search.views import bp

    app.register_blueprint(bp)
    add_nav("search.candidates", lambda: _l("Kandidater"), _team)
