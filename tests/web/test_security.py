"""Cookies, CSRF and rate limits."""

from __future__ import annotations

import pytest

from tests.conftest import service_url
from tests.web.people import PASSWORD, make_people
from web import create_app
from web.extensions import limiter


def _app(sqlite_url: str, **overrides):
    config = {
        "TESTING": True,
        "DATABASE_URL": sqlite_url,
        "REDIS_URL": None,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
    }
    return create_app({**config, **overrides})


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def _sign_in(client):
    return client.post("/konto/logga-in", data={"email": "actor@example.se", "password": PASSWORD})


def test_session_cookie_is_httponly_and_samesite_lax(app, client):
    make_people(app)
    cookie = _session_cookie(_sign_in(client))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_behind_https(sqlite_url):
    app = _app(sqlite_url, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    make_people(app)
    client = app.test_client()
    response = client.post(
        "/konto/logga-in",
        data={"email": "actor@example.se", "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c and "HttpOnly" in c for c in cookies)
    assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
    assert "Strict-Transport-Security" in response.headers
    app.extensions["framsyn.engine"].dispose()


def test_csp_forbids_inline_script(client):
    csp = client.get("/konto/logga-in").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@pytest.fixture
def csrf_app(sqlite_url):
    app = _app(sqlite_url, WTF_CSRF_ENABLED=True)
    make_people(app)
    yield app
    app.extensions["framsyn.engine"].dispose()


@pytest.mark.parametrize(
    "url", ["/konto/logga-in", "/konto/glomt-losenord", "/sprak", "/admin/organisationer/ny"]
)
def test_post_without_csrf_token_is_refused_with_a_clear_page(csrf_app, url):
    response = csrf_app.test_client().post(url, data={"email": "actor@example.se"})
    assert response.status_code == 400
    assert "Formuläret kunde inte skickas" in response.get_data(as_text=True)


def test_post_with_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/konto/logga-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/konto/logga-in",
        data={"email": "actor@example.se", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def test_every_form_carries_a_csrf_token(csrf_app):
    client = csrf_app.test_client()
    for url in ("/konto/logga-in", "/konto/glomt-losenord"):
        page = client.get(url).get_data(as_text=True)
        assert page.count("<form") == page.count('name="csrf_token"')


def _limited(app, url: str, data: dict[str, str], attempts: int) -> list[int]:
    client = app.test_client()
    return [client.post(url, data=data).status_code for _ in range(attempts)]


def test_login_is_rate_limited(sqlite_url):
    app = _app(sqlite_url, RATELIMIT_ENABLED=True)
    make_people(app)
    limiter.reset()
    data = {"email": "actor@example.se", "password": "fel lösenord!"}
    codes = _limited(app, "/konto/logga-in", data, 11)
    assert codes[:10] == [200] * 10 and codes[10] == 429
    app.extensions["framsyn.engine"].dispose()


def test_password_reset_is_rate_limited(sqlite_url):
    app = _app(sqlite_url, RATELIMIT_ENABLED=True)
    limiter.reset()
    codes = _limited(app, "/konto/glomt-losenord", {"email": "x@example.se"}, 6)
    assert codes[:5] == [302] * 5 and codes[5] == 429
    page = app.test_client().post("/konto/glomt-losenord", data={}).get_data(as_text=True)
    assert "För många försök" in page
    app.extensions["framsyn.engine"].dispose()


@pytest.mark.redis
def test_rate_limit_uses_redis_when_configured(sqlite_url):
    redis_url = service_url("TEST_REDIS_URL")
    app = _app(sqlite_url, RATELIMIT_ENABLED=True, REDIS_URL=redis_url)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    limiter.reset()
    codes = _limited(app, "/konto/glomt-losenord", {"email": "x@example.se"}, 6)
    assert codes[-1] == 429
    limiter.reset()
    app.extensions["framsyn.engine"].dispose()
