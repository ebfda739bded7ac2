"""Gunicorn settings Framsyn's web processes start with (gunicorn reads this file from the
working directory; command-line options override it)."""

from __future__ import annotations

# Longer than a person's pause between clicks, so a kept-alive connection stays usable.
keepalive = 10


def post_worker_init(worker) -> None:
    """Load the Swedish language pipeline before the worker takes requests: the first check
    in a process would otherwise hold up every request behind it for a second or two."""
    import gc

    from drafting.checker.matching import get_matcher

    get_matcher()
    # The pipeline lives as long as the worker: keep it out of full garbage collections too, as
    # create_app did with what the app loaded (web._freeze_long_lived_objects).
    gc.collect()
    gc.freeze()
