"""The good examples: the list, one example, marking on the section page and the link from
the checker's advice."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _signed_in(user) -> bool:
    return bool(user.is_authenticated)


def init_app(app: Flask) -> None:
    """Register the pages, the menu entry and the helpers the drafts pages call."""
    from web.examples import panel
    from web.examples.views import bp
    from web.main import add_nav

    app.register_blueprint(bp)
    add_nav("examples.index", lambda: _l("Goda exempel"), _signed_in)
    app.jinja_env.globals.update(
        examples_panel=panel.examples_panel,
        advice_example=panel.advice_example,
        example_segments=panel.example_segments,
        example_template_name=panel.template_name,
    )
