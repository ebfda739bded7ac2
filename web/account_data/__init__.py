"""Personal data pages: my data, and an admin's export and removal of a person."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from web.account_data.views import bp

    app.register_blueprint(bp)
