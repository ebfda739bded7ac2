"""The principle files are the one registry: a new file shows in the check, the team's
overrides and the coverage report without a line of code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drafting.checker import check_sections
from drafting.checker import rules as checker_rules
from drafting.checker.matching import get_matcher
from drafting.coverage import coverage
from drafting.review import is_principle, principle_label
from pipeline.i18n import render
from tests.drafting.test_coverage import world  # noqa: F401 - the fixture

NEW_PRINCIPLE = """
key = "sprak"
name_sv = "Språkstöd"
name_en = "Language support"
mandatory = true
order = 4
source_url = "https://example.org/sprak"

[[rules]]
id = "core"
category = "core"
words = ["modersmålsstöd", "studiehandledning på modersmål"]
examples_match = ["Deltagarna får modersmålsstöd."]
examples_no_match = ["Deltagarna får stöd."]

[[checklist]]
key = "stod"
question_sv = "Beskrivs språkstödet?"
question_en = "Is the language support described?"
satisfied_by = ["activity"]

[messages]
"""


@pytest.fixture
def new_principle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "principles"
    shutil.copytree(Path(str(checker_rules.principles_folder())), folder)
    messages = "\n".join(
        f'{name}_{lang} = "{name} {lang}"'
        for name in checker_rules.MESSAGE_NAMES
        for lang in ("sv", "en")
    )
    (folder / "sprak.toml").write_text(NEW_PRINCIPLE + messages + "\n", encoding="utf-8")
    monkeypatch.setattr(checker_rules, "principles_folder", lambda: folder)
    checker_rules.clear_caches()
    get_matcher.cache_clear()
    yield "sprak"
    monkeypatch.undo()
    checker_rules.clear_caches()
    get_matcher.cache_clear()


def test_a_new_principle_file_is_checked(new_principle: str) -> None:
    assert new_principle in checker_rules.mandatory_principles()
    text = "Deltagarna erbjuds modersmålsstöd av studiehandledare varje vecka."
    result = check_sections({"aktiviteter_metod": text})
    assert result.levels[new_principle].value == "concrete"
    assert result.principles[new_principle].evidence[0].sentence == text
    assert check_sections({"aktiviteter_metod": "Inget här."}).levels[new_principle].value == (
        "absent"
    )


def test_a_new_principle_is_accepted_by_overrides_and_labelled(new_principle: str) -> None:
    assert is_principle(new_principle)
    assert render(principle_label(new_principle), "sv") == "Språkstöd"
    assert render(principle_label(new_principle), "en") == "Language support"


def test_a_new_principle_is_in_the_coverage_report(session, world, new_principle) -> None:  # noqa: F811
    report = coverage(session, world.support)
    by_key = {c.principle: c for c in report.principles}
    assert new_principle in by_key
    # no check run mentions it, and it is mandatory: every checked draft counts as absent
    assert by_key[new_principle].counts["absent"] == report.drafts
