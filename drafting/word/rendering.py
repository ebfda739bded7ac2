"""Write an export's content into a Word document built on the shipped template.

The template (drafting/word/assets/template.docx, built by drafting/word/assets/build_template.py)
carries every style, the Swedish language, header and footer; this module adds content only,
and removes any character Word cannot hold so that writing never fails on text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from importlib import resources
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from pipeline.i18n import _t
from pipeline.i18n import render as in_words

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
APPENDIX_TITLE = _t("Horisontella principer – kontroll")
EXPORT_CATEGORY = "Framsyn-export"
BOOKMARK_PREFIX = "_fs_"
TABLE_STYLE = "Framsyn Tabell"
BUDGET_TABLE_MARK = "framsyn:budget:"
LANGUAGE = "sv-SE"

# Characters an XML 1.0 document cannot hold, and C1 controls Word shows as boxes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BULLET = re.compile(r"^\s*[-•*–]\s+")


def clean(text: str | None) -> str:
    """Remove the characters Word cannot hold; never raise."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text)


@dataclass
class ExportSection:
    key: str
    title: str
    level: int
    text: str


@dataclass
class ExportComment:
    section_key: str
    author: str
    body: str
    quote: str = ""
    internal: bool = False

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.author.split()[:3]).upper()


@dataclass
class AppendixPrinciple:
    name: str
    level: str
    judged_by_team: bool
    checklist: list[tuple[str, bool, bool]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


@dataclass
class ExportContent:
    """Everything the document shows, already in Swedish and free of database objects."""

    title: str
    owner: str
    period: str
    template_name: str
    revision: int
    date: dt.date
    author: str
    metadata: list[tuple[str, str]]
    sections: list[ExportSection]
    appendix: list[AppendixPrinciple] | None = None
    appendix_note: str = ""
    comments: list[ExportComment] = field(default_factory=list)
    idea_id: int | None = None
    org_number: str = ""
    # The structured budget's tables (title, rows), shown after the budget section's text.
    budget_section: str | None = None
    budget_tables: list[tuple[str, list[tuple[str, ...]]]] = field(default_factory=list)


def template_path() -> Any:
    """The shipped template carrying the styles."""
    return resources.files("drafting.word") / "assets" / "template.docx"


class _Writer:
    """Adds paragraphs by style id; python-docx's lookup by style object scans every style."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.ids = {style.name: style.style_id for style in document.styles}

    def para(self, text: str = "", style: str = "Normal") -> Any:
        paragraph = self.document.add_paragraph()
        if style != "Normal":
            paragraph._p.style = self.ids[style]
        if text:
            paragraph.add_run(text)
        return paragraph


def _fld(kind: str, **attrs: str) -> Any:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _append(run: Any, child: Any) -> Any:
    run._r.append(child)
    return run


def _toc(w: _Writer, content: ExportContent) -> None:
    """A TOC field whose cached result lists the headings; Word refreshes it (dirty) on open."""
    entries = [(s.level, s.title) for s in content.sections]
    if content.appendix is not None:
        entries.append((1, in_words(APPENDIX_TITLE)))
    for index, (level, title) in enumerate(entries):
        paragraph = w.para(style=f"TOC {level}")
        if index == 0:
            _append(paragraph.add_run(), _fld("begin", dirty="true"))
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = ' TOC \\o "1-3" \\h \\z \\u '
            _append(paragraph.add_run(), instr)
            _append(paragraph.add_run(), _fld("separate"))
        paragraph.add_run(title)
        if index == len(entries) - 1:
            _append(paragraph.add_run(), _fld("end"))


def _bookmark(paragraph: Any, name: str, number: int) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _body(w: _Writer, text: str) -> list[Any]:
    """Paragraphs for a section text: one per line, lines starting with -, •, * as bullets."""
    runs = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        marker = _BULLET.match(line)
        if marker:
            paragraph = w.para(style="List Bullet")
            runs.append(paragraph.add_run(line[marker.end() :].strip()))
        else:
            paragraph = w.para()
            runs.append(paragraph.add_run(line.strip()))
    return runs


def _table(document: Any, rows: list[tuple[str, ...]], widths: tuple[int, ...] = ()) -> Any:
    table = document.add_table(rows=0, cols=len(rows[0]) if rows else 2)
    table.style = document.styles[TABLE_STYLE]
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = value
    return table


def _budget_table(document: Any, title: str, rows: list[tuple[str, ...]]) -> Any:
    """A budget table with its title in a first, merged row; marked (w:tblCaption) so the
    Word import leaves it out of the section's text (the budget is data, not prose)."""
    columns = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles[TABLE_STYLE]
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), f"{BUDGET_TABLE_MARK}{title}")
    table._tbl.tblPr.append(caption)
    first = table.add_row().cells
    merged = first[0].merge(first[-1]) if columns > 1 else first[0]
    merged.text = title
    merged.paragraphs[0].runs[0].bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = value
    return table


