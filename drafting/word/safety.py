"""Refuse uploaded files that are not plain, safe Word documents before anything parses them.

Checks run on the zip's central directory first (sizes, ratios, entry count), so a zip bomb is
refused before a byte is decompressed. Then `[Content_Types].xml` is read with a hardened XML
parser (defusedxml): it names the main document part (whatever its file name) and any macro
parts. Every XML part, by file name or by declared content type, is then parsed the same way,
so a DOCTYPE or entity declaration is found in any encoding the parser reads, and a part it
cannot read is refused rather than passed on.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring

from drafting.errors import DraftingError
from pipeline.i18n import Text, _t, render

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200  # uncompressed / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPES = (
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
    "application/vnd.ms-office.vbaproject",
    "application/vnd.ms-office.activex+xml",
)


class ImportRefused(DraftingError):
    """The file cannot be imported; `text` says why in Swedish and English."""

    status = 400

    def __init__(self, text: Text) -> None:
        super().__init__(render(text))
        self.text = text

    def message(self, locale: str | None = None) -> str:
        return render(self.text, locale)


TOO_LARGE = _t(
    "Filen är större än 10 MB. Dela upp dokumentet eller ta bort bilder och försök igen."
)
NOT_WORD = _t(
    "Filen är inte ett Word-dokument (.docx). Spara dokumentet som .docx i Word och försök igen."
)
IS_PDF = _t("Filen är en PDF med filändelsen .docx. Ladda upp originalet i Word-format (.docx).")
NOT_DOCUMENT = _t(
    "Filen är ett zip-arkiv men inget Word-dokument. Ladda upp en .docx-fil sparad i Word."
)
CORRUPT = _t(
    "Filen är skadad och kan inte läsas. Öppna den i Word, spara den igen och försök på nytt."
)
BOMB = _t(
    "Filen packas upp till orimligt mycket data och har inte lästs. Spara dokumentet på nytt "
    "i Word och försök igen."
)
ENTITIES = _t(
    "Filen innehåller XML-deklarationer (DOCTYPE/entiteter) som Word inte skapar och som inte "
    "tillåts av säkerhetsskäl. Spara dokumentet på nytt i Word som .docx."
)
MACROS = _t(
    "Filen innehåller makron (.docm) och tas inte emot. Spara dokumentet som .docx utan makron."
)
EMPTY = _t("Dokumentet är tomt: det finns ingen text att importera.")


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, never more than its declared size (zipfile stops there)."""
    with archive.open(info) as handle:
        return handle.read(MAX_PART_BYTES + 1)


CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class _Discard:
    """A parser target that keeps nothing: the parse only has to succeed."""

    def close(self) -> None:
        return None


def _check_xml(data: bytes) -> None:
    """Parse one XML part with DTDs, entities and external references forbidden."""
    parser = DefusedXMLParser(target=_Discard(), forbid_dtd=True)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as exc:
        raise ImportRefused(ENTITIES) from exc
    except (ParseError, ValueError, UnicodeError, LookupError) as exc:
        raise ImportRefused(CORRUPT) from exc


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """({part name: type} from Override, {extension: type} from Default), types lower-case."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ImportRefused(ENTITIES) from exc
    except (ParseError, ValueError, UnicodeError, LookupError) as exc:
        raise ImportRefused(CORRUPT) from exc
    overrides, defaults = {}, {}
    for element in root:
        kind = (element.get("ContentType") or "").strip().lower()
        if element.tag == f"{CONTENT_TYPES_NS}Override":
            overrides[(element.get("PartName") or "").lstrip("/")] = kind
        elif element.tag == f"{CONTENT_TYPES_NS}Default":
            defaults[(element.get("Extension") or "").lower()] = kind
    return overrides, defaults


def _type_of(name: str, overrides: dict[str, str], defaults: dict[str, str]) -> str:
    if name in overrides:
        return overrides[name]
    return defaults.get(name.rsplit(".", 1)[-1].lower() if "." in name else "", "")


def inspect_docx(data: bytes) -> None:
    """Raise ImportRefused unless `data` is a reasonably sized, macro-free, DTD-free .docx."""
    inspect_package(data, DOCX_MAIN, NOT_WORD)


def inspect_package(data: bytes, main_type: str, wrong_kind: Text) -> None:
    """Raise ImportRefused unless `data` is a reasonably sized, macro-free, DTD-free Office
    package with one main part of `main_type` (`wrong_kind` says what else it is)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(TOO_LARGE)
    if data[:4] != b"PK\x03\x04":
        if data[:1024].find(b"%PDF-") >= 0:
            raise ImportRefused(IS_PDF)
        if data[:4] == b"\xd0\xcf\x11\xe0":  # the old binary .doc / .xls format
            raise ImportRefused(wrong_kind)
        raise ImportRefused(wrong_kind if b"PK\x05\x06" not in data[-1024:] else NOT_DOCUMENT)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ImportRefused(CORRUPT) from exc
    with archive:
        if len(infos) > MAX_ENTRIES:
            raise ImportRefused(BOMB)
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_UNCOMPRESSED_BYTES:
                raise ImportRefused(BOMB)
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise ImportRefused(BOMB)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            raise ImportRefused(NOT_DOCUMENT)
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ImportRefused(MACROS)
        try:
            overrides, defaults = _content_types(
                _read_part(archive, archive.getinfo("[Content_Types].xml"))
            )
            kinds = {info.filename: _type_of(info.filename, overrides, defaults) for info in infos}
            declared = set(overrides.values()) | set(defaults.values())
            if any(kind in declared for kind in MACRO_TYPES):
                raise ImportRefused(MACROS)
            main = [name for name, kind in kinds.items() if kind == main_type]
            if len(main) != 1:
                raise ImportRefused(NOT_DOCUMENT)
            for info in infos:
                lower = info.filename.lower()
                kind = kinds[info.filename]
                if lower.endswith((".xml", ".rels")) or kind.endswith(("+xml", "/xml")):
                    _check_xml(_read_part(archive, info))
        except ImportRefused:
            raise
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError, KeyError) as exc:
            raise ImportRefused(CORRUPT) from exc
