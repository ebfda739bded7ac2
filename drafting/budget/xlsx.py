"""The budget as an Excel workbook a treasurer can follow (inputs plus formulas), and the same
layout read back.

The import has the Word import's safety (``drafting.word.safety``: size, zip bombs, DTDs,
macros), reads stored cell values only (``data_only``: no formula is ever evaluated here), and
returns either a whole budget or the list of rows it could not read: nothing is half-written.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from drafting.budget.costmodel import CallTerms, CostModel
from drafting.budget.model import (
    TAGS,
    Budget,
    CofinancingLine,
    CostLine,
    Participants,
    parse_hours,
    parse_money,
)
from drafting.word.safety import (
    BOMB,
    ENTITIES,
    TOO_LARGE,
    ImportRefused,
    inspect_package,
)
from pipeline.i18n import Text, _t

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MARK = "Framsyn-budget"
SHEET = "Budget"
MAX_ROWS = 2000
COST_HEAD = (
    "Fas",
    "Kostnadsslag",
    "Beskrivning",
    "Timmar",
    "Årskostnad (kr)",
    "Timkostnad (kr)",
    "Belopp (kr)",
    "Horisontell princip",
)
COFIN_HEAD = ("Fas", "Slag", "Finansiär", "Belopp (kr)", "Projektägaren (ja/nej)")

NOT_XLSX = _t(
    "Filen är inte en Excel-arbetsbok (.xlsx). Spara den som .xlsx i Excel och försök igen."
)
NOT_OURS = _t(
    "Arbetsboken har inte Framsyns budgetlayout. Ladda ner budgeten som "
    "Excel från Framsyn, fyll i den och läs in den igen."
)
XLSX_TEXTS = {"ENTITIES": ENTITIES, "BOMB": BOMB, "TOO_LARGE": TOO_LARGE}


class BudgetImportRefused(ImportRefused):
    """The workbook was read but some rows could not be: `problems` lists them."""

    def __init__(self, problems: list[Text]) -> None:
        self.problems = problems
        super().__init__(
            _t("Inget lästes in: {n} rader kunde inte läsas. {list}").format(
                n=len(problems),
                list=tuple(problems),
            )
        )


# --- Export -----------------------------------------------------------------------------------


def export_xlsx(budget: Budget, model: CostModel, terms: CallTerms, title: str = "") -> bytes:
    """A workbook with the cost lines, the co-financing and totals as formulas."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold = Font(bold=True)
    sheet.append([MARK, 1, model.template, title])
    sheet.append(["Schabloner", ", ".join(_option_name(model, o) for o in budget.options)])
    sheet.append(["Timmar per år", model.hours_per_year or ""])
    sheet.append([])
    sheet.append(["Kostnader"])
    sheet.append(list(COST_HEAD))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    first = sheet.max_row + 1
    for line in budget.costs:
        phase, category = model.phase(line.phase), model.category(line.category)
        row = sheet.max_row + 1
        is_staff = category is not None and category.kind == "staff"
        if is_staff:
            rate = (
                f'IF(E{row}<>"",ROUND(E{row}/$B$3,2),F{row})' if model.hours_per_year else f"F{row}"
            )
            amount: Any = f"=ROUND(D{row}*{rate},2)"
        else:
            amount = _kronor(line.amount)
        sheet.append(
            [
                phase.name_sv if phase else line.phase,
                category.name_sv if category else line.category,
                line.description,
                float(line.hours) if line.hours is not None else None,
                _kronor(line.annual_cost),
                _kronor(line.hourly_rate),
                amount,
                ", ".join(line.tags),
            ]
        )
    last = max(sheet.max_row, first)
    staff_name = next(c.name_sv for c in model.categories if c.kind == "staff")
    sheet.append([])
    sheet.append(["Medfinansiering"])
    sheet.append(list(COFIN_HEAD))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    cofin_first = sheet.max_row + 1
    for line in budget.cofinancing:
        phase, kind = model.phase(line.phase), model.cofinancing_kind(line.kind)
        sheet.append(
            [
                phase.name_sv if phase else line.phase,
                kind.name_sv if kind else line.kind,
                line.financier,
                _kronor(line.amount),
                "ja" if line.owner else "nej",
            ]
        )
    cofin_last = max(sheet.max_row, cofin_first)
    in_kind = [k.name_sv for k in model.cofinancing_kinds if k.in_kind]
    sheet.append([])
    sheet.append(["Summering"])
    top = sheet.max_row + 1
    sheet.append(["Personalkostnader", f'=SUMIF(B{first}:B{last},"{staff_name}",G{first}:G{last})'])
    sheet.append(["Övriga direkta kostnader", f"=SUM(G{first}:G{last})-B{top}"])
    flat_rows = []
    for key in budget.options:
        option = model.option(key)
        if option is None:
            continue
        base = f"B{top}" if option.base == "staff" else f"(B{top}+B{top + 1})"
        sheet.append([option.name_sv, f"=ROUND({base}*{option.rate_percent}/100,2)"])
        flat_rows.append(sheet.max_row)
    kinds = ",".join(
        f'SUMIF(B{cofin_first}:B{cofin_last},"{k}",D{cofin_first}:D{cofin_last})' for k in in_kind
    )
    sheet.append(["Bidrag i annat än pengar", f"=SUM({kinds})" if kinds else 0])
    in_kind_row = sheet.max_row
    flats = "".join(f"+B{r}" for r in flat_rows)
    sheet.append(["Total budget", f"=B{top}+B{top + 1}{flats}+B{in_kind_row}"])
    total_row = sheet.max_row
    sheet.append(["Medfinansiering", f"=SUM(D{cofin_first}:D{cofin_last})"])
    sheet.append(["ESF-stöd", f"=B{total_row}-B{total_row + 1}"])
    sheet.append(["ESF-andel", f"=IF(B{total_row}>0,B{total_row + 2}/B{total_row},0)"])
    sheet[f"B{sheet.max_row}"].number_format = "0.0%"
    sheet.append(["Krav på medfinansiering", float(terms.required_percent) / 100])
    sheet[f"B{sheet.max_row}"].number_format = "0.0%"
    for column, width in zip("ABCDEFGH", (28, 34, 34, 10, 16, 16, 16, 22), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _kronor(amount: int | None) -> float | None:
    # openpyxl stores numbers as floats; öre / 100 is exact enough to round-trip two decimals
    return None if amount is None else amount / 100


def _option_name(model: CostModel, key: str) -> str:
    option = model.option(key)
    return option.name_sv if option else key


# --- Import -----------------------------------------------------------------------------------


def _lookup(items, text: Any) -> str | None:
    value = str(text or "").strip().casefold()
    for item in items:
        if value in (item.key.casefold(), item.name_sv.casefold(), item.name_en.casefold()):
            return item.key
    return None


def _money_cell(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        text = format(Decimal(str(value)).quantize(Decimal("0.01")), "f")
        return parse_money(text)
    return parse_money(str(value))


def _hours_cell(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return parse_hours(format(Decimal(str(value)).quantize(Decimal("0.01")), "f"))
    return parse_hours(str(value))


def import_xlsx(data: bytes, model: CostModel) -> Budget:
    """The budget in a workbook of the export's layout; ImportRefused if the file is unsafe
    or not ours, BudgetImportRefused listing every row it could not read."""
    try:
        inspect_package(data, XLSX_MAIN, NOT_XLSX)
    except ImportRefused as refused:
        known = {id(v) for v in XLSX_TEXTS.values()}
        raise ImportRefused(refused.text if id(refused.text) in known else NOT_XLSX) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRefused(NOT_XLSX) from exc
    try:
        if SHEET not in book.sheetnames:
            raise ImportRefused(NOT_OURS)
        rows = list(book[SHEET].iter_rows(max_row=MAX_ROWS + 1, max_col=10, values_only=True))
    finally:
        book.close()
    if not rows or not rows[0] or rows[0][0] != MARK:
        raise ImportRefused(NOT_OURS)
    return _parse_rows(rows, model)


def _parse_rows(rows: list[tuple], model: CostModel) -> Budget:
    problems: list[Text] = []
    options: list[str] = []
    costs: list[CostLine] = []
    cofinancing: list[CofinancingLine] = []
    part = None
    for number, row in enumerate(rows, start=1):
        cells = list(row) + [None] * (10 - len(row))
        first = str(cells[0] or "").strip()
        if number == 1 or part == "Summering" or not any(c not in (None, "") for c in cells):
            continue  # the summary is formulas only: recomputed, never read
        if first == "Schabloner":
            for name in str(cells[1] or "").split(","):
                if name.strip():
                    key = _lookup(model.options, name)
                    if key is None:
                        problems.append(
                            _row(number, _t("okänd schablon ”{value}”").format(value=name.strip()))
                        )
                    else:
                        options.append(key)
            continue
        if first in ("Kostnader", "Medfinansiering", "Summering") and cells[1] in (None, ""):
            part = first
            continue
        if first in ("Timmar per år", "Fas"):
            continue
        try:
            if part == "Kostnader":
                costs.append(_cost_row(cells, model))
            elif part == "Medfinansiering":
                cofinancing.append(_cofin_row(cells, model))
            else:
                raise LookupError(_t("rad utanför tabellerna"))
        except LookupError as exc:
            problems.append(_row(number, exc.args[0]))
        except (ValueError, InvalidOperation):
            problems.append(_row(number, _t("ett tal kan inte läsas")))
    if problems:
        raise BudgetImportRefused(problems)
    return Budget(tuple(options), {}, tuple(costs), tuple(cofinancing), Participants())


def _row(number: int, problem: Text) -> Text:
    return _t("Rad {number}: {problem}.").format(number=number, problem=problem)


def _cost_row(cells: list, model: CostModel) -> CostLine:
    phase = _lookup(model.phases, cells[0])
    if phase is None:
        raise LookupError(_t("okänd fas ”{value}”").format(value=cells[0]))
    category = _lookup(model.typed_categories, cells[1])
    if category is None:
        raise LookupError(_t("okänt kostnadsslag ”{value}”").format(value=cells[1]))
    tags = tuple(t.strip() for t in str(cells[7] or "").split(",") if t.strip())
    if set(tags) - set(TAGS):
        raise LookupError(_t("okänd horisontell princip"))
    staff = model.category(category).kind == "staff"
    return CostLine(
        phase,
        category,
        str(cells[2] or "").strip()[:200],
        amount=None if staff else _money_cell(cells[6]),
        hours=_hours_cell(cells[3]) if staff else None,
        annual_cost=_money_cell(cells[4]) if staff else None,
        hourly_rate=_money_cell(cells[5]) if staff else None,
        tags=tags,
    )


def _cofin_row(cells: list, model: CostModel) -> CofinancingLine:
    phase = _lookup(model.phases, cells[0])
    if phase is None:
        raise LookupError(_t("okänd fas ”{value}”").format(value=cells[0]))
    kind = _lookup(model.cofinancing_kinds, cells[1])
    if kind is None:
        raise LookupError(_t("okänt slag ”{value}”").format(value=cells[1]))
    owner = str(cells[4] or "").strip().casefold()
    if owner not in ("", "ja", "nej", "yes", "no"):
        raise LookupError(_t("projektägaren ska vara ja eller nej"))
    return CofinancingLine(
        phase,
        kind,
        str(cells[2] or "").strip()[:200],
        _money_cell(cells[3]),
        owner in ("ja", "yes"),
    )
