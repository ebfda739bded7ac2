"""CSV and XLSX writers for report tables, safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a
carriage return) must stay text. CSV has no types, so there it gets a leading apostrophe. XLSX
does: every text cell is written as a typed string (openpyxl's data type "s", a shared string
in the file), which no spreadsheet evaluates, so the user sees exactly the text, no apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from web.reports.tables import DATE, DAYS, INT, PERCENT, SEK, Table, cell_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMATS = {INT: "0", SEK: "#,##0", DAYS: "0.0", PERCENT: "0.0", DATE: "yyyy-mm-dd"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """Text that no spreadsheet evaluates: a leading formula character gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value: object, kind: str, decimal: str) -> str:
    value = cell_value(value, kind)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", decimal)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value)


def to_csv(table: Table, locale: str = "sv") -> bytes:
    """The table as CSV in UTF-8 with a BOM; Swedish gets semicolons and decimal commas, as a
    Swedish spreadsheet expects."""
    delimiter, decimal = (";", ",") if locale == "sv" else (",", ".")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_cell(v, c.kind, decimal) for v, c in zip(row, table.columns, strict=True)]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (at most 31 characters, none of []:*?/\\)."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", title).split()).strip("'") or "Blad"
    name, n = base[:31], 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table: bold headings, typed numbers and dates, and text as typed
    strings (never a formula, shown as written)."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.title, taken))
        sheet.append([c.label for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([cell_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            fmt = XLSX_FORMATS.get(column.kind)
            width = max([len(column.label)] + [len(str(r[index - 1] or "")) for r in table.rows])
            sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if fmt and cell.value is not None:
                    cell.number_format = fmt
        _type_text_cells(sheet)
        sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _type_text_cells(sheet) -> None:
    """Every text cell a typed string: openpyxl marks text starting with "=" as a formula
    (data type "f") when it is assigned; "s" writes it as a shared string instead."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