def _appendix(w: _Writer, content: ExportContent) -> None:
    document = w.document
    document.add_page_break()
    w.para(in_words(APPENDIX_TITLE), "Heading 1")
    w.para(
        f"Kontroll av ansökan i revision {content.revision}. Nivåskalan är Saknas, Nämns, "
        "Konkret och Integrerad; checklistan följer bedömarnas frågor.",
    )
    if content.appendix_note:
        w.para(content.appendix_note)
    for principle in content.appendix or []:
        w.para(principle.name, "Heading 2")
        level = principle.level + (" (bedömd av stödteamet)" if principle.judged_by_team else "")
        w.para(f"Nivå: {level}")
        if principle.checklist:
            rows = [("Fråga", "Status")]
            for question, met, decided in principle.checklist:
                status = "Uppfyllt" if met else "Inte uppfyllt"
                rows.append((question, status + (" (stödteamets beslut)" if decided else "")))
            _table(document, rows)
        w.para("Iakttagelser", "Heading 3")
        if principle.findings:
            for finding in principle.findings:
                w.para(finding, "List Bullet")
        else:
            w.para("Inga iakttagelser.")


def _scrub(value: Any) -> Any:
    """`value` with every string in it cleaned (dataclasses, lists and tuples walked)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_scrub(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _scrub(getattr(value, f.name)) for f in fields(value)})
    return value


def render(content: ExportContent) -> bytes:
    """Write the document and return its bytes."""
    content = _scrub(content)
    with template_path().open("rb") as handle:
        document = Document(handle)
    w = _Writer(document)

    core = document.core_properties
    core.title = content.title
    core.author = content.owner or content.author
    core.last_modified_by = content.author
    core.subject = f"Ansökan om ESF-stöd – {content.template_name}"
    core.language = LANGUAGE
    core.category = EXPORT_CATEGORY
    core.keywords = f"Framsyn; ESF; revision {content.revision}"
    core.comments = f"framsyn:idea={content.idea_id};revision={content.revision}"
    core.revision = max(content.revision, 1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    core.created = core.modified = now

    header = document.sections[0].header.paragraphs[0]
    header.text = content.title

    w.para(content.title, "Title")
    w.para(f"Ansökan om ESF-stöd · {content.template_name}", "Subtitle")
    if content.owner:
        w.para(f"Projektägare: {content.owner}")
    if content.org_number:
        w.para(f"Organisationsnummer: {content.org_number}")
    if content.period:
        w.para(f"Projektperiod: {content.period}")
    w.para(f"Revision {content.revision} · {content.date.isoformat()}")
    w.para("Projektuppgifter", "Subtitle")
    _table(document, [(label, value) for label, value in content.metadata])
    document.add_page_break()

    w.para("Innehåll", "TOC Heading")
    _toc(w, content)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    by_section: dict[str, list[ExportComment]] = {}
    for comment in content.comments:
        by_section.setdefault(comment.section_key, []).append(comment)
    for number, section in enumerate(content.sections, start=1):
        heading = w.para(section.title, f"Heading {section.level}")
        _bookmark(heading, f"{BOOKMARK_PREFIX}{section.key}"[:40], number)
        runs = _body(w, section.text)
        if section.key == content.budget_section:
            for title, rows in content.budget_tables:
                _budget_table(document, title, rows)
                w.para()
        for comment in by_section.get(section.key, []):
            text = ("[Internt] " if comment.internal else "") + comment.body
            anchored = document.add_comment(
                [heading.runs[0], runs[-1] if runs else heading.runs[-1]],
                text=text,
                author=comment.author,
                initials=comment.initials,
            )
            if comment.quote:
                anchored.add_paragraph(f"Citat: ”{comment.quote}”")

    if content.appendix is not None:
        _appendix(w, content)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
