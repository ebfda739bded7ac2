"""Import a Word document into a draft: match its headings to the template's sections and save
each changed section as a new revision (source "import"), then run the check again.

Text under headings that match no section is never dropped: it is appended, under a clearly
marked line naming its heading, to one chosen section (by default the last top-level section)
and listed in the report.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from docx import Document
from sqlalchemy.orm import Session

from drafting.check_runs import run_check
from drafting.models import RevisionSource
from drafting.revisions import (
    clean_text,
    get_or_create_draft,
    latest_revision,
    require_edit,
    save_section,
    section_texts,
    template_for,
)
from drafting.templates import Section, Template
from drafting.word.reading import join_lines, read_blocks
from drafting.word.rendering import APPENDIX_TITLE, BOOKMARK_PREFIX, EXPORT_CATEGORY
from drafting.word.safety import CORRUPT, EMPTY, ImportRefused, inspect_docx
from pipeline.errors import InvalidData
from pipeline.i18n import Bilingual, _t, render
from pipeline.models import User
from pipeline.queries import get_idea
from pipeline.services import log_activity

MATCH_RATIO = 0.82
_BULLET = re.compile(r"^[-•*–]\s+")
PREAMBLE = "(text före första rubriken)"
_NUMBERING = re.compile(
    r"^\s*(?:(?:avsnitt|section|kapitel|del|part)\s+)?"
    r"(?:\d+(?:\.\d+)*[.):]?|[ivxlc]+[.):]|[a-z][.):])\s+"
)


def unmatched_marker(heading: str) -> str:
    """The line that introduces text moved in from an unmatched heading."""
    return (
        f"[Importerad text under rubriken ”{heading}” – rubriken motsvarar inget avsnitt i mallen]"
    )


# --- Reading the document ---------------------------------------------------------------------


def normalise_heading(text: str) -> str:
    """Casefolded, without numbering, parentheses, punctuation or extra spaces."""
    value = unicodedata.normalize("NFKC", text).casefold().strip()
    value = _NUMBERING.sub("", value)
    value = re.sub(r"\(.*?\)", " ", value).replace("&", " och ")
    value = re.sub(r"[^\w\s]", " ", value)
    return " ".join(value.split())


def _candidates(template: Template) -> list[tuple[str, Section]]:
    pairs = []
    for section in template.sections:
        for name in (section.title_sv, section.title_en, *section.aliases):
            pairs.append((normalise_heading(name), section))
    return pairs


def match_heading(text: str, template: Template) -> Section | None:
    """The section a document heading stands for: exact after normalising, else the closest."""
    wanted = normalise_heading(text)
    if not wanted:
        return None
    pairs = _candidates(template)
    for name, section in pairs:
        if name == wanted:
            return section
    best, best_ratio = None, 0.0
    for name, section in pairs:
        ratio = difflib.SequenceMatcher(None, wanted, name).ratio()
        if ratio > best_ratio:
            best, best_ratio = section, ratio
    return best if best_ratio >= MATCH_RATIO else None


@dataclass
class UnmatchedText:
    heading: str
    text: str


@dataclass
class ParsedDocument:
    """What a document holds, by the template's sections."""

    sections: dict[str, str]
    matched: list[tuple[str, str]]
    unmatched: list[UnmatchedText]
    ignored: list[str]
    from_framsyn: bool


