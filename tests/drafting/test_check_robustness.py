"""The checker never raises on odd text and splits plain text into sections."""

from __future__ import annotations

import pytest

from drafting.checker import check_sections, check_text
from drafting.checker.results import Level
from drafting.sections import UNMATCHED, split_text
from drafting.templates import load_template

ODD_TEXTS = {
    "empty": "",
    "whitespace": " \n\t\n ",
    "control": "Jämställdhet\x00\x07 ska\x1b[31m genomsyra\x0c projektet.\x7f",
    "emoji": "😀🎉 Alla är välkomna 👩‍🦽 oavsett funktionsnedsättning! 🇸🇪",
    "english": "The project will promote gender equality and accessibility for everyone.",
    "html": (
        "<p>Vi <b>gör</b> en jämställdhetsanalys av deltagarna varje kvartal.</p>"
        "<script>alert('x')</script>"
    ),
    "only_list": "• Praktik\n• Coachning\n- Studiebesök\n* Yrkessvenska",
    "punctuation": "....!!!???;;;::: --- ***",
    "numbers": "1 2 3 4 5 070 19 20 2011-01-17",
    "unclosed_tag": "<div class='x' Vi arbetar med likabehandling.",
    "surrogates": "Text med \ud800 trasigt tecken.",
}


@pytest.mark.parametrize("text", ODD_TEXTS.values(), ids=ODD_TEXTS.keys())
def test_odd_text_never_raises(text: str) -> None:
    result = check_sections({"bakgrund_problemanalys": text, "okand_sektion": text})
    assert set(result.levels) == {"jamstalldhet", "tillganglighet", "likabehandling"}
    check_text(text)


def test_html_markup_is_not_content_but_offsets_stay_in_the_original() -> None:
    text = ODD_TEXTS["html"]
    result = check_sections({"bakgrund_problemanalys": text})
    assert result.levels["jamstalldhet"] is Level.CONCRETE
    assert "alert" not in str(result.principles["jamstalldhet"].cues)


def test_empty_draft() -> None:
    result = check_sections({})
    assert set(result.summary().values()) == {"absent"}
    assert result.readability == {}


def test_none_and_non_string_values() -> None:
    result = check_sections({"syfte": None, "budget": 12345})  # type: ignore[dict-item]
    assert result.levels["jamstalldhet"] is Level.ABSENT


@pytest.mark.slow
def test_two_hundred_thousand_characters() -> None:
    paragraph = (
        "Könsuppdelad statistik visar att fler kvinnor än män är arbetslösa. "
        "Alla lokaler är tillgängliga för personer med funktionsnedsättning. "
    )
    text = (paragraph * (200_000 // len(paragraph) + 1))[:200_000]
    result = check_text(text)
    assert len(text) == 200_000
    assert result.levels["jamstalldhet"] is Level.CONCRETE


def test_split_text_recognises_numbered_and_cased_headings() -> None:
    text = (
        "Titel på projektet\n\n1. SAMMANFATTNING\nKort text.\n\n2.1 Bakgrund:\nAnalys.\n\n"
        "## Jämställdhetsintegrering\nJämställdhet.\n\nTillgänglighet för personer med "
        "funktionsnedsättning\nTillgänglighet.\n\nKommun\n • Umeå\n"
    )
    sections = split_text(text, load_template("esf_plus"))
    assert sections[UNMATCHED] == "Titel på projektet"
    assert sections["sammanfattning"] == "Kort text."
    assert sections["bakgrund_problemanalys"] == "Analys."
    assert sections["hp_jamstalldhet"] == "Jämställdhet."
    assert sections["hp_tillganglighet"] == "Tillgänglighet."
    assert sections["kommun"] == " • Umeå"
    assert list(split_text(text, load_template("esf_2007")))[1:4] == [
        "sammanfattning",
        "bakgrund",
        "jamstalldhetsintegrering",
    ]
