"""Domain errors and HTTP errors mapped to pages, in one place."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pipeline.errors import PipelineError


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(PipelineError)
    def _domain_error(error: PipelineError):
        return render_template("error.html", status=error.status, error=error), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError):
        return render_template("auth/csrf_error.html"), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return render_template("error.html", status=error.code, error=error), error.code