def parse_docx(data: bytes, template: Template) -> ParsedDocument:
    """Check the file and sort its text under the template's sections; ImportRefused if bad."""
    inspect_docx(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise ImportRefused(CORRUPT) from exc
    from_framsyn = (document.core_properties.category or "") == EXPORT_CATEGORY
    blocks = read_blocks(document)
    if not any(b.lines or b.heading for b in blocks):
        raise ImportRefused(EMPTY)
    appendix = {normalise_heading(render(APPENDIX_TITLE, loc)) for loc in ("sv", "en")}
    sections: dict[str, list[str]] = {}
    matched: list[tuple[str, str]] = []
    unmatched: list[UnmatchedText] = []
    ignored: list[str] = []
    current: tuple[str, int] | None = None  # (section key, heading level)
    skipping: int | None = None  # level of a generated appendix being skipped
    for block in blocks:
        if block.heading is None:
            if block.lines and not from_framsyn:
                unmatched.append(UnmatchedText(PREAMBLE, join_lines(block.lines)))
            continue
        if skipping is not None and block.level > skipping:
            continue
        skipping = None
        if normalise_heading(block.heading) in appendix:
            skipping = block.level
            ignored.append(block.heading)
            continue
        key = (block.bookmark or "")[len(BOOKMARK_PREFIX) :]
        section = template.section(key) if key else None
        section = section or match_heading(block.heading, template)
        if section is not None:
            current = (section.key, block.level)
            matched.append((block.heading, section.key))
            sections.setdefault(section.key, []).extend(block.lines)
        elif current is not None and block.level > current[1]:
            sections[current[0]].extend([block.heading, *block.lines])
        else:
            current = None
            unmatched.append(UnmatchedText(block.heading, join_lines(block.lines)))
    texts = {k: join_lines([line for line in lines if line]) for k, lines in sections.items()}
    if not any(texts.values()) and not any(u.text for u in unmatched):
        raise ImportRefused(EMPTY)
    return ParsedDocument(texts, matched, unmatched, ignored, from_framsyn)


# --- Saving -----------------------------------------------------------------------------------


def default_unmatched_target(template: Template) -> str:
    """The last top-level section without subsections: where unmatched text goes by default."""
    for section in reversed(template.sections):
        if section.parent is None and not template.children(section.key):
            return section.key
    return template.sections[-1].key


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        lines = (_BULLET.sub("- ", line.strip()) for line in text.split("\n"))
        return "\n".join(line for line in lines if line)

    return norm(a) == norm(b)


@dataclass
class ImportReport:
    """What an import did, kept on the job and shown to the user."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_empty: list[str] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[UnmatchedText] = field(default_factory=list)
    unmatched_target: str | None = None
    ignored: list[str] = field(default_factory=list)
    revision: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_docx(
    session: Session,
    actor: User,
    idea_id: int,
    data: bytes,
    *,
    unmatched_target: str | None = None,
) -> ImportReport:
    """Import `data` into the idea's draft; each changed section becomes an "import" revision.

    Nothing is saved when the file is refused or a section would exceed its length limit.
    """
    idea = get_idea(session, actor, idea_id)
    draft = get_or_create_draft(session, actor, idea)
    require_edit(draft, actor)
    template = template_for(draft)
    target = unmatched_target or default_unmatched_target(template)
    if template.section(target) is None:
        raise InvalidData(_t("Avsnittet {key} finns inte i mallen.").format(key=target))
    parsed = parse_docx(data, template)
    current = section_texts(session, draft)
    texts = dict(parsed.sections)
    if parsed.unmatched:
        base = texts.get(target, current.get(target, ""))
        moved = [f"{unmatched_marker(u.heading)}\n{u.text}".strip() for u in parsed.unmatched]
        texts[target] = "\n\n".join(part for part in [base, *moved] if part)

    too_long = []
    for key, text in texts.items():
        section = template.section(key)
        if section is not None and len(clean_text(text)) > section.max_chars:
            too_long.append((section, len(clean_text(text))))
    if too_long:
        listing = tuple(
            _t("{section} ({length} av {limit} tecken)").format(
                section=Bilingual(s.title_sv, s.title_en), length=n, limit=s.max_chars
            )
            for s, n in too_long
        )
        raise ImportRefused(
            _t(
                "Inget importerades: texten är för lång i {sections}. Korta texten i Word "
                "och försök igen."
            ).format(sections=listing)
        )

    report = ImportReport(
        matched=parsed.matched,
        unmatched=parsed.unmatched,
        unmatched_target=target if parsed.unmatched else None,
        ignored=parsed.ignored,
    )
    for section in template.sections:
        if section.key not in texts:
            continue
        text = clean_text(texts[section.key])
        old = current.get(section.key, "")
        if not text and old:
            report.kept_empty.append(section.key)  # an empty heading never wipes a text
            continue
        if _same(text, old):
            report.unchanged.append(section.key)
            continue
        latest = latest_revision(session, draft, section.key)
        saved = save_section(
            session,
            actor,
            draft,
            section.key,
            text,
            latest.id if latest is not None else None,
            source=RevisionSource.IMPORT,
            check=False,
        )
        (report.changed if saved is not None else report.unchanged).append(section.key)
    if report.changed:
        run_check(session, draft)
    report.revision = draft.revision_count
    log_activity(
        session,
        actor,
        "draft.import",
        draft,
        idea=idea,
        changed=report.changed,
        unmatched=[u.heading for u in report.unmatched],
        target=report.unmatched_target,
    )
    return report
