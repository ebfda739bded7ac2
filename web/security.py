"""Security headers on every response, request values without NUL characters, the client's
address as the configured proxies report it, and the one check of a `next` address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, url_for
from flask.wrappers import Request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from web.params import INT_MAX

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site (a path, no control characters)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.index")


def _without_nul(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (key.replace("\x00", ""), value.replace("\x00", ""))
        for key, value in values.items(multi=True)
    )


class CleanRequest(Request):
    """A request whose query, form values and upload names carry no NUL characters.

    No text in Framsyn has a use for them and PostgreSQL refuses them in text columns, so
    they are dropped where they enter, once, instead of failing deep in a query.
    """

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])
        for upload in self.__dict__["files"].values():
            if upload.filename:
                upload.filename = upload.filename.replace("\x00", "")


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, up to the largest id a database integer holds (larger is a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Use the clean request class and bounded ids; add the headers after every request."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = IdConverter
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        # Trust exactly `hops` proxies' X-Forwarded-* headers: the sign-in throttle then
        # counts the real client's address, and url_for sees the public scheme and host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if response.mimetype == "text/html" and current_user.is_authenticated:
            # A signed-in page must not stay in a shared or back-button cache.
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
