"""The one place that reads the environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

DEV_SECRET = "dev-only-secret-change-me"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete."""


def _whole_number(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ConfigError(f"FRAMSYN_PROXY_HOPS must be a whole number, not {raw!r}.") from None


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app's settings from the environment, then apply `overrides` (tests)."""
    env = os.environ
    instance = Path(instance_path)
    config: dict[str, Any] = {
        "SECRET_KEY": env.get("SECRET_KEY") or DEV_SECRET,  # empty counts as unset
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance / 'framsyn.db'}",
        "REDIS_URL": env.get("REDIS_URL") or None,
        "FRAMSYN_REGION": env.get("FRAMSYN_REGION", "vasterbotten"),
        "BASE_URL": env.get("FRAMSYN_BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_FROM": env.get("MAIL_FROM", "framsyn@localhost"),
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A sign-in lasts at most 30 days (pipeline.login_sessions.MAX_AGE), remembered or not.
        "REMEMBER_COOKIE_DURATION": dt.timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=30),
        "STALLED_AFTER_DAYS": int(env.get("FRAMSYN_STALLED_AFTER_DAYS", "30")),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": env.get("FRAMSYN_TIMEZONE", "Europe/Stockholm"),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "JOB_QUEUE": env.get("FRAMSYN_JOB_QUEUE", "framsyn"),
        "JOB_TIMEOUT_SECONDS": int(env.get("FRAMSYN_JOB_TIMEOUT_SECONDS", "600")),
        # How often RQ runs a job again whose worker died or which lost the database.
        "JOB_RETRIES": int(env.get("FRAMSYN_JOB_RETRIES", "2")),
        "FILE_RETENTION_DAYS": float(env.get("FRAMSYN_FILE_RETENTION_DAYS", "7")),
        "DEBUG": env.get("FLASK_DEBUG", "0") == "1",
        # How many proxies in front of Framsyn set X-Forwarded-For/-Proto/-Host (0: none).
        "PROXY_HOPS": _whole_number(env.get("FRAMSYN_PROXY_HOPS", "0")),
        "TESTING": False,
    }
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    config.update(overrides or {})
    return config


SECRET_MIN_LENGTH = 32
_NEW_SECRET = 'SECRET_KEY="$(python -c "import secrets; print(secrets.token_hex(32))")"'


def validate(config: dict[str, Any]) -> None:
    """Refuse a missing, default or short secret key outside debug and testing."""
    hops = config.get("PROXY_HOPS", 0)
    if not isinstance(hops, int) or hops < 0:
        raise ConfigError("FRAMSYN_PROXY_HOPS must be a whole number, 0 or more.")
    if config["DEBUG"] or config["TESTING"]:
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET or not key:
        raise ConfigError(f"SECRET_KEY is not set. Set it in the environment, e.g. {_NEW_SECRET}")
    if len(key) < SECRET_MIN_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is {len(key)} characters long; it signs sessions and one-time links "
            f"and must have at least {SECRET_MIN_LENGTH}. Make a new one, e.g. {_NEW_SECRET}"
        )
