"""The budget in the Word export: real tables read back, the organisationsnummer on the cover,
and the tables left out when the document is imported again."""

from __future__ import annotations

from decimal import Decimal

from drafting.budget.model import Budget, CofinancingLine, CostLine, Participants
from drafting.budget.store import save_budget
from drafting.templates import load_template
from drafting.word.export import export_draft
from drafting.word.importing import parse_docx
from tests.drafting.test_export import TODAY, make_draft, read

BUDGET = Budget(
    options=("staff_plus_40",),
    costs=(
        CostLine("analys", "staff", "Projektledare", hours=Decimal(200), hourly_rate=50_000),
        CostLine("genomforande", "staff", "Projektledare", hours=Decimal(1000), hourly_rate=50_000),
    ),
    cofinancing=(
        CofinancingLine("genomforande", "public_cash", "Åsele kommun", 300_000_00),
        CofinancingLine("genomforande", "participant_allowance", "Försäkringskassan", 100_000_00),
    ),
    participants=Participants(20, 18, 2, 40),
)


def cells(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_budget_tables_and_org_number(session):
    actor, idea, draft = make_draft(session, {"budget": "Budgeten beskrivs i tabellerna."})
    idea.lead_organisation.org_number = "212000-2627"
    save_budget(session, actor, draft, BUDGET, None, check=False)
    exported = export_draft(session, actor, idea.id, today=TODAY)
    document = read(exported.data)
    body = [p.text for p in document.paragraphs]
    assert "Organisationsnummer: 212000-2627" in body
    tables = {cells(t)[0][0]: cells(t) for t in document.tables}
    costs = tables["Kostnader per fas"]
    assert costs[1] == ["Kostnadsslag", "Analys- och planeringsfas", "Genomförandefas", "Totalt"]
    assert costs[2] == [
        "Personalkostnader",
        "100\u00a0000 kr",
        "500\u00a0000 kr",
        "600\u00a0000 kr",
    ]
    assert costs[3][0] == "Schablon 40 % av personalkostnader (beräknas)"
    assert costs[-1] == ["Total budget", "140\u00a0000 kr", "800\u00a0000 kr", "940\u00a0000 kr"]
    financing = tables["Finansiering"]
    assert financing[4] == ["ESF-stöd", "540\u00a0000 kr", "57,4 %"]
    assert tables["Medfinansiering"][-1][-1] == "400\u00a0000 kr"
    assert ["Icke-binära", "2"] in tables["Deltagare"]
    metadata = cells(document.tables[0])
    assert ["Organisationsnummer", "212000-2627"] in metadata


def test_import_leaves_the_budget_tables_out_of_the_text(session):
    actor, idea, draft = make_draft(session, {"budget": "Budgeten beskrivs i tabellerna."})
    save_budget(session, actor, draft, BUDGET, None, check=False)
    data = export_draft(session, actor, idea.id, today=TODAY).data
    parsed = parse_docx(data, load_template("esf_plus"))
    assert parsed.sections["budget"] == "Budgeten beskrivs i tabellerna."


def test_no_budget_no_tables(session):
    actor, idea, _draft = make_draft(session, {"budget": "Text."})
    document = read(export_draft(session, actor, idea.id, today=TODAY).data)
    assert len(document.tables) == 1  # the project details only
