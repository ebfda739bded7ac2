"""The web layer: the app factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from web import cli, db, errors, security
from web.config import load_config, validate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Framsyn app; `test_config` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder="static",
    )
    app.config.update(load_config(app.instance_path, test_config))
    validate(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from web.main import bp as main_bp

    app.register_blueprint(main_bp)
    return app
