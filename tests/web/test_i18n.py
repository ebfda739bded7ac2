"""The English catalog is complete and compiled; dates, numbers and kronor follow the locale."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from tests.web.people import make_people, sign_in
from web import i18n

CATALOG = Path(__file__).parents[2] / "web" / "translations" / "en" / "LC_MESSAGES"


def _catalog():
    with (CATALOG / "messages.po").open("rb") as fh:
        return read_po(fh)


def test_committed_mo_matches_the_po():
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(), use_fuzzy=False)
    assert buffer.getvalue() == (CATALOG / "messages.mo").read_bytes(), "run `make translations`"


def _translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(forms) and not message.fuzzy


def test_every_message_has_an_english_translation():
    untranslated = [m.id for m in _catalog() if m.id and not _translated(m)]
    assert untranslated == [], "fill these in messages.po, then run `make translations`"


def test_placeholders_survive_translation():
    for message in _catalog():
        if message.id and isinstance(message.id, str) and message.string:
            for name in ("%(", "%s", "%d"):
                assert message.id.count(name) == message.string.count(name), message.id


@pytest.mark.parametrize(
    ("lang", "amount", "number", "day"),
    [
        ("sv", "1\xa0250\xa0000 kr", "12\xa0345,5", "5 mars 2026"),
        ("en", "SEK 1,250,000", "12,345.5", "Mar 5, 2026"),
    ],
)
def test_formats_follow_the_locale(app, lang, amount, number, day):
    with app.test_request_context(), force_locale(lang):
        i18n.g.locale = lang
        assert i18n.sek(1_250_000) == amount
        assert i18n.number(12345.5) == number
        assert i18n.date(dt.date(2026, 3, 5)) == day
        assert i18n.sek(None) == i18n.date(None) == "–"


def test_language_choice_is_remembered_on_the_account(app, client):
    people = make_people(app)
    sign_in(app, client, people.admin)
    assert 'lang="sv"' in client.get("/admin/").get_data(as_text=True)
    client.post("/sprak", data={"locale": "en", "next": "/admin/"})
    other = app.test_client()  # another browser, same person
    sign_in(app, other, people.admin)
    page = other.get("/admin/").get_data(as_text=True)
    assert 'lang="en"' in page and "Municipalities" in page and "Sign out" in page


def test_pages_are_english_when_chosen(client):
    client.post("/sprak", data={"locale": "en"})
    page = client.get("/konto/glomt-losenord").get_data(as_text=True)
    assert "Forgotten password" in page and "Glömt" not in page
    page = client.post("/konto/glomt-losenord", data={"email": "nope"}).get_data(as_text=True)
    assert "Write the e-mail address as name@example.se." in page
