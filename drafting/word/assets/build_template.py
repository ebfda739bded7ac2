"""Build drafting/word/assets/template.docx: the styles every exported application starts from.

Run `python drafting/word/assets/build_template.py` after changing it; the .docx is committed so
that exports never depend on this script. The export code adds content only; fonts, spacing,
language, the table style, header and footer live here.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).with_name("template.docx")
LANGUAGE = "sv-SE"
FONT = "Calibri"
HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
TABLE_STYLE = "Framsyn Tabell"


def set_language(rpr_parent) -> None:
    """Put <w:lang w:val="sv-SE"/> on a style's (or the defaults') run properties."""
    if hasattr(rpr_parent, "get_or_add_rPr"):
        rpr = rpr_parent.get_or_add_rPr()
    else:
        rpr = rpr_parent.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_parent.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a complex field (begin, instruction, separate, cached result, end)."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def table_style(document) -> None:
    """A bordered table style whose first column is bold (the metadata labels)."""
    style = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    style.font.size = Pt(10)
    element = style.element
    tblpr = element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), "4")
        border.set(qn("w:space"), "0")
        border.set(qn("w:color"), "8EA4BF")
        borders.append(border)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), "108")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tblpr.append(margins)
    first_column = OxmlElement("w:tblStylePr")
    first_column.set(qn("w:type"), "firstCol")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first_column.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "E8EEF5")
    tcpr.append(shading)
    first_column.append(tcpr)
    element.append(first_column)


def build() -> bytes:
    """Return the template as .docx bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)

    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    set_language(styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")))

    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        heading = styles[name]
        heading.font.name = FONT
        heading.font.size = Pt(size)
        heading.font.color.rgb = HEADING_COLOUR
        heading.paragraph_format.space_before = Pt(18 if name == "Heading 1" else 12)
        heading.paragraph_format.keep_with_next = True
    styles["Title"].font.name = FONT
    styles["Title"].font.size = Pt(28)
    styles["Title"].font.color.rgb = HEADING_COLOUR
    styles["Subtitle"].font.name = FONT

    for level in (1, 2, 3):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
    table_style(document)

    for style in styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER) and not (
            style.builtin and style.name.startswith("Heading") and style.name[-1] in "456789"
        ):
            set_language(style.element)

    header = section.header.paragraphs[0]
    header.style = styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.style = styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    add_field(footer, "PAGE", "1")
    footer.add_run(" av ")
    add_field(footer, "NUMPAGES", "1")

    settings = document.settings.element
    theme_lang = OxmlElement("w:themeFontLang")
    theme_lang.set(qn("w:val"), LANGUAGE)
    settings.append(theme_lang)

    core = document.core_properties
    core.language = LANGUAGE
    core.author = "Framsyn"
    core.title = ""
    core.comments = ""
    core.revision = 1

    body = document.element.body
    for paragraph in list(body.findall(qn("w:p"))):
        body.remove(paragraph)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> int:
    OUT.write_bytes(build())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
