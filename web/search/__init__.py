"""The search page, the similar ideas and the candidates for regional projects."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the search pages."""
    from web.search.views import bp

    app.register_blueprint(bp)
