"""Portfolio reports for the support team: pages, charts and spreadsheet downloads."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _team(user) -> bool:
    return bool(user.is_authenticated and user.is_team)


def init_app(app: Flask) -> None:
    """Register the report pages and their menu entry."""
    from web.main import add_nav
    from web.reports.tables import cell_text
    from web.reports.views import bp

    app.register_blueprint(bp)
    app.jinja_env.filters["report_cell"] = cell_text
    add_nav("reports.index", lambda: _l("Rapporter"), _team)
