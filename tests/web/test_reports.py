"""Report pages, charts and downloads: who may see them, the numbers, the files read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from pipeline.models import ProjectIdea
from tests.drafting.test_coverage import build_drafts
from tests.pipeline.test_reports import World, build_world
from tests.web.people import sign_in
from web import db
from web.reports.exports import safe_text, to_csv, to_xlsx
from web.reports.tables import DATE, INT, SEK, Column, Table

# The world's dates are in 2026; a period covering them keeps the numbers independent of today.
PERIOD = "fran=2025-01-01&till=2026-12-31"
PAGES = ["tratt", "regional-balans", "principer", "deltagare", "budget"]
CHARTS = {
    "budget": [],
    "tratt": ["tratt-nu", "tratt-perioden", "tratt-median"],
    "regional-balans": ["balans-kommuner", "balans-esf", "balans-organisationstyper"],
    "principer": ["principer", "brister"],
    "deltagare": ["deltagare-utlysningar", "deltagare-kommuner"],
}


@dataclass
class Ids:
    support: int
    admin: int
    actor: int
    world: World


@pytest.fixture
def ids(app) -> Ids:
    from pipeline.models import Role, User

    with app.app_context():
        session = db.session()
        world = build_world(session)
        build_drafts(session, world)
        admin = User(name="Ada Admin", email="ada@report.example.se", role=Role.ADMIN)
        session.add(admin)
        session.commit()
        return Ids(world.support.id, admin.id, world.actor.id, world)


def as_(app, client, ids: Ids, who: str):
    return sign_in(
        app,
        client,
        {"support": ids.support, "admin": ids.admin, "actor": ids.actor, "anonymous": None}[who],
    )


def english(app, client, user_id: int) -> None:
    from pipeline.models import User

    with app.app_context():
        session = db.session()
        session.get(User, user_id).locale = "en"
        session.commit()


def read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data))


# --- Who may see them --------------------------------------------------------------------------


def _urls() -> list[str]:
    urls = []
    for slug in PAGES:
        urls += [f"/rapporter/{slug}", f"/rapporter/{slug}.xlsx"]
        urls += [f"/rapporter/diagram/{slug}/{name}.svg" for name in CHARTS[slug]]
    urls += ["/rapporter/tratt/skeden.csv", "/rapporter/deltagare/kommuner.csv", "/rapporter"]
    return urls


@pytest.mark.parametrize("who", ["anonymous", "actor", "support", "admin"])
def test_who_may_open_the_reports(app, client, ids, who):
    as_(app, client, ids, who)
    for url in _urls():
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/konto/logga-in" in response.location, url
        elif who == "actor":
            assert response.status_code == 403, url
        else:
            assert response.status_code in (200, 302), (url, response.status_code)


def test_menu_entry_only_for_the_team(app, client, ids):
    as_(app, client, ids, "actor")
    assert 'href="/rapporter"' not in client.get("/").get_data(as_text=True)
    as_(app, client, ids, "support")
    assert 'href="/rapporter"' in client.get("/").get_data(as_text=True)


def test_unknown_report_chart_or_table_is_404(app, client, ids):
    as_(app, client, ids, "support")
    assert client.get("/rapporter/finns-inte").status_code == 404
    assert client.get("/rapporter/diagram/tratt/finns-inte.svg").status_code == 404
    assert client.get("/rapporter/tratt/finns-inte.csv").status_code == 404


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", PAGES)
def test_page_has_charts_summaries_tables_and_no_inline_code(app, client, ids, slug):
    as_(app, client, ids, "support")
    html = client.get(f"/rapporter/{slug}?{PERIOD}").get_data(as_text=True)
    assert "<table" in html and "<caption" in html
    for name in CHARTS[slug]:
        assert f"/rapporter/diagram/{slug}/{name}.svg?" in html
    assert len(re.findall(r"<img [^>]*alt=\"[^\"]{20,}\"", html)) == len(CHARTS[slug])
    assert len(re.findall(r"<figcaption", html)) == len(CHARTS[slug])
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_balance_page_names_every_kommun_and_marks_the_empty_ones_in_words(app, client, ids):
    as_(app, client, ids, "support")
    html = client.get(f"/rapporter/regional-balans?{PERIOD}").get_data(as_text=True)
    assert "12 av 15 kommuner har inget i pipelinen" in html
    row = re.search(r'<tr class="row-marked">\s*<th scope="row">Sorsele</th>(.*?)</tr>', html, re.S)
    assert row and "Inget i pipelinen" in row.group(1)
    assert not re.search(r'<tr class="row-marked">\s*<th scope="row">Umeå</th>', html)


def test_filters_are_kept_in_the_url(app, client, ids):
    as_(app, client, ids, "support")
    c1 = ids.world.call["c1"]
    html = client.get(f"/rapporter/deltagare?{PERIOD}&utlysning={c1}").get_data(as_text=True)
    assert f'<option value="{c1}" selected>' in html
    assert f"utlysning={c1}" in html  # in the links to the other reports, charts and files
    assert 'value="2025-01-01"' in html


def test_bad_filter_values_are_ignored(app, client, ids):
    as_(app, client, ids, "support")
    response = client.get(
        "/rapporter/tratt?fran=igår&till=2026-99-01&kommun=x&utlysning=-1&stillastaende=0"
    )
    assert response.status_code == 200


def test_funnel_page_lists_the_stalled_ideas_with_links(app, client, ids):
    as_(app, client, ids, "support")
    html = client.get(f"/rapporter/tratt?{PERIOD}").get_data(as_text=True)
    assert f'href="/ideer/{ids.world.idea["A"]}"' in html


def test_pages_in_english(app, client, ids):
    english(app, client, ids.support)
    as_(app, client, ids, "support")
    html = client.get(f"/rapporter/regional-balans?{PERIOD}").get_data(as_text=True)
    assert "Nothing in the pipeline" in html and "Regional balance" in html
    html = client.get(f"/rapporter/principer?{PERIOD}").get_data(as_text=True)
    assert "Gender equality" in html and "Integrated" in html
    data = client.get(f"/rapporter/deltagare/kommuner.csv?{PERIOD}").data
    assert read_csv(data, ",")[0][:3] == ["Municipality", "Ideas", "Women"]


# --- Charts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", PAGES)
def test_charts_are_svg_documents_without_script_permission(app, client, ids, slug):
    as_(app, client, ids, "support")
    for name in CHARTS[slug]:
        response = client.get(f"/rapporter/diagram/{slug}/{name}.svg?{PERIOD}")
        assert response.mimetype == "image/svg+xml"
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'none'" in csp and "default-src 'none'" in csp
        svg = response.get_data(as_text=True)
        assert svg.startswith("<?xml") and "<svg" in svg
        assert "<title>" in svg
        assert "kozea.github.io" not in svg and "http://" not in svg.split("<svg", 1)[1][:0]


def test_chart_prints_its_values_and_labels(app, client, ids):
    as_(app, client, ids, "support")
    svg = client.get(f"/rapporter/diagram/deltagare/deltagare-kommuner.svg?{PERIOD}").get_data(
        as_text=True
    )
    assert "Planerade deltagare per kommun" in svg
    assert "Umeå" in svg and "Sorsele" in svg
    assert ">16<" in svg and ">12<" in svg  # Umeå's women and men printed on the bars
    assert "Kvinnor" in svg and "Män" in svg  # the legend names the series
    assert 'pattern id="fp1"' in svg  # series differ by pattern, not colour alone


# --- Downloads ---------------------------------------------------------------------------------


def test_participants_csv_read_back(app, client, ids):
    as_(app, client, ids, "support")
    response = client.get(f"/rapporter/deltagare/kommuner.csv?{PERIOD}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert rows[0] == [
        "Kommun", "Idéer", "Kvinnor", "Män", "Kön ej angivet", "Deltagare totalt",
        "Andel kvinnor (%)", "Idéer utan angivet antal",
    ]  # fmt: skip
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert len(by_name) == 15
    assert by_name["Umeå"] == ["3", "16", "12", "7", "35", "57,1", "0"]
    assert by_name["Sorsele"] == ["0", "0", "0", "0", "0", "", "0"]


def test_balance_xlsx_read_back_with_types(app, client, ids):
    as_(app, client, ids, "support")
    response = client.get(f"/rapporter/regional-balans.xlsx?{PERIOD}")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = read_xlsx(response.data)
    assert book.sheetnames == ["Kommuner", "Organisationstyper"]
    sheet = book["Kommuner"]
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "Kommun", "Status", "Aktiva idéer", "Idéer totalt", "Projektägare i kommunen",
        "Samverkanspart i kommunen", "ESF-stöd planerat i aktiva idéer", "ESF-stöd sökt",
        "ESF-stöd beviljat",
    ]  # fmt: skip
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 15
    assert rows["Lycksele"][2:9] == (2, 2, 2, 0, 480_000, 400_000, 350_000)
    assert rows["Sorsele"][1] == "Inget i pipelinen"
    assert isinstance(rows["Umeå"][7], int)
    assert sheet.cell(row=2, column=8).number_format == "#,##0"


def test_funnel_xlsx_has_days_as_numbers_and_dates_as_dates(app, client, ids):
    as_(app, client, ids, "support")
    book = read_xlsx(client.get(f"/rapporter/tratt.xlsx?{PERIOD}").data)
    assert book.sheetnames == ["Idéer per skede", "Stillastående idéer"]
    stages = {r[0]: r for r in book["Idéer per skede"].iter_rows(min_row=2, values_only=True)}
    assert stages["Inskickad"][4] == 123.0
    stalled = list(book["Stillastående idéer"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in stalled][:1] == ["Alfa"]
    assert isinstance(stalled[0][3], dt.datetime)  # openpyxl reads dates as datetimes


def test_coverage_csv_and_xlsx_agree(app, client, ids):
    as_(app, client, ids, "support")
    rows = read_csv(client.get(f"/rapporter/principer/principer.csv?{PERIOD}").data)
    assert rows[1] == ["Jämställdhet", "0", "1", "2", "1", "4", "75,0"]
    book = read_xlsx(client.get(f"/rapporter/principer.xlsx?{PERIOD}").data)
    first = next(book["Principer"].iter_rows(min_row=2, values_only=True))
    assert first == ("Jämställdhet", 0, 1, 2, 1, 4, 75.0)
    findings = list(book["Vanligaste bristerna"].iter_rows(min_row=2, values_only=True))
    assert findings[0][:3] == ("Likabehandling och icke-diskriminering: principen saknas", 3, 3)


def test_idea_list_export_uses_the_list_filters(app, client, ids):
    as_(app, client, ids, "support")
    lycksele = ids.world.kommun["Lycksele"]
    rows = read_csv(
        client.get(f"/rapporter/idelista.csv?kommun={lycksele}&sortera=title&ordning=stigande").data
    )
    assert rows[0][:3] == ["Id", "Titel", "Skede"]
    assert [r[1] for r in rows[1:]] == ["Gamma", "Zeta"]
    assert rows[1][5] == "Lycksele"
    assert rows[2][5] == "Lycksele, Umeå"
    book = read_xlsx(client.get("/rapporter/idelista.xlsx?skede=submitted").data)
    sheet = book.active
    only = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in only] == ["Beta"]
    assert only[0][14] == dt.datetime(2026, 4, 1)  # Inskickad as a date
    assert only[0][9] == 300_000


def test_an_actor_exports_only_their_own_ideas(app, client, ids):
    as_(app, client, ids, "actor")
    rows = read_csv(client.get("/rapporter/idelista.csv?sortera=title&ordning=stigande").data)
    assert [r[1] for r in rows[1:]] == ["Alfa", "Beta", "Delta"]


# --- Formula injection -------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_text_defuses_formula_starts(start):
    assert safe_text(f"{start}1+1") == f"'{start}1+1"
    assert safe_text("Umeå = bra") == "Umeå = bra"


def test_exported_cells_cannot_become_formulas(app, client, ids):
    with app.app_context():
        session = db.session()
        idea = session.get(ProjectIdea, ids.world.idea["E"])
        idea.title = '=HYPERLINK("http://evil.example","klicka")'
        idea.programme_area = "@SUM(A1)"
        session.commit()
    as_(app, client, ids, "support")
    rows = read_csv(client.get("/rapporter/idelista.csv").data)
    row = next(r for r in rows if "HYPERLINK" in r[1])
    assert row[1] == '\'=HYPERLINK("http://evil.example","klicka")'
    assert row[7] == "'@SUM(A1)"
    data = client.get("/rapporter/idelista.xlsx").data
    sheet = read_xlsx(data).active
    cells = [c for r in sheet.iter_rows(min_row=2) for c in r if "HYPERLINK" in str(c.value)]
    # The text as written, no apostrophe shown, typed as a string, so never a formula.
    assert [c.value for c in cells] == ['=HYPERLINK("http://evil.example","klicka")']
    assert all(c.data_type == "s" for c in cells)
    area = next(c for r in sheet.iter_rows(min_row=2) for c in r if c.value == "@SUM(A1)")
    assert area.data_type == "s"
    assert b"<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> bytes:
    """The first worksheet's XML inside the XLSX (a formula would be an <f> element)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_writers_keep_numbers_typed_and_text_safe():
    table = Table(
        "t",
        "Test: [a]/b?",
        [Column("Namn"), Column("Antal", INT), Column("Kronor", SEK), Column("Dag", DATE)],
        [["-minus", -5, 1_000_000, dt.date(2026, 1, 2)], ["\tflik", 0, None, None]],
    )
    rows = read_csv(to_csv(table))
    assert rows[1] == ["'-minus", "-5", "1000000", "2026-01-02"]
    assert rows[2] == ["'\tflik", "0", "", ""]
    book = read_xlsx(to_xlsx([table, table]))
    assert book.sheetnames == ["Test a b", "Test a b (2)"]
    values = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert values[0] == ("-minus", -5, 1_000_000, dt.datetime(2026, 1, 2))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_xlsx_writes_formula_like_text_as_typed_strings(start):
    text = f"{start}SUM(A1:A2)"
    table = Table("t", "T", [Column(f"{start}Rubrik"), Column("Antal", INT)], [[text, 3]])
    data = to_xlsx([table])
    sheet = read_xlsx(data).active
    heading, cell = sheet["A1"], sheet["A2"]
    assert (heading.value, heading.data_type) == (f"{start}Rubrik", "s")
    assert (cell.value, cell.data_type) == (text, "s")
    assert not str(cell.value).startswith("'")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (3, "n")
    assert b"<f>" not in _sheet_xml(data)
