"""Interface strings of the domain layers are Babel messages: no inline Swedish/English pairs,
every `_t` msgid extracted and translated, and one rendering for the web and everyone else."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale

from pipeline.i18n import Bilingual, Message, _t, _tp, catalog, render
from pipeline.stages import STAGE_LABELS, Stage
from web import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "drafting", "web")
PO = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _calls(tree: ast.AST, *names: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in names:
                yield node


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant | ast.JoinedStr)


def test_no_inline_language_pairs_are_left():
    """`Text(sv, en)` is gone; `Bilingual` only carries data (TOML keys, stored text)."""
    pairs, literal_data = [], []
    for path, tree in _modules():
        where = str(path.relative_to(ROOT))
        pairs += [f"{where}:{c.lineno}" for c in _calls(tree, "Text", "L10n")]
        data = _calls(tree, "Bilingual")
        literal_data += [f"{where}:{c.lineno}" for c in data if any(map(_is_literal, c.args))]
    assert pairs == []
    assert literal_data == [], "interface strings are _t(...) messages, not Bilingual literals"


def _code_msgids() -> set[tuple[str | None, str]]:
    """(context, msgid) of every _t / _tp call; each must be a literal Babel can extract."""
    found, not_literal = set(), []
    for path, tree in _modules():
        for call in _calls(tree, "_t", "_tp"):
            args = call.args if call.func.id == "_t" else call.args[1:]
            context = call.args[0].value if call.func.id == "_tp" else None
            if len(args) != 1 or not isinstance(args[0], ast.Constant):
                not_literal.append(f"{path.relative_to(ROOT)}:{call.lineno}")
                continue
            found.add((context, args[0].value))
    assert not_literal == [], "_t takes one literal Swedish string (use .format for values)"
    return found


def _makefile_keywords() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extract = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    return re.findall(r"-k (\S+)", extract)


def test_every_domain_message_is_extracted_and_translated():
    in_code = _code_msgids()
    assert len(in_code) > 150
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(_makefile_keywords())}
    extracted = set()
    for _name, _line, message, _comments, context in extract_from_dir(
        str(ROOT),
        [m for m in method_map if not m[0].startswith("templates")],
        options_map,
        keywords=keywords,
    ):
        if isinstance(message, str):
            extracted.add((context, message))
    assert in_code - extracted == set(), "babel.cfg / the Makefile's -k miss these"
    with PO.open("rb") as fh:
        english = {(m.context, m.id): m.string for m in read_po(fh) if m.id}
    untranslated = sorted(m for c, m in in_code if not english.get((c, m)))
    assert untranslated == []


def test_placeholders_match_in_english():
    with PO.open("rb") as fh:
        for message in read_po(fh):
            if isinstance(message.id, str) and "{" in message.id and message.string:
                names = sorted(re.findall(r"\{(\w*)\}", message.id))
                assert names == sorted(re.findall(r"\{(\w*)\}", message.string)), message.id


def test_a_message_renders_in_both_languages():
    assert render(Stage.DRAFTING.label) == render(Stage.DRAFTING.label, "sv") == "Ansökan skrivs"
    assert render(Stage.DRAFTING.label, "en") == "Drafting"
    assert Stage.DRAFTING.label_for("en") == "Drafting"
    assert render(Stage.DRAFTING.label, "de") == "Ansökan skrivs"  # unknown: Swedish
    assert all(render(label, "en") != render(label, "sv") for label in STAGE_LABELS.values())


def test_format_fills_values_and_translates_nested_messages():
    base = _t("Ansökan kan inte ändras i skedet {stage}.")
    message = base.format(stage=Stage.REVIEW.label)
    assert base.values == () and message is not base
    assert render(message, "sv") == "Ansökan kan inte ändras i skedet Granskning."
    assert render(message, "en") == "The application cannot be changed in the stage In review."
    nested = _t("{principle}: {what}").format(
        principle=Bilingual("Jämställdhet", "Gender equality"),
        what=_t("kedjan saknar {link}").format(link=Bilingual("målen", "the goals")),
    )
    assert render(nested, "sv") == "Jämställdhet: kedjan saknar målen"
    assert render(nested, "en") == "Gender equality: the chain lacks the goals"
    listing = _t("Högst {limit} tecken.").format(limit=(_t("Klart"), "7"))
    assert render(listing, "en") == "At most Done, 7 characters."
    assert render(message.format(stage="X"), "sv").endswith("skedet X.")


def test_a_message_is_immutable_and_comparable():
    message = _t("Klart")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.msgid = "Fel"  # type: ignore[misc]
    assert message == Message("Klart") and str(message) == "Klart"
    assert render(None) == "" and render("kod.utan.text", "en") == "kod.utan.text"


def test_a_context_keeps_two_english_words_apart():
    assert render(_tp("transition", "Avbryt"), "en") == "Withdraw"
    assert render(_t("Avbryt"), "en") == "Cancel"
    assert render(_tp("transition", "Avbryt"), "sv") == "Avbryt"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_web_renders_like_everyone_else(app, lang):
    """web.i18n.text (Flask-Babel's catalog) and render (Babel's) agree on every message."""
    messages = [Message(m, context=c) for c, m in sorted(_code_msgids(), key=str)]
    nested = _t("Ansökan kan inte ändras i skedet {stage}.").format(stage=Stage.READY.label)
    with app.test_request_context(), force_locale(lang):
        i18n.g.locale = lang
        assert [i18n.text(m) for m in messages] == [render(m, lang) for m in messages]
        assert i18n.text(nested) == render(nested, lang)
        assert i18n.text(Bilingual("ja", "yes")) == ("yes" if lang == "en" else "ja")
    if lang == "en":
        assert catalog("en").gettext("Ansökan skrivs") == "Drafting"
