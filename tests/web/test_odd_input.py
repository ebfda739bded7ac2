"""Odd numbers, dates and redirects from the review: each once a 500, now a page."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.web.people import sign_in
from tests.web.test_hostile import World
from web.params import DATE_MAX, DATE_MIN, INT_MAX, parse_date, parse_id, parse_int, parse_page


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (str(INT_MAX), INT_MAX),
        (str(INT_MAX + 1), None),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("¹", None),
        ("١٢", None),  # Arabic-Indic digits: int() would read 12
        ("１２", None),  # full-width digits
        ("1e3", None),
        ("", None),
        (None, None),
        ("9" * 400, None),
    ],
)
def test_parse_id_takes_ascii_digits_within_the_integer_range(raw, expected):
    assert parse_id(raw) == expected


def test_parse_page_and_int():
    assert parse_page("²") == 1 and parse_page("0") == 1 and parse_page("3") == 3
    assert parse_int("0") == 0
    assert parse_int("11", maximum=10) is None


def test_parse_date_clamps_the_far_past_and_future():
    assert parse_date("0001-01-01") == DATE_MIN
    assert parse_date("9999-12-31") == DATE_MAX
    assert parse_date("2026-02-30") is None
    assert parse_date("2026-12-01") == dt.date(2026, 12, 1)


@pytest.fixture
def world(app):
    return World(app)


@pytest.fixture
def admin(app, world):
    return sign_in(app, app.test_client(), world.people.admin)


@pytest.mark.parametrize(
    "url",
    [
        "/ideer?kommun=²",
        "/ideer?sida=¹",
        "/ideer?org=١&utlysning=2147483648",
        "/tavla?kommun=²&org=²",
        "/rapporter/tratt?stillastaende=²",
        "/rapporter/tratt.xlsx?kommun=²",
        "/rapporter/idelista.csv?kommun=²&sida=²",
        "/rapporter/idelista.xlsx?kommun=²",
        "/admin/logg?person=²&sida=²",
        "/admin/logg?ide=99999999999",
        "/admin/logg.csv?person=²",
        "/admin/logg?fran=0001-01-01",
        "/admin/logg?till=9999-12-31",
        "/admin/logg.csv?fran=0001-01-01&till=9999-12-31",
        "/rapporter/tratt?fran=9999-12-31",
        "/rapporter/tratt?fran=0001-01-01&till=9999-12-31",
        "/rapporter/regional-balans?fran=9999-12-31",
        "/rapporter/principer?fran=0001-01-01",
        "/rapporter/deltagare?till=9999-12-31",
    ],
)
def test_odd_numbers_and_dates_in_query_strings(admin, url):
    assert admin.get(url).status_code == 200, url


def test_odd_revision_numbers_in_the_draft_comparison(admin, world):
    for query in ("fran=²&till=¹", "fran=99999999999&till=0", "fran=2147483647"):
        url = f"/ideer/{world.mine}/ansokan/jamfor?{query}"
        assert admin.get(url).status_code < 500, url


def test_a_unicode_digit_as_base_revision_is_no_base(app, world):
    actor = sign_in(app, app.test_client(), world.people.actor)
    url = f"/ideer/{world.mine}/ansokan/avsnitt/syfte"
    response = actor.post(url, data={"text": "Ny text", "base_revision_id": "²"})
    assert response.status_code == 409  # a save that names no base meets a saved section


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: x=1", "/ideer\nX: y", "/\x00", "/\\evil.example", "//evil"]
)
def test_control_characters_in_next_go_home(app, world, target):
    client = app.test_client()
    response = client.post("/sprak", data={"locale": "en", "next": target})
    assert response.status_code == 302 and response.location == "/"
    response = client.post(
        "/konto/logga-in",
        query_string={"next": target},
        data={"email": "actor@example.se", "password": "ett långt testlösenord"},
    )
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize(
    ("field", "value"),
    [("period_start", "0001-01-01"), ("period_end", "9999-12-31")],
)
def test_extreme_dates_on_an_idea_get_a_message(app, world, field, value):
    actor = sign_in(app, app.test_client(), world.people.actor)
    response = actor.post(f"/ideer/{world.mine}/andra", data={field: value})
    assert response.status_code == 400
    assert "Skriv ett datum mellan år 1900 och 2200." in response.get_data(as_text=True)
