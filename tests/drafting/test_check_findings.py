"""Each kind of finding the checker reports."""

from __future__ import annotations

import pytest

from drafting.checker import check_sections, check_text
from drafting.checker.personal_data import find_personal_data, is_personnummer, luhn_valid
from drafting.checker.results import Finding, Level


def _ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def test_missing_principle_is_an_error_for_each_absent_mandatory_principle() -> None:
    result = check_sections({"bakgrund_problemanalys": "Många unga saknar arbete i kommunen."})
    missing = [f for f in result.findings if f.rule_id.endswith(".missing")]
    assert sorted(f.principle for f in missing) == [
        "jamstalldhet",
        "likabehandling",
        "tillganglighet",
    ]
    assert all(f.severity == "error" and f.source_url.startswith("http") for f in missing)


def test_optional_principles_only_when_asked() -> None:
    text = {"aktiviteter_metod": "Vid resor följer vi organisationens miljöpolicy."}
    assert "miljo" not in check_sections(text).levels
    result = check_sections(text, principles=["miljo", "gles_geografi"])
    assert result.levels == {"miljo": Level.CONCRETE, "gles_geografi": Level.ABSENT}
    assert "gles_geografi.missing" in _ids(result.findings)
    assert next(f for f in result.findings if f.rule_id == "gles_geografi.missing").severity == (
        "warning"
    )


def test_empty_declaration_without_any_concrete_cue_is_a_warning() -> None:
    text = "Jämställdhet ska genomsyra hela projektet."
    result = check_sections({"hp_jamstalldhet": text})
    [finding] = [f for f in result.findings if f.rule_id == "jamstalldhet.empty_declaration"]
    assert finding.severity == "warning"
    assert finding.section == "hp_jamstalldhet"
    assert text[finding.start : finding.end] == finding.evidence == text


def test_empty_declaration_next_to_real_measures_is_only_info() -> None:
    sections = {
        "hp_tillganglighet": "Projektet skall beakta tillgänglighet. Allt material finns på "
        "lättläst svenska och vi anlitar teckenspråkstolk.",
    }
    result = check_sections(sections)
    [finding] = [f for f in result.findings if f.rule_id == "tillganglighet.empty_declaration"]
    assert finding.severity == "info"
    assert finding.evidence == "Projektet skall beakta tillgänglighet."


def test_negation_is_reported_with_its_sentence() -> None:
    text = "Projektet har tydliga mål. Projektet berör inte jämställdhet."
    result = check_sections({"bakgrund_problemanalys": text})
    [finding] = [f for f in result.findings if f.rule_id == "jamstalldhet.negation"]
    assert finding.severity == "error"
    assert text[finding.start : finding.end] == "Projektet berör inte jämställdhet."
    assert result.levels["jamstalldhet"] is Level.MENTIONED


def test_mentioned_only_gets_advice() -> None:
    result = check_sections({"syfte": "Projektet ska främja likabehandling."})
    assert "likabehandling.not_concrete" in _ids(result.findings)


def test_chain_gap_advice_names_the_missing_link() -> None:
    sections = {
        "bakgrund_problemanalys": "Fler kvinnor än män är långtidsarbetslösa i kommunen.",
        "aktiviteter_metod": "All personal går en jämställdhetsutbildning.",
    }
    result = check_sections(sections)
    assert result.levels["jamstalldhet"] is Level.CONCRETE
    followup = next(f for f in result.findings if f.rule_id == "jamstalldhet.chain.followup")
    assert followup.message_sv == (
        "Jämställdhet finns i analysen och aktiviteterna men inte i uppföljningen: "
        "beskriv hur ni följer upp resultat könsuppdelat."
    )
    assert "jamstalldhet.chain.goals" in _ids(result.findings)
    assert "jamstalldhet.chain.analysis" not in _ids(result.findings)


def test_false_friends_do_not_count() -> None:
    sections = {
        "bakgrund_problemanalys": "Kommunen har god tillgänglighet till service och "
        "tillgänglig arbetskraft. Vi arbetar för jämlik hälsa och värnar den biologiska mångfalden."
    }
    assert set(check_sections(sections).summary().values()) == {"absent"}


def test_metadata_lines_and_organisation_lists_are_not_content() -> None:
    text = (
        "Projektägare: Integrations- och jämställdhetsenheten\n"
        "Kontaktperson: Karin Lindqvist\n"
        "E-post: karin.lindqvist@example.se\n\n"
        "Samarbetspartners\n\n"
        " • Handikappförvaltningen\n • Mångfaldsenheten\n • Funktionsrätt Västerbotten\n"
    )
    assert set(check_text(text, "esf_2007").summary().values()) == {"absent"}


@pytest.mark.parametrize(
    "number", ["811218-9876", "19811218-9876", "8112189876", "198112189876", "811218 9876"]
)
def test_valid_personnummer_is_found(number: str) -> None:
    assert is_personnummer(number)
    text = f"Deltagaren har personnummer {number} enligt listan."
    result = check_sections({"malgrupp": text})
    [finding] = [f for f in result.findings if f.rule_id == "personal_data.personnummer"]
    assert finding.severity == "error"
    assert text[finding.start : finding.end] == number
    assert number[-4:] not in finding.evidence


@pytest.mark.parametrize(
    "number", ["811218-9875", "811318-9876", "556036-0793", "19811218-98761", "2011-01-17"]
)
def test_invalid_personnummer_is_not_reported(number: str) -> None:
    assert not is_personnummer(number)
    assert not [p for p in find_personal_data(f"Nummer {number}.") if p.kind == "personnummer"]


def test_luhn() -> None:
    assert luhn_valid("8112189876") and not luhn_valid("8112189875") and not luhn_valid("81x")


def test_private_email_and_mobile_but_not_work_contacts() -> None:
    text = (
        "Kontakta kalle.svensson@gmail.com, ring 070-123 45 67 eller +46 73 123 45 67. "
        "Projektets adress är karin.lindqvist@example.se och växeln 090-100 00 00."
    )
    kinds = sorted(p.kind for p in find_personal_data(text))
    assert kinds == ["mobile_phone", "mobile_phone", "private_email"]
    result = check_sections({"organisation_kompetens": text})
    emails = [f for f in result.findings if f.rule_id == "personal_data.private_email"]
    assert emails[0].evidence.endswith("@gmail.com") and "kalle" not in emails[0].evidence


def test_personal_data_is_found_in_metadata_lines_too() -> None:
    result = check_text("Kontaktperson: Kalle\nMobil: 0701234567\n\nSammanfattning\n\nText.")
    assert "personal_data.mobile_phone" in _ids(result.findings)


def test_readability_is_lix_with_its_band() -> None:
    text = "Vi ska hjälpa unga. De får jobb. Det är bra."
    result = check_sections({"sammanfattning": text})
    # 10 words, 3 sentences, no word longer than six letters.
    assert result.readability == {"sammanfattning": round(10 / 3, 1)}
    [finding] = [f for f in result.findings if f.rule_id == "readability.lix"]
    assert finding.severity == "info"
    assert "3.3" in finding.message_sv and "barnböcker" in finding.message_sv
    hard = "Förprojekteringsverksamhetens kompetensförsörjningsperspektiv implementerades."
    assert check_sections({"syfte": hard}).readability["syfte"] > 60
