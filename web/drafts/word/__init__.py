"""The Word page of an application, its job status pages, and the docx commands."""

from __future__ import annotations

from flask import Flask, render_template
from redis.exceptions import RedisError

from web.queue import QueueUnavailable


def init_app(app: Flask) -> None:
    """Register the pages, the commands and the queue-unavailable page."""
    from web import cli_docx
    from web.drafts.word.views import bp

    app.register_blueprint(bp)
    cli_docx.init_app(app)

    @app.errorhandler(QueueUnavailable)
    @app.errorhandler(RedisError)
    def _queue_unavailable(_error: Exception):
        return render_template("jobs/queue_unavailable.html"), 503
