"""The audit page: who did what and when (admins)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from web.audit.views import bp

    app.register_blueprint(bp)
