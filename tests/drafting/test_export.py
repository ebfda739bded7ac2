"""Word export: read the output back with python-docx and assert on text and style names."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import uuid
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

import drafting.jobs.models  # noqa: F401  (registers the job tables)
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from drafting.section_comments import add_section_comment
from drafting.word.export import export_draft, slug
from drafting.word.rendering import APPENDIX_TITLE, ExportContent, ExportSection, render
from pipeline.errors import InvalidData, NotFound
from pipeline.i18n import render as in_words
from pipeline.models import Role, Visibility
from pipeline.stages import Stage
from tests.conftest import REQUIRE_SERVICES
from tests.factories import make_idea, make_org, make_user

TODAY = dt.date(2026, 11, 29)
TEXTS = {
    "sammanfattning": "Projektet rustar unga i Åsele för arbete.\n\nDet pågår i två år.",
    "aktiviteter_metod": "Vi gör tre saker:\n- kartlägger behov\n• coachar deltagare\n"
    "* följer upp varje månad\nSedan utvärderar vi.",
}


def make_draft(session, texts=None, *, actor=None, title="Unga i Åsele – framtid!", **idea_kw):
    """An idea in the drafting stage with a draft whose sections hold `texts`."""
    if actor is None:
        owner = make_org(session, name=f"Åsele kommun {uuid.uuid4().hex[:8]}")
        actor = make_user(session, organisation=owner)
    idea_kw.setdefault("budget_total", 1_250_000)
    idea_kw.setdefault("esf_share", 652_091)
    idea_kw.setdefault("contact_name", "Terese Ryndal")
    idea_kw.setdefault("contact_email", "terese@example.se")
    idea_kw.setdefault("period_start", dt.date(2026, 1, 1))
    idea_kw.setdefault("period_end", dt.date(2027, 12, 31))
    idea = make_idea(session, actor, title=title, **idea_kw)
    idea.stage = Stage.DRAFTING
    session.flush()
    draft = get_or_create_draft(session, actor, idea)
    for key, text in (TEXTS if texts is None else texts).items():
        latest = latest_revision(session, draft, key)
        save_section(session, actor, draft, key, text, latest.id if latest else None, check=False)
    return actor, idea, draft


def read(data: bytes):
    return Document(io.BytesIO(data))


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_sections_are_headings_with_paragraphs_and_bullets(session):
    actor, idea, _draft = make_draft(session)
    exported = export_draft(session, actor, idea.id, today=TODAY)
    document = read(exported.data)
    assert styled(document, "Title") == ["Unga i Åsele – framtid!"]
    headings = styled(document, "Heading 1")
    assert headings[:3] == ["Sammanfattning", "Bakgrund och problemanalys", "Syfte"]
    assert "Jämställdhet" in styled(document, "Heading 2")
    assert styled(document, "List Bullet") == [
        "kartlägger behov",
        "coachar deltagare",
        "följer upp varje månad",
    ]
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    start = next(
        i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and "Aktiv" in p.text
    )
    assert texts[start + 1] == "Vi gör tre saker:" and "Sedan utvärderar vi." in texts
    assert "Det pågår i två år." in styled(document, "Normal")


def test_title_page_metadata_table_toc_and_footer(session):
    actor, idea, _draft = make_draft(session)
    document = read(export_draft(session, actor, idea.id, today=TODAY).data)
    table = document.tables[0]
    assert table.style.name == "Framsyn Tabell"
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert rows["Projektägare"].startswith("Åsele kommun")
    assert rows["Sökt ESF-stöd"] == "652\u00a0091\u00a0kr"
    assert rows["Total projektbudget"] == "1\u00a0250\u00a0000\u00a0kr"
    assert rows["Projektperiod"] == "2026-01-01 till 2027-12-31"
    assert rows["Kontaktperson"] == "Terese Ryndal" and rows["Kommuner"] == "Umeå"
    assert {"Programområde", "E-post", "Telefon", "Region", "Deltagande aktörer"} <= set(rows)
    assert f"Revision 2 · {TODAY.isoformat()}" in [p.text for p in document.paragraphs]
    body = document.element.body
    instructions = [i.text for i in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instructions)
    assert "Sammanfattning" in styled(document, "TOC 1")
    footer = document.sections[0].footer.paragraphs[0]
    assert "PAGE" in [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert document.sections[0].header.paragraphs[0].text == idea.title


def test_core_properties_and_swedish_language_on_the_styles(session):
    actor, idea, _draft = make_draft(session)
    document = read(export_draft(session, actor, idea.id, today=TODAY).data)
    core = document.core_properties
    assert core.title == idea.title and core.language == "sv-SE"
    assert core.author.startswith("Åsele kommun") and "ESF" in core.subject
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        rpr = document.styles[name].element.rPr
        langs = rpr.findall(qn("w:lang")) if rpr is not None else []
        assert [lang.get(qn("w:val")) for lang in langs] == ["sv-SE"], name


def test_any_revision_can_be_exported_and_the_file_name_says_which(session):
    actor, idea, draft = make_draft(session, {"syfte": "Första syftet."})
    first = latest_revision(session, draft, "syfte")
    save_section(session, actor, draft, "syfte", "Andra syftet.", first.id, check=False)
    old = export_draft(session, actor, idea.id, revision=1, today=TODAY)
    new = export_draft(session, actor, idea.id, today=TODAY)
    assert "Första syftet." in [p.text for p in read(old.data).paragraphs]
    assert "Andra syftet." in [p.text for p in read(new.data).paragraphs]
    assert old.name == "unga-i-asele-framtid-rev1-2026-11-29.docx"
    assert new.name == "unga-i-asele-framtid-rev2-2026-11-29.docx"
    with pytest.raises(InvalidData):
        export_draft(session, actor, idea.id, revision=7)


def test_control_characters_are_removed_not_a_crash(session):
    actor, idea, draft = make_draft(session, {}, title="Kontroll\x07tecken")
    # Text stored before any cleaning (e.g. by an older version) must still export.
    from drafting.models import SectionRevision

    draft.revision_count += 1
    session.add(
        SectionRevision(
            draft=draft,
            section_key="syfte",
            number=draft.revision_count,
            text="Bra\x01 text\x1b med\ufffe skräp\x0c.",
        )
    )
    session.flush()
    document = read(export_draft(session, actor, idea.id, today=TODAY).data)
    assert "Bra text med skräp." in [p.text for p in document.paragraphs]


def test_render_survives_any_character():
    content = ExportContent(
        title="Nul\x00l",
        owner="",
        period="",
        template_name="ESF+",
        revision=1,
        date=TODAY,
        author="\ud800",
        metadata=[("Telefon", "090\x0b-1")],
        sections=[ExportSection("syfte", "Syfte", 1, "a\x00b\x7fc\uffff")],
    )
    document = read(render(content))
    assert styled(document, "Title") == ["Null"] and "abc" in styled(document, "Normal")


def test_slug_is_ascii():
    assert slug("Unga i Åsele – framtid!") == "unga-i-asele-framtid"
    assert slug("¡¿?") == "ansokan"


def test_appendix_lists_levels_checklists_and_findings(session):
    actor, idea, _draft = make_draft(session)
    document = read(export_draft(session, actor, idea.id, appendix=True, today=TODAY).data)
    headings = styled(document, "Heading 1")
    assert headings[-1] == in_words(APPENDIX_TITLE, "sv")
    texts = [p.text for p in document.paragraphs]
    tail = texts[texts.index(in_words(APPENDIX_TITLE, "sv")) :]
    assert "Jämställdhet" in tail and "Tillgänglighet" in tail
    assert any(t.startswith("Nivå: ") for t in tail)
    assert "Iakttagelser" in styled(document, "Heading 3")
    checklist_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Fråga"]
    statuses = {r.cells[1].text.split(" (")[0] for r in checklist_tables[0].rows[1:]}
    assert statuses <= {"Uppfyllt", "Inte uppfyllt"} and statuses


def test_comments_are_native_word_comments_on_their_section(session):
    actor, idea, draft = make_draft(session)
    team = make_user(session, Role.SUPPORT)
    add_section_comment(session, team, draft, "sammanfattning", "Nämn antal kvinnor och män.")
    add_section_comment(
        session, team, draft, "syfte", "Bara för teamet.", visibility=Visibility.INTERNAL
    )
    for_actor = export_draft(session, actor, idea.id, comments=True, today=TODAY)
    comments = list(read(for_actor.data).comments)
    assert [c.text for c in comments] == ["Nämn antal kvinnor och män."]
    assert comments[0].author == team.name and not for_actor.has_internal_comments
    with zipfile.ZipFile(io.BytesIO(for_actor.data)) as archive:
        xml = archive.read("word/document.xml").decode()
    anchor = xml.index("commentRangeStart")
    assert xml.index("Sammanfattning", anchor) < xml.index("commentRangeEnd")
    for_team = export_draft(session, team, idea.id, comments=True, today=TODAY)
    assert len(list(read(for_team.data).comments)) == 2 and for_team.has_internal_comments
    without = export_draft(session, actor, idea.id, today=TODAY)
    assert list(read(without.data).comments) == []


def test_export_needs_the_right_to_see_the_idea(session):
    _actor, idea, _draft = make_draft(session)
    stranger = make_user(session, organisation=make_org(session))
    with pytest.raises(NotFound):
        export_draft(session, stranger, idea.id)


def soffice() -> str:
    """The LibreOffice binary, or a skip (a failure when services are required)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None or shutil.which("pdftotext") is None:
        if REQUIRE_SERVICES:
            pytest.fail("soffice/pdftotext are missing but REQUIRE_SERVICES=1")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    return path


@pytest.mark.slow
def test_libreoffice_opens_the_export(session, tmp_path):
    binary = soffice()
    actor, idea, _draft = make_draft(session)
    exported = export_draft(session, actor, idea.id, appendix=True, today=TODAY)
    source = tmp_path / exported.name
    source.write_bytes(exported.data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = source.with_suffix(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    for expected in (
        "Unga i Åsele",
        "Projektägare",
        "Sammanfattning",
        "kartlägger behov",
        in_words(APPENDIX_TITLE, "sv"),
        "Sida 2 av",
    ):
        assert expected in text, expected
