"""The Word appendix says each finding once, under its own principle."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from drafting.templates import load_template
from drafting.word.export import _findings, export_draft
from tests.drafting.test_export import make_draft, read, styled

DECLARATION = "Projektet kommer att beakta jämställdhet, tillgänglighet och likabehandling."


def _finding(principle, rule, section, message):
    return {"principle": principle, "rule_id": rule, "section": section, "message_sv": message}


def test_one_line_per_finding_with_its_sections_in_template_order():
    template = load_template("esf_plus")
    result = {
        "findings": [
            _finding("likabehandling", "likabehandling.empty", "hp_tillganglighet", "Tom."),
            _finding("likabehandling", "likabehandling.empty", "syfte", "Tom."),
            _finding("likabehandling", "likabehandling.empty", "syfte", "Tom."),  # 2nd sentence
            _finding("likabehandling", "likabehandling.chain", None, "Saknas i målen."),
            _finding("jamstalldhet", "jamstalldhet.empty", "syfte", "Tom om jämställdhet."),
            _finding(None, "readability.lix", "syfte", "Läsbarhet."),
        ]
    }
    titles = {s.key: s.title_sv for s in template.sections}
    assert _findings(result, "likabehandling", template) == [
        f"Tom. (Avsnitten: {titles['syfte']}, {titles['hp_tillganglighet']})",
        "Saknas i målen.",
    ]
    assert _findings(result, "jamstalldhet", template) == [
        f"Tom om jämställdhet. (Avsnitt: {titles['syfte']})"
    ]


def test_the_exported_appendix_has_no_repeated_line(session):
    texts = {
        key: f"{DECLARATION} {DECLARATION.replace('Projektet', 'Vi')} Alla är välkomna."
        for key in ("syfte", "mal_resultat", "hp_jamstalldhet", "hp_tillganglighet")
    }
    actor, idea, _draft = make_draft(session, texts)
    document = read(
        export_draft(session, actor, idea.id, appendix=True, today=dt.date(2027, 1, 1)).data
    )
    bullets = styled(document, "List Bullet")
    assert bullets, "the weak text gives findings"
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Horisontella principer – kontroll")
    blocks: dict[str, list[str]] = {}
    current = None
    for p in document.paragraphs[start:]:
        if p.style.name == "Heading 2":
            current = blocks.setdefault(p.text, [])
        elif p.style.name == "List Bullet" and current is not None:
            current.append(p.text)
    for principle, lines in blocks.items():
        assert [line for line, n in Counter(lines).items() if n > 1] == [], principle
