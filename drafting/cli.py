"""Command line: ``python -m drafting check FILE... [--json] [--template KEY] [--principles]``."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from drafting.checker import check_sections
from drafting.checker.results import CheckResult, Level
from drafting.checker.rules import load_principle
from drafting.errors import DraftingError
from drafting.sections import split_text
from drafting.templates import DEFAULT_TEMPLATE, Template, available_templates, load_template

EXIT_OK, EXIT_BELOW, EXIT_UNREADABLE = 0, 1, 2
_SEVERITY = {
    "sv": {"error": "fel", "warning": "varning", "info": "info"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
_HEADING_STYLES = ("heading", "rubrik", "title", "rubrik 1")


class UnreadableFile(DraftingError):
    """A file given on the command line cannot be read as a draft."""


def read_txt(path: Path) -> str:
    """Read a plain-text draft (UTF-8, falling back to Windows-1252)."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise UnreadableFile("the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_docx(path: Path) -> str:
    """Read a Word draft as text, one paragraph a line, headings on lines of their own."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"not a readable Word document ({exc})") from exc
    lines: list[str] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "").lower()
        text = paragraph.text.strip()
        if style.startswith(_HEADING_STYLES) and text:
            lines.extend(["", text, ""])
        else:
            lines.append(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def read_draft(path: Path, template: Template) -> dict[str, str]:
    """Read a .txt or .docx file and split it into sections."""
    if not path.is_file():
        raise UnreadableFile("no such file")
    try:
        text = read_docx(path) if path.suffix.lower() == ".docx" else read_txt(path)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from exc
    return split_text(text, template)


def _below(result: CheckResult) -> bool:
    """Tell whether a mandatory principle is below concrete."""
    return any(
        load_principle(key).mandatory and level < Level.CONCRETE
        for key, level in result.levels.items()
    )


def _print_text(name: str, result: CheckResult, lang: str, out: TextIO) -> None:
    """Print one file's levels and findings for people."""
    print(name, file=out)
    for key, level in result.levels.items():
        print(f"  {load_principle(key).name(lang)}: {level.label(lang)}", file=out)
        if level >= Level.CONCRETE:
            for item in result.principles[key].evidence:
                print(f"    + [{item.section}, {item.function}] «{item.sentence[:120]}»", file=out)
    for finding in result.findings:
        where = f" [{finding.section}]" if finding.section else ""
        line = f"  - {_SEVERITY[lang][finding.severity]}{where}: {finding.message(lang)}"
        if finding.evidence:
            line += f" «{finding.evidence[:120]}»"
        print(line, file=out)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    parser = argparse.ArgumentParser(prog="python -m drafting", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check drafts against the horizontal principles")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.add_argument(
        "--template", default=DEFAULT_TEMPLATE, choices=available_templates(), metavar="KEY"
    )
    check.add_argument("--principles", default=None, help="comma-separated principle keys")
    check.add_argument("--lang", default="sv", choices=("sv", "en"))
    return parser


def main(
    argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line and return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    template = load_template(args.template)
    principles = args.principles.split(",") if args.principles else None
    code = EXIT_OK
    for path in args.files:
        try:
            sections = read_draft(path, template)
        except UnreadableFile as exc:
            print(f"drafting: cannot read {path}: {exc}", file=err)
            code = EXIT_UNREADABLE
            continue
        try:
            result = check_sections(sections, template, principles)
        except DraftingError as exc:
            print(f"drafting: {exc}", file=err)
            return EXIT_UNREADABLE
        if args.json:
            record = {
                "file": str(path),
                "levels": result.summary(),
                "findings": [asdict(f) for f in result.findings],
                "evidence": {
                    key: [asdict(item) for item in found.evidence]
                    for key, found in result.principles.items()
                },
            }
            print(json.dumps(record, ensure_ascii=False), file=out)
        else:
            _print_text(str(path), result, args.lang, out)
        if code == EXIT_OK and _below(result):
            code = EXIT_BELOW
    return code
