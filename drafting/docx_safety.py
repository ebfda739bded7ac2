"""Refuse uploaded files that are not plain, safe Word documents before anything parses them.

Checks run on the zip's central directory first (sizes, ratios, entry count), so a zip bomb is
refused before a byte is decompressed; then the package's XML parts are scanned for DOCTYPE
declarations (external entities, entity expansion) and the content types for macros.
"""

from __future__ import annotations

import io
import zipfile

from drafting.errors import DraftingError
from pipeline.i18n import Text

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
        super().__init__(text.sv)
        self.text = text

    def message(self, locale: str | None = None) -> str:
        return self.text.get(locale)


TOO_LARGE = Text(
    "Filen är större än 10 MB. Dela upp dokumentet eller ta bort bilder och försök igen.",
    "The file is larger than 10 MB. Split the document or remove images and try again.",
)
NOT_WORD = Text(
    "Filen är inte ett Word-dokument (.docx). Spara dokumentet som .docx i Word och försök igen.",
    "The file is not a Word document (.docx). Save the document as .docx in Word and try again.",
)
IS_PDF = Text(
    "Filen är en PDF med filändelsen .docx. Ladda upp originalet i Word-format (.docx).",
    "The file is a PDF named .docx. Upload the original in Word format (.docx).",
)
NOT_DOCUMENT = Text(
    "Filen är ett zip-arkiv men inget Word-dokument. Ladda upp en .docx-fil sparad i Word.",
    "The file is a zip archive but not a Word document. Upload a .docx file saved in Word.",
)
CORRUPT = Text(
    "Filen är skadad och kan inte läsas. Öppna den i Word, spara den igen och försök på nytt.",
    "The file is damaged and cannot be read. Open it in Word, save it again and retry.",
)
BOMB = Text(
    "Filen packas upp till orimligt mycket data och har inte lästs. Spara dokumentet på nytt "
    "i Word och försök igen.",
    "The file unpacks to an unreasonable amount of data and was not read. Save the document "
    "again in Word and try again.",
)
ENTITIES = Text(
    "Filen innehåller XML-deklarationer (DOCTYPE/entiteter) som Word inte skapar och som inte "
    "tillåts av säkerhetsskäl. Spara dokumentet på nytt i Word som .docx.",
    "The file contains XML declarations (DOCTYPE/entities) that Word does not write and that "
    "are refused for security reasons. Save the document again in Word as .docx.",
)
MACROS = Text(
    "Filen innehåller makron (.docm) och tas inte emot. Spara dokumentet som .docx utan makron.",
    "The file contains macros (.docm) and is refused. Save the document as .docx without macros.",
)
EMPTY = Text(
    "Dokumentet är tomt: det finns ingen text att importera.",
    "The document is empty: there is no text to import.",
)


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part's bytes, never more than its declared size (zipfile stops there)."""
    with archive.open(info) as handle:
        return handle.read(MAX_PART_BYTES + 1)


def _has_doctype(data: bytes) -> bool:
    """True if an XML part declares a DOCTYPE or entities (in UTF-8 or UTF-16)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return True
    lowered = data.lower()
    return b"<!doctype" in lowered or b"<!entity" in lowered


def inspect_docx(data: bytes) -> None:
    """Raise ImportRefused unless `data` is a reasonably sized, macro-free, DTD-free .docx."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(TOO_LARGE)
    if data[:4] != b"PK\x03\x04":
        if data[:1024].find(b"%PDF-") >= 0:
            raise ImportRefused(IS_PDF)
        if data[:4] == b"\xd0\xcf\x11\xe0":  # the old binary .doc format
            raise ImportRefused(NOT_WORD)
        raise ImportRefused(NOT_WORD if b"PK\x05\x06" not in data[-1024:] else NOT_DOCUMENT)
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
            for info in infos:
                lower = info.filename.lower()
                if not (lower.endswith(".xml") or lower.endswith(".rels")):
                    continue
                part = _read_part(archive, info)
                if _has_doctype(part):
                    raise ImportRefused(ENTITIES)
                if info.filename == "[Content_Types].xml":
                    types = part.lower()
                    if any(kind.encode() in types for kind in MACRO_TYPES):
                        raise ImportRefused(MACROS)
                    if DOCX_MAIN.encode() not in types:
                        raise ImportRefused(NOT_DOCUMENT)
        except ImportRefused:
            raise
        except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError) as exc:
            raise ImportRefused(CORRUPT) from exc
