"""Word import: heading matching, new revisions, unmatched text kept, hostile files refused."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from docx import Document
from sqlalchemy import func, select

from drafting.models import CheckRun, RevisionSource, SectionRevision
from drafting.revisions import section_texts
from drafting.templates import load_template
from drafting.word.export import export_draft
from drafting.word.importing import import_docx, match_heading, unmatched_marker
from drafting.word.safety import ImportRefused, inspect_docx
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import render
from tests.drafting.test_export import make_draft
from tests.factories import make_org, make_user

TEMPLATE = load_template("esf_plus")


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Sammanfattning", "sammanfattning"),
        ("1. SAMMANFATTNING", "sammanfattning"),
        ("2.1 Bakgrund och problemanalys", "bakgrund_problemanalys"),
        ("Background and problem analysis", "bakgrund_problemanalys"),
        ("Problemformulering", "bakgrund_problemanalys"),
        ("Mål och förväntat resultat", "mal_resultat"),
        ("Målgrupp & deltagare", "malgrupp"),
        ("Activities and method", "aktiviteter_metod"),
        ("Budget och medfinansiering (max 4000 tecken)", "budget"),
        ("c) Jämställdhet", "hp_jamstalldhet"),
        ("Övrigt om projektet", None),
        ("Kontaktuppgifter", None),
    ],
)
def test_headings_match_tolerantly(heading, key):
    section = match_heading(heading, TEMPLATE)
    assert (section.key if section else None) == key


def docx_bytes(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def foreign_document(document) -> None:
    document.add_paragraph("Ansökan, utkast från Word", style="Title")
    document.add_heading("1. SAMMANFATTNING", 1)
    document.add_paragraph("Ny sammanfattning skriven i Word.")
    document.add_heading("2 Problemformulering", 1)
    document.add_paragraph("Arbetslösheten bland unga kvinnor är hög.")
    document.add_heading("Aktiviteter och metod", 1)
    document.add_paragraph("Vi arbetar i tre steg:")
    document.add_paragraph("kartläggning", style="List Bullet")
    document.add_paragraph("coachning", style="List Bullet")
    document.add_heading("Aktivitet 1: rekrytering", 2)
    document.add_paragraph("Vi rekryterar via ungdomsmottagningen.")
    document.add_heading("Övrigt om projektet", 1)
    document.add_paragraph("Den här texten får inte försvinna.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Kostnad"
    table.rows[0].cells[1].text = "100 kr"


def revision_count(session, draft) -> int:
    return session.scalar(
        select(func.count(SectionRevision.id)).where(SectionRevision.draft_id == draft.id)
    )


def test_a_foreign_document_becomes_import_revisions(session):
    actor, idea, draft = make_draft(session)
    before = revision_count(session, draft)
    report = import_docx(session, actor, idea.id, docx_bytes(foreign_document))
    texts = section_texts(session, draft)
    assert texts["sammanfattning"] == "Ny sammanfattning skriven i Word."
    assert texts["bakgrund_problemanalys"] == "Arbetslösheten bland unga kvinnor är hög."
    assert texts["aktiviteter_metod"] == (
        "Vi arbetar i tre steg:\n\n- kartläggning\n- coachning\n\nAktivitet 1: rekrytering"
        "\n\nVi rekryterar via ungdomsmottagningen."
    )
    target = report.unmatched_target
    assert target == "spridning_implementering"
    assert [u.heading for u in report.unmatched] == [
        "(text före första rubriken)",
        "Övrigt om projektet",
    ]
    assert unmatched_marker("Övrigt om projektet") in texts[target]
    assert "Den här texten får inte försvinna.\n\nKostnad | 100 kr" in texts[target]
    assert "Ansökan, utkast från Word" in texts[target]
    assert set(report.changed) == {
        "sammanfattning",
        "bakgrund_problemanalys",
        "aktiviteter_metod",
        target,
    }
    new = session.scalars(
        select(SectionRevision)
        .where(SectionRevision.draft_id == draft.id)
        .order_by(SectionRevision.number)
    ).all()[before:]
    assert {r.source for r in new} == {RevisionSource.IMPORT}
    assert {r.author_id for r in new} == {actor.id}
    assert session.scalar(select(CheckRun).where(CheckRun.draft_id == draft.id)) is not None
    assert report.revision == draft.revision_count


def test_unmatched_text_goes_to_the_chosen_section(session):
    actor, idea, draft = make_draft(session, {"syfte": "Syftet."})
    report = import_docx(
        session, actor, idea.id, docx_bytes(foreign_document), unmatched_target="syfte"
    )
    text = section_texts(session, draft)["syfte"]
    assert report.unmatched_target == "syfte"
    assert text.startswith("Syftet.\n\n[Importerad text") and "får inte försvinna" in text


def test_reimporting_an_export_changes_nothing(session):
    actor, idea, draft = make_draft(session)
    exported = export_draft(session, actor, idea.id, appendix=True, comments=True)
    number = draft.revision_count
    report = import_docx(session, actor, idea.id, exported.data)
    assert report.changed == [] and report.unmatched == []
    assert set(report.unchanged) >= {"sammanfattning", "aktiviteter_metod"}
    assert report.ignored == ["Horisontella principer – kontroll"]
    assert draft.revision_count == number


def test_an_edited_export_keeps_its_sections_even_with_renamed_headings(session):
    actor, idea, draft = make_draft(session)
    document = Document(io.BytesIO(export_draft(session, actor, idea.id).data))
    heading = next(
        p for p in document.paragraphs if p.style.name == "Heading 1" and p.text == "Syfte"
    )
    heading.runs[0].text = "Varför projektet finns"  # the hidden bookmark still says syfte
    heading._p.addnext(Document().add_paragraph("Nytt syfte.")._p)
    buffer = io.BytesIO()
    document.save(buffer)
    report = import_docx(session, actor, idea.id, buffer.getvalue())
    assert report.changed == ["syfte"] and report.unmatched == []
    assert section_texts(session, draft)["syfte"] == "Nytt syfte."


def test_an_empty_heading_never_wipes_a_text(session):
    actor, idea, draft = make_draft(session, {"syfte": "Behåll mig."})

    def build(document):
        document.add_heading("Syfte", 1)
        document.add_heading("Sammanfattning", 1)
        document.add_paragraph("Ny.")

    report = import_docx(session, actor, idea.id, docx_bytes(build))
    assert report.kept_empty == ["syfte"] and report.changed == ["sammanfattning"]
    assert section_texts(session, draft)["syfte"] == "Behåll mig."


def test_too_long_text_refuses_the_whole_import(session):
    actor, idea, draft = make_draft(session)
    number = draft.revision_count

    def build(document):
        document.add_heading("Sammanfattning", 1)
        document.add_paragraph("Kort.")
        document.add_heading("Syfte", 1)
        document.add_paragraph("x" * 1600)

    with pytest.raises(ImportRefused) as info:
        import_docx(session, actor, idea.id, docx_bytes(build))
    assert "Syfte (1600 av 1500 tecken)" in render(info.value.text, "sv")
    assert "Purpose (1600 of 1500" in render(info.value.text, "en")
    assert draft.revision_count == number


def test_import_needs_the_right_to_edit(session):
    _actor, idea, _draft = make_draft(session)
    stranger = make_user(session, organisation=make_org(session))
    with pytest.raises(NotFound):
        import_docx(session, stranger, idea.id, docx_bytes(foreign_document))
    reader = make_user(session, organisation=make_org(session))
    from pipeline.models import IdeaPartner

    idea.partners.append(IdeaPartner(organisation_id=reader.organisation_id, can_edit=False))
    session.flush()
    with pytest.raises(NotAllowed):
        import_docx(session, reader, idea.id, docx_bytes(foreign_document))


# --- Hostile files, all generated here --------------------------------------------------------


def real_docx() -> bytes:
    return docx_bytes(lambda d: (d.add_heading("Syfte", 1), d.add_paragraph("Text.")))


def rewrite(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the package with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = replace.get(info.filename, source.read(info.filename))
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in (add or {}).items():
            target.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def not_word() -> bytes:
    return "Det här är bara text, inte Word.\n".encode() * 20


def renamed_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def renamed_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bilder/logo.txt", "ingen docx")
    return out.getvalue()


def old_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


def corrupt() -> bytes:
    data = real_docx()
    return data[: len(data) // 2]


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", part(real_docx(), "[Content_Types].xml"))
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def many_parts_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(3000):
            archive.writestr(f"word/media/x{n}.xml", b"<a/>")
    return out.getvalue()


def external_entity() -> bytes:
    data = real_docx()
    xml = part(data, "word/document.xml")
    evil = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + xml.split(b"?>", 1)[1].replace(b"Text.", b"&xxe;")
    )
    return rewrite(data, {"word/document.xml": evil})


def billion_laughs_utf16() -> bytes:
    data = real_docx()
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY l "lol">]><a>&l;</a>'
    return rewrite(data, {"word/styles.xml": xml.encode("utf-16")})


def macro_content_type() -> bytes:
    data = real_docx()
    types = part(data, "[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.document.main+xml_"
    )
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml_",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return rewrite(data, {"[Content_Types].xml": types})


def vba_project() -> bytes:
    return rewrite(real_docx(), {}, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def empty_document() -> bytes:
    return docx_bytes(lambda d: None)


def too_large() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", part(real_docx(), "[Content_Types].xml"))
        archive.writestr("word/media/image1.png", os.urandom(10 * 1024 * 1024 + 10))
    return out.getvalue()


def doctype_utf16_without_bom() -> bytes:
    data = real_docx()
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY l "lol">]><a>&l;</a>'
    return rewrite(data, {"word/document.xml": xml.encode("utf-16-le")})


def doctype_in_a_renamed_main_part() -> bytes:
    """The main part moved to a name that is not .xml, declared by a content-type override."""
    data = real_docx()
    evil = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        + part(data, "word/document.xml").split(b"?>", 1)[1]
    )
    types = part(data, "[Content_Types].xml").replace(b"/word/document.xml", b"/word/main.dat")
    rels = part(data, "_rels/.rels").replace(b"word/document.xml", b"word/main.dat")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                target.writestr("word/main.dat", evil)
            elif info.filename == "[Content_Types].xml":
                target.writestr(info.filename, types)
            elif info.filename == "_rels/.rels":
                target.writestr(info.filename, rels)
            else:
                target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def no_main_part() -> bytes:
    data = real_docx()
    types = part(data, "[Content_Types].xml").replace(
        b"wordprocessingml.document.main+xml", b"wordprocessingml.other+xml"
    )
    return rewrite(data, {"[Content_Types].xml": types})


HOSTILE = {
    "doctype_utf16_without_bom": (doctype_utf16_without_bom, "DOCTYPE"),
    "doctype_in_a_renamed_main_part": (doctype_in_a_renamed_main_part, "DOCTYPE"),
    "no_main_part": (no_main_part, "inget Word-dokument"),
    "not_word": (not_word, "inte ett Word-dokument"),
    "renamed_pdf": (renamed_pdf, "PDF"),
    "renamed_zip": (renamed_zip, "zip-arkiv"),
    "old_doc": (old_doc, "inte ett Word-dokument"),
    "corrupt": (corrupt, "skadad"),
    "zip_bomb": (zip_bomb, "orimligt mycket"),
    "many_parts_bomb": (many_parts_bomb, "orimligt mycket"),
    "external_entity": (external_entity, "DOCTYPE"),
    "billion_laughs_utf16": (billion_laughs_utf16, "DOCTYPE"),
    "macro_content_type": (macro_content_type, "makron"),
    "vba_project": (vba_project, "makron"),
    "empty_document": (empty_document, "tomt"),
    "too_large": (too_large, "10 MB"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(session, tmp_path, name):
    build, words = HOSTILE[name]
    path = tmp_path / f"{name}.docx"
    path.write_bytes(build())
    actor, idea, draft = make_draft(session)
    number, count = draft.revision_count, revision_count(session, draft)
    with pytest.raises(ImportRefused) as info:
        import_docx(session, actor, idea.id, path.read_bytes())
    assert words in render(info.value.text, "sv")
    english = render(info.value.text, "en")
    assert english and english != render(info.value.text, "sv")
    assert draft.revision_count == number and revision_count(session, draft) == count


def test_a_plain_docx_passes_the_safety_checks():
    inspect_docx(real_docx())


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999", "abc", ""])
def test_an_odd_outline_level_is_ignored(session, value):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def build(document):
        heading = document.add_paragraph("Sammanfattning", style="Heading 1")
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), value)
        heading._p.get_or_add_pPr().append(outline)
        document.add_paragraph("Text under en rubrik med konstig nivå.")

    actor, idea, draft = make_draft(session)
    import_docx(session, actor, idea.id, docx_bytes(build))
    assert section_texts(session, draft)["sammanfattning"] == (
        "Text under en rubrik med konstig nivå."
    )
