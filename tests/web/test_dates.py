"""Dates are typed as year-month-day in both languages; nothing else is guessed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from web.params import read_date


@pytest.mark.parametrize(
    "typed",
    ["2027-03-01", " 2027-3-1 ", "2027/03/01", "2027.03.01", "2027 03 01", "20270301"],
)
def test_year_month_day_in_its_usual_spellings(typed):
    assert read_date(typed) == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    "typed", ["01/03/2027", "03/01/2027", "70301-02-02", "2027-02-30", "2027-13-01", "x", "", None]
)
def test_other_orders_and_impossible_days_are_refused(typed):
    assert read_date(typed) is None


def test_the_idea_form_has_text_date_fields(app, client):
    from tests.web.people import make_people, sign_in

    people = make_people(app)
    sign_in(app, client, people.actor)
    page = client.get("/ideer/ny").get_data(as_text=True)
    for name in ("period_start", "period_end"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'type="text"' in tag and 'data-date-picker="1"' in tag, tag
