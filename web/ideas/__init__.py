"""The ideas pages: the list, submitting and editing, the idea page, moves and comments."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pipeline import programme_areas
from pipeline.models import ProjectIdea, utcnow
from pipeline.stages import BOARD_ORDER


def days_in_stage(idea: ProjectIdea, now: dt.datetime | None = None) -> int:
    """Whole days since the idea entered its current stage."""
    return max(0, ((now or utcnow()) - idea.stage_changed_at).days)


def names(items) -> str:
    """The names of kommuner or organisations, comma-separated ("–" for none)."""
    return ", ".join(item.name for item in items) or "–"


def programme_area(value: str | None) -> str:
    """A stored programme area by its full name in the page's language ("–" for none)."""
    from web.i18n import locale

    return programme_areas.label(value, locale()) or "–"


def _signed_in(user) -> bool:
    return bool(user.is_authenticated)


def _list_label():
    return _l("Idéer") if current_user.is_team else _l("Mina idéer")


def init_app(app: Flask) -> None:
    """Register the ideas pages and their menu entries."""
    from web.ideas.views import bp
    from web.main import add_nav

    app.register_blueprint(bp)
    app.jinja_env.filters.update(
        days_in_stage=days_in_stage, names=names, programme_area=programme_area
    )
    app.jinja_env.globals["STAGES"] = BOARD_ORDER
    add_nav("ideas.index", _list_label, _signed_in)
    add_nav("ideas.new", lambda: _l("Ny idé"), _signed_in)
