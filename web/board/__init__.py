"""The board pages: the support team's pipeline board and the regional projects."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _team(user) -> bool:
    return bool(user.is_authenticated and user.is_team)


def init_app(app: Flask) -> None:
    """Register the board pages and their menu entries."""
    from web.board.views import bp
    from web.main import add_nav

    app.register_blueprint(bp)
    add_nav("board.board", lambda: _l("Tavla"), _team)
    add_nav(
        "board.regional_index", lambda: _l("Regionala projekt"), _team, covers=("board.regional",)
    )
