"""Property-based fuzzing: every GET route's query and every POST form, odd values, no 500.

Routes come from the app's URL map and form field names from the pages' own forms, so a new
page is fuzzed without changes here. The values are the kinds that once gave 500s: Unicode
digits, extreme dates, CR/LF, NUL, huge integers and long strings, mixed with ordinary ones.

The normal run is bounded (deterministic, well under a minute); for a longer run by hand:

    FRAMSYN_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/web/test_fuzz.py
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.people import sign_in
from tests.web.test_hostile import AUTH_ROUTES, FILE_ROUTES, SLOW_ROUTES, World, _field_names
from web.board.filters import PARAMS

EXAMPLES = int(os.environ.get("FRAMSYN_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 300,  # the normal run is the same every time
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every query parameter a view reads (filters, paging, sorting, periods, redirects).
QUERY_PARAMS = sorted(
    {*PARAMS, "sida", "sortera", "ordning", "person", "ide", "handelse", "fran", "till"}
    | {"stillastaende", "next", "locale"}
)
# POSTs that would sign the fuzzing admin out, and a removal that ends every later request.
SIGN_OUT = {"auth.logout", "auth.logout_everywhere", "account_data.remove"}

ODD = [
    "²",
    "¹",
    "³",
    "١٢",
    "１２",
    "০",
    "Ⅻ",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "-2147483649",
    "2147483648",
    "99999999999999999999",
    "1e309",
    "NaN",
    "\r\nSet-Cookie: x=1",
    "/\r\n/evil.example",
    "\x00",
    "a\x00b",
    "//evil.example",
    "\\\\evil",
    "",
    " ",
    "a" * 5001,
]
odd_digits = st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=12)
# The known troublemakers carry most of the weight; the rest explores around them.
values = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(ODD),
    odd_digits,
    odd_digits.map(lambda d: "1" + d),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text(max_size=40),
    st.text(alphabet="0123456789\r\n\x00-:/ ", max_size=20),
    st.integers(min_value=100, max_value=20_000).map(lambda n: "å" * n),
    st.text(min_size=73, max_size=400),
)


def _surrogate_free(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


@pytest.fixture
def world(app):
    return World(app)


def _get_urls(app, client, world: World) -> list[str]:
    """Every GET route with its path filled in, plus the report downloads and charts."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "<slug>" in rule.rule:
            continue
        urls.append(world.fill(rule, world.mine))
    from web.reports.pages import PAGES

    for slug in PAGES:
        urls += [f"/rapporter/{slug}", f"/rapporter/{slug}.xlsx"]
        page = client.get(f"/rapporter/{slug}").get_data(as_text=True)
        urls += re.findall(r'(?:href|src)="(/rapporter/[^"?]+\.(?:csv|svg))', page)
    return sorted(set(urls))


def _post_rules(app) -> list:
    skip = FILE_ROUTES | SLOW_ROUTES | SIGN_OUT
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint not in skip),
        key=lambda r: r.rule,
    )


def test_get_routes_never_answer_500(app, world):
    client = sign_in(app, app.test_client(), world.people.admin)
    anonymous = app.test_client()
    urls = _get_urls(app, client, world)
    assert len(urls) >= 40

    @FUZZ
    @given(
        url=st.sampled_from(urls),
        query=st.dictionaries(st.sampled_from(QUERY_PARAMS), values, min_size=1, max_size=12),
        signed_in=st.booleans(),
    )
    def run(url, query, signed_in):
        encoded = "&".join(f"{k}={quote(_surrogate_free(v))}" for k, v in query.items())
        response = (client if signed_in else anonymous).get(f"{url}?{encoded}")
        assert response.status_code < 500, (url, query)

    run()


def test_post_forms_never_answer_500(app, world):
    client = sign_in(app, app.test_client(), world.people.admin)
    fields = _field_names(client, world)
    rules = _post_rules(app)
    assert len(rules) >= 25 and {"title", "text", "body", "email"} <= set(fields)

    @FUZZ
    @given(
        rule=st.sampled_from(rules),
        form=st.dictionaries(
            st.sampled_from(fields),
            st.lists(values, min_size=1, max_size=3),
            min_size=1,
            max_size=12,
        ),
    )
    def run(rule, form):
        data = {k: [_surrogate_free(v) for v in vs] for k, vs in form.items()}
        url = world.fill(rule, world.mine)
        response = client.post(url, data=data)
        assert response.status_code < 500, (rule.endpoint, form)
        if rule.endpoint in AUTH_ROUTES:
            sign_in(app, client, world.people.admin)  # a reset or invitation may switch user

    run()
