"""The XLSX export (formulas a treasurer can follow) and its import: round trip, hostile
files, unknown rows reported and nothing half-written."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from drafting.budget.costmodel import load_cost_model
from drafting.budget.model import Budget, CofinancingLine, CostLine, Participants
from drafting.budget.store import current_budget, import_budget, save_budget
from drafting.budget.xlsx import BudgetImportRefused, export_xlsx, import_xlsx
from drafting.models import RevisionSource
from drafting.revisions import get_or_create_draft
from drafting.word.safety import ImportRefused
from pipeline.i18n import render

MODEL = load_cost_model("esf_plus")
BUDGET = Budget(
    options=("staff_plus_40",),
    costs=(
        CostLine(
            "analys", "staff", "Projektledare", hours=Decimal("200.5"), annual_cost=60_000_000
        ),
        CostLine(
            "genomforande",
            "staff",
            "Coach",
            hours=Decimal(1000),
            hourly_rate=45_050,
            tags=("jamstalldhet", "tillganglighet"),
        ),
    ),
    cofinancing=(
        CofinancingLine("genomforande", "public_cash", "Åsele kommun", 300_000_50),
        CofinancingLine("genomforande", "owner_cash", "Region Västerbotten", 10_000_00, owner=True),
    ),
)


def test_round_trip_gives_the_same_budget():
    data = export_xlsx(BUDGET, MODEL, MODEL.default_terms, "Unga i Åsele")
    assert import_xlsx(data, MODEL) == BUDGET


def test_the_workbook_has_formulas_for_computed_cells():
    data = export_xlsx(BUDGET, MODEL, MODEL.default_terms)
    sheet = load_workbook(io.BytesIO(data))["Budget"]
    values = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert values["Personalkostnader"].startswith("=SUMIF(")
    assert values["Personalkostnader + 40 % schablon"].startswith("=ROUND(")
    assert values["ESF-stöd"].startswith("=B")
    staff = [r for r in sheet.iter_rows(values_only=True) if r[2] == "Coach"][0]
    assert staff[6].startswith("=ROUND(D")


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Budget"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_unknown_rows_are_all_reported_and_nothing_read():
    data = _workbook(
        [
            ["Framsyn-budget", 1, "esf_plus"],
            ["Kostnader"],
            ["Genomförandefas", "Hyra av slott", "Slott", None, None, None, 5],
            ["Mars", "Resor och logi", "Resa", None, None, None, 5],
            ["Genomförandefas", "Resor och logi", "Resa", None, None, None, "mycket"],
        ]
    )
    with pytest.raises(BudgetImportRefused) as refused:
        import_xlsx(data, MODEL)
    assert len(refused.value.problems) == 3
    assert "Rad 3: okänt kostnadsslag ”Hyra av slott”" in render(refused.value.text, "sv")
    assert "Row 4: unknown phase" in render(refused.value.text, "en")


def test_formulas_are_never_evaluated():
    # A formula typed into an amount cell has no stored value in this file: it is not run.
    data = _workbook(
        [
            ["Framsyn-budget", 1, "esf_plus"],
            ["Kostnader"],
            ["Genomförandefas", "Resor och logi", "Resa", None, None, None, "=1000*1000"],
        ]
    )
    assert import_xlsx(data, MODEL).costs[0].amount is None


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.4 hello", "inte en Excel-arbetsbok"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "inte en Excel-arbetsbok"),
        (b"x" * (10 * 1024 * 1024 + 1), "större än 10 MB"),
        (
            _zip(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "big.xml": b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>",
                }
            ),
            "orimligt",
        ),
        (_zip({"[Content_Types].xml": b'<!DOCTYPE x [<!ENTITY a "b">]><Types/>'}), "DOCTYPE"),
        (_workbook([["Något annat"]]), "budgetlayout"),
    ],
    ids=["pdf", "xls", "large", "bomb", "entities", "not-ours"],
)
def test_hostile_files_are_refused(data, says):
    with pytest.raises(ImportRefused) as refused:
        import_xlsx(data, MODEL)
    assert says in render(refused.value.text, "sv")


def test_word_file_is_not_a_workbook():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with pytest.raises(ImportRefused) as refused:
        import_xlsx(buffer.getvalue(), MODEL)
    assert "Excel" in render(refused.value.text, "sv")


def test_import_is_a_new_revision_keeping_participants(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    kept = Budget(months={"analys": 3}, participants=Participants(1, 1, None, 2))
    save_budget(session, people["owner"], draft, kept, None, check=False)
    data = export_xlsx(BUDGET, MODEL, MODEL.default_terms)
    revision = import_budget(session, people["owner"], draft, data)
    assert revision.source == RevisionSource.IMPORT and revision.number == 2
    now = current_budget(session, draft)
    assert now.costs == BUDGET.costs and now.participants == kept.participants
    bad = _workbook([["Framsyn-budget", 1], ["Kostnader"], ["Mars", "Resor och logi", "x"]])
    with pytest.raises(BudgetImportRefused):
        import_budget(session, people["owner"], draft, bad)
    assert draft.revision_count == 2
