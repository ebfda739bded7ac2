"""Read a Word document's body as blocks: each heading with the text lines under it.

Headings are found by style (Heading/Rubrik 1-9, following basedOn) or outline level; list
paragraphs become "- " lines, table rows "cell | cell" lines; tables of contents and the
exported budget tables are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

from drafting.word.rendering import BOOKMARK_PREFIX, BUDGET_TABLE_MARK

_HEADING_STYLE = re.compile(r"^(?:heading|rubrik)\s*([1-9])$", re.IGNORECASE)
_OUTLINE_VALUE = re.compile(r"[0-9]{1,3}")
_W_T, _W_TAB, _W_BR, _W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_W_P, _W_TBL, _W_SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")


def _paragraph_text(p: Any) -> str:
    parts = []
    for node in p.iter(_W_T, _W_TAB, _W_BR, _W_CR):
        if node.tag == _W_T:
            parts.append(node.text or "")
        elif node.tag == _W_TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


class _Styles:
    """Heading levels and list flags per style id, following basedOn chains once."""

    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        for style in document.styles:
            self.by_id[style.style_id] = style

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.element.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def level(self, style_id: str | None, p: Any) -> int | None:
        """The heading level of paragraph `p` (1-9), or None for body text."""
        found = _outline_level(p)
        if found is not None:
            return found or None
        for style in self._chain(style_id):
            match = _HEADING_STYLE.match(style.name or "")
            if match:
                return int(match.group(1))
            found = _outline_level(style.element)
            if found is not None:
                return found or None
        return None

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        return (style.name or "") if style is not None else ""


def _outline_level(element: Any) -> int | None:
    """A w:outlineLvl under `element`: 1-9 for a heading, 0 for body text, None for none.

    Word writes 0-8 for headings and 9 for body text; any other value (a "²", "-1", a huge
    number) is ignored as if it were absent, so the style decides.
    """
    outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    if outline is None:
        return None
    raw = (outline.get(qn("w:val")) or "").strip()
    if not _OUTLINE_VALUE.fullmatch(raw):
        return None
    value = int(raw)
    return value + 1 if value < 9 else 0


@dataclass
class Block:
    """A heading (None for text before the first heading) and the lines under it."""

    heading: str | None
    level: int
    bookmark: str | None = None
    lines: list[str] = field(default_factory=list)


def read_blocks(document: Any) -> list[Block]:
    styles = _Styles(document)
    blocks = [Block(None, 0)]

    def visit(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == _W_SDT:
                gallery = child.find(f".//{qn('w:docPartGallery')}")
                if gallery is not None and "content" in (gallery.get(qn("w:val")) or "").lower():
                    continue  # a table of contents
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    visit(content)
            elif child.tag == _W_TBL:
                caption = child.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
                if caption is not None and (caption.get(qn("w:val")) or "").startswith(
                    BUDGET_TABLE_MARK
                ):
                    continue  # the exported budget: data, read back through the XLSX import
                for row in child.iter(qn("w:tr")):
                    cells = [
                        " ".join(_paragraph_text(p).strip() for p in tc.iter(_W_P)).strip()
                        for tc in row.findall(qn("w:tc"))
                    ]
                    line = " | ".join(c for c in cells if c)
                    if line:
                        blocks[-1].lines.append(line)
            elif child.tag == _W_P:
                paragraph(child)

    def paragraph(p: Any) -> None:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(qn("w:val")) if style is not None else None
        name = styles.name(style_id).lower()
        text = _paragraph_text(p).strip()
        if name.startswith("toc"):
            return
        level = styles.level(style_id, p)
        if level is not None and text:
            marks = [b.get(qn("w:name")) or "" for b in p.iter(qn("w:bookmarkStart"))]
            bookmark = next((m for m in marks if m.startswith(BOOKMARK_PREFIX)), None)
            blocks.append(Block(" ".join(text.split()), level, bookmark))
            return
        if not text:
            return
        is_list = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None or "list" in name
        for line in text.split("\n"):
            if line.strip():
                blocks[-1].lines.append(("- " if is_list else "") + line.strip())

    visit(document.element.body)
    return blocks


def join_lines(lines: list[str]) -> str:
    """Paragraphs separated by a blank line, consecutive list items by a single newline."""
    out: list[str] = []
    for line in lines:
        if out and not (line.startswith("- ") and out[-1].startswith("- ")):
            out.append("")
        out.append(line)
    return "\n".join(out)
