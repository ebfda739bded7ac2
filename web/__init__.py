"""The web layer: the app factory."""

from __future__ import annotations

import gc
import hashlib
import os
import sys
from typing import Any

import jinja2
from flask import Flask

import drafting
from web import auth, cli, db, errors, i18n, notifications, security
from web.config import load_config, validate
from web.extensions import csrf, limiter

# The top-level templates/ folder; web/templates links to it so that it is package data of
# `web` in a built distribution.
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def _jinja_options() -> dict[str, Any]:
    """Framsyn's template options, with Jinja's own file cache of compiled templates.

    Compiling the templates is most of what a new app instance (a restarted worker, a CLI
    command) spends on its first pages. Jinja's `FileSystemBytecodeCache` keeps the compiled
    code in a private per-user folder and checks each entry against the template's source; the
    file names carry a digest of the options and versions that shape the code, so a change of
    either never reuses stale code.
    """
    options: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True}
    if os.environ.get("FRAMSYN_TEMPLATE_CACHE", "1") != "0":
        shape = repr((sorted(options.items()), jinja2.__version__, sys.version_info[:2]))
        digest = hashlib.sha256(shape.encode()).hexdigest()[:12]
        options["bytecode_cache"] = jinja2.FileSystemBytecodeCache(
            pattern=f"__framsyn_{digest}_%s.cache"
        )
    return options


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Framsyn app; `test_config` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=TEMPLATES,
        static_folder="static",
    )
    app.config.update(load_config(app.instance_path, test_config))
    validate(app.config)
    drafting.install()
    app.jinja_options = {**app.jinja_options, **_jinja_options()}
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_ENABLED", not app.config["TESTING"])

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    notifications.init_app(app)

    from web import (
        account_data,
        admin,
        audit,
        board,
        drafts,
        examples,
        ideas,
        main,
        reports,
        search,
    )
    from web.drafts import word

    parts = (
        main,
        ideas,
        board,
        drafts,
        word,
        examples,
        admin,
        reports,
        audit,
        account_data,
        search,
    )
    for part in parts:
        part.init_app(app)
    if app.config.get("GC_FREEZE", not app.config["TESTING"]):
        _freeze_long_lived_objects()
    return app


def _freeze_long_lived_objects() -> None:
    """Keep what lives as long as the app out of Python's full garbage collections.

    The language tables and everything the app loaded are a few hundred thousand objects; a
    full collection walked them all, a 150 ms pause every few requests (a board's p95 three
    times its median at national scale). `gc.freeze()` moves them to a generation that the
    collector leaves alone, as the Python documentation suggests for servers; tests, which
    build many apps in one process, leave it off so that old apps can still be collected.
    Once per process: a server builds one app, and freezing again would only pin garbage.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
