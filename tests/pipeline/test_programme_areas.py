"""The programme-area reference data is complete and consistent, and values of every earlier
form are read as it."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from pipeline import programme_areas as pa
from pipeline.i18n import render


def test_the_data_file_has_every_period_with_full_names_in_both_languages():
    raw = tomllib.loads(pa.DATA.read_text(encoding="utf-8"))
    assert [p["key"] for p in raw["periods"]] == ["2007-2013", "2014-2020", "2021-2027"]
    for period in raw["periods"]:
        assert period["key"] == f"{period['first_year']}-{period['last_year']}"
        assert period["sv"].strip() and period["en"].strip()
        codes = [a["code"] for a in period["areas"]]
        assert codes and len(codes) == len(set(codes)), period["key"]
        for area in period["areas"]:
            assert set(area) == {"code", "sv", "en", "confirmed"}, area
            assert area["sv"].strip() and area["en"].strip()
            assert isinstance(area["confirmed"], bool)  # unconfirmed names are marked
            assert pa.SEPARATOR not in area["code"]
    years = [(p.first_year, p.last_year) for p in pa.periods()]
    assert all(a[1] + 1 == b[0] for a, b in zip(years, years[1:], strict=False))  # no gaps
    assert [a.code for a in pa.period("2021-2027").areas] == list("ABCDEF")
    assert pa.area("2021-2027:D").confirmed and not pa.area("2021-2027:F").confirmed


@pytest.mark.parametrize(
    ("stored", "year", "expected"),
    [
        ("B", None, "2021-2027:B"),
        ("Programområde A", None, "2021-2027:A"),
        ("A: Öka möjligheten till ett inkluderande och hållbart arbetsliv för alla", None,
         "2021-2027:A"),
        ("Programområde 1 Kompetensförsörjning", None, "2007-2013:1"),
        ("Programområde 1 Kompetensförsörjning", 2016, "2014-2020:1"),
        ("Programområde 2 Ökat arbetskraftsutbud", 2016, "2007-2013:2"),
        ("3", None, "2014-2020:3"),
        ("2021-2027:C", None, "2021-2027:C"),
        ("Eget område", None, "Eget område"),
        ("A: Något annat", None, "A: Något annat"),
        ("Z", None, "Z"),
        ("", None, ""),
    ],
)  # fmt: skip
def test_earlier_forms_are_read_as_reference_areas(stored, year, expected):
    assert pa.normalise(stored, year) == expected


def test_labels_are_full_names_in_both_languages():
    assert pa.label("2021-2027:B") == "B: Öka möjligheten till arbete (ESF+ 2021–2027)"
    assert pa.label("2021-2027:B", "en") == "B: Greater opportunities for work (ESF+ 2021–2027)"
    assert pa.label("2014-2020:3", "en").startswith("3: Youth Employment Initiative")
    assert pa.label("Eget område") == "Eget område" and pa.label("") == ""
    assert pa.label("2021-2027:Q") == "2021-2027:Q"  # unknown: shown as stored


def test_an_area_must_belong_to_the_calls_period():
    esf_plus, older = dt.date(2026, 2, 1), dt.date(2016, 5, 1)
    assert pa.check("2021-2027:A", esf_plus) is None
    assert pa.check("2014-2020:1", older) is None
    problem = pa.check("2007-2013:1", esf_plus)
    assert problem is not None and "ESF+ 2021–2027" in render(problem, "sv")
    assert "call" in render(problem, "en")
    assert pa.check("2021-2027:A", older) is not None
    assert pa.check("2021-2027:A", None) is None  # no call: any period
    assert pa.check("Eget område", esf_plus) is None  # free text written earlier is kept
    assert pa.period_for_date(dt.date(2030, 1, 1)).key == "2021-2027"
    assert pa.period_for_date(dt.date(2001, 1, 1)).key == "2007-2013"
