"""The app factory keeps a served app's long-lived objects out of full garbage collections."""

from __future__ import annotations

import gc

from web import create_app


def _app(sqlite_url: str, **overrides):
    config = {"DATABASE_URL": sqlite_url, "SECRET_KEY": "x" * 40, "REDIS_URL": None}
    return create_app({**config, **overrides})


def test_a_served_app_freezes_what_it_loaded_and_tests_do_not(sqlite_url):
    gc.unfreeze()
    try:
        _app(sqlite_url, TESTING=True)
        assert gc.get_freeze_count() == 0
        _app(sqlite_url, TESTING=True, GC_FREEZE=True)
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the language tables and the app, not a handful
        _app(sqlite_url, GC_FREEZE=True)  # once per process: nothing more is pinned
        assert gc.get_freeze_count() < frozen + 1_000  # a second app would add 100,000s
    finally:
        gc.unfreeze()
