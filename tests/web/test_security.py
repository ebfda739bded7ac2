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


def _login(client, email: str, password: str = "fel lösenord!", ip: str = "10.0.0.1") -> int:
    response = client.post(
        "/konto/logga-in",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": ip},
    )
    return response.status_code


@pytest.fixture
def limited_app(sqlite_url):
    """Rate limits on, behind one proxy that reports the client's address."""
    app = _app(sqlite_url, RATELIMIT_ENABLED=True, PROXY_HOPS=1)
    make_people(app)
    limiter.reset()
    yield app
    limiter.reset()
    app.extensions["framsyn.engine"].dispose()


def test_login_is_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    codes = [_login(client, f"person{n}@example.se") for n in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    # Another address behind the same proxy is not locked out, and the account still works.
    assert _login(client, "actor@example.se", PASSWORD, ip="10.0.0.2") == 302


def test_login_is_rate_limited_per_account_from_any_address(limited_app):
    client = limited_app.test_client()
    codes = [_login(client, "Actor@Example.se", ip=f"10.0.1.{n}") for n in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert _login(client, "actor@example.se", PASSWORD, ip="10.0.2.1") == 429
    # Other accounts, from the addresses used, are not affected.
    assert _login(limited_app.test_client(), "admin@example.se", PASSWORD, ip="10.0.1.1") == 302


def test_successful_sign_ins_do_not_count(limited_app):
    codes = [_login(limited_app.test_client(), "actor@example.se", PASSWORD) for _ in range(12)]
    assert codes == [302] * 12


def test_without_proxy_hops_forwarded_addresses_are_ignored(sqlite_url):
    app = _app(sqlite_url, RATELIMIT_ENABLED=True)
    make_people(app)
    limiter.reset()
    client = app.test_client()
    codes = [_login(client, f"p{n}@example.se", ip=f"10.9.0.{n}") for n in range(11)]
    assert codes[10] == 429  # one real address, whatever the header claims
    limiter.reset()
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


@pytest.mark.parametrize("key", ["", "x", "a" * 31])
def test_short_secret_keys_are_refused_outside_debug_and_testing(sqlite_url, key):
    from web.config import ConfigError

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(
            {"TESTING": False, "DEBUG": False, "DATABASE_URL": sqlite_url, "SECRET_KEY": key}
        )


def test_a_long_secret_key_is_accepted(sqlite_url):
    app = create_app(
        {"TESTING": False, "DEBUG": False, "DATABASE_URL": sqlite_url, "SECRET_KEY": "k" * 32}
    )
    assert app.config["SECRET_KEY"] == "k" * 32
    app.extensions["framsyn.engine"].dispose()


def test_bad_proxy_hops_are_refused(monkeypatch, sqlite_url):
    from web.config import ConfigError

    monkeypatch.setenv("FRAMSYN_PROXY_HOPS", "två")
    with pytest.raises(ConfigError, match="FRAMSYN_PROXY_HOPS"):
        _app(sqlite_url)


def test_signed_in_pages_are_not_cached(app, client):
    make_people(app)
    assert "Cache-Control" not in client.get("/konto/logga-in").headers
    _sign_in(client)
    for url in ("/", "/ideer", "/konto/mina-uppgifter"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_an_empty_secret_key_in_the_environment_counts_as_unset(monkeypatch, sqlite_url):
    from web.config import DEV_SECRET, ConfigError

    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"DATABASE_URL": sqlite_url})
    app = create_app({"DATABASE_URL": sqlite_url, "DEBUG": True})
    assert app.config["SECRET_KEY"] == DEV_SECRET  # debug runs with the development key
    app.extensions["framsyn.engine"].dispose()
