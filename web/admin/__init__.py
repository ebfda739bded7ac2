"""The admin pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pipeline.accounts import may_see_admin


def init_app(app: Flask) -> None:
    """Register the admin pages and their menu entry."""
    from web.admin.views import bp
    from web.main import NAV

    app.register_blueprint(bp)
    entry = ("admin.index", lambda: _l("Administration"), may_see_admin)
    if entry[0] not in {endpoint for endpoint, *_ in NAV}:
        NAV.append(entry)
