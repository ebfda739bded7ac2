"""The budget editor: without JavaScript, input kept on error, history, compare, restore,
conflict, and who may see and change it."""

from __future__ import annotations

import re

import pytest

from drafting.budget.store import current_budget, latest_budget_revision
from drafting.models import Draft
from tests.web import test_drafts
from tests.web.test_drafts import as_
from web import db

world = test_drafts.world  # the same idea in Ansökan skrivs and its people

ROW = {
    "options": "staff_plus_40",
    "costs-0-phase": "genomforande",
    "costs-0-category": "staff",
    "costs-0-description": "Projektledare",
    "costs-0-hours": "1 000",
    "costs-0-annual_cost": "",
    "costs-0-hourly_rate": "500",
    "costs-0-amount": "",
    "costs-0-tags": "jamstalldhet",
    "cofinancing-0-phase": "genomforande",
    "cofinancing-0-kind": "public_cash",
    "cofinancing-0-financier": "Skellefteå kommun",
    "cofinancing-0-amount": "400 000",
    "participants-women": "20",
    "participants-men": "18",
    "participants-non_binary": "2",
    "participants-total": "40",
    # a browser posts every group's field, empty or not
    **{f"participants-groups-{i}": "" for i in range(10)},
    "participants-groups-1": "25",
}


def base(html: str) -> str:
    found = re.search(r'name="base_revision_id" type="hidden" value="(\d*)"', html)
    return found.group(1) if found else ""


def draft_of(app, world):
    with app.app_context():
        session = db.session()
        draft = session.query(Draft).filter_by(idea_id=world.idea).one()
        return current_budget(session, draft), latest_budget_revision(session, draft)


def test_save_shows_totals_and_keeps_a_revision(app, client, world):
    as_(app, client, world, "owner")
    page = client.get(world.url("/budget"))
    assert page.status_code == 200 and "Budget och medfinansiering" in page.text
    response = client.post(world.url("/budget"), data={**ROW, "action": "save"})
    assert response.status_code == 302
    page = client.get(world.url("/budget")).text
    assert "700\u00a0000\u00a0kr" in page  # 500 000 + 40 %
    assert "300\u00a0000\u00a0kr" in page  # ESF support
    assert "Kontrollen hittade inga problem" in page
    budget, revision = draft_of(app, world)
    assert revision.number == 1 and budget.costs[0].tags == ("jamstalldhet",)
    assert budget.participants.non_binary == 2 and budget.participants.groups == {"age_18_29": 25}
    assert re.search(r'<input[^>]*name="participants-groups-1"[^>]*value="25"', page)
    assert base(page) == str(revision.id)


def test_add_row_keeps_what_was_typed_and_saves_nothing(app, client, world):
    as_(app, client, world, "owner")
    response = client.post(world.url("/budget"), data={**ROW, "action": "add_cost"})
    assert response.status_code == 200
    assert 'value="Projektledare"' in response.text
    assert 'name="costs-1-description"' in response.text
    assert draft_of(app, world)[1] is None


def test_mistakes_are_explained_and_input_kept(app, client, world):
    as_(app, client, world, "owner")
    data = {
        **ROW,
        "costs-0-hours": "tusen",
        "cofinancing-0-amount": "-5",
        "participants-men": "många",
        "action": "save",
    }
    response = client.post(world.url("/budget"), data=data)
    assert response.status_code == 400
    assert "Skriv antal timmar" in response.text and "Skriv ett belopp i kronor" in response.text
    assert 'value="tusen"' in response.text and "Inget är sparat" in response.text
    assert "Skriv ett antal personer" in response.text and 'value="många"' in response.text
    assert draft_of(app, world)[1] is None


def test_rule_findings_show_beside_the_form_in_english(app, client, world):
    as_(app, client, world, "owner")
    client.post(
        world.url("/budget"), data={**ROW, "cofinancing-0-amount": "1 000", "action": "save"}
    )
    page = client.get(world.url("/budget")).text
    assert "utlysningen kräver minst 46,0 %" in page
    overview = client.get(world.url()).text
    assert "Budgeten har 1 fel" in overview
    client.post("/sprak", data={"locale": "en"})
    page = client.get(world.url("/budget")).text
    assert "the call requires at least 46,0 %" in page


def test_conflict_page_keeps_yours(app, client, world):
    as_(app, client, world, "owner")
    client.post(world.url("/budget"), data={**ROW, "action": "save"})
    as_(app, client, world, "partner")
    other = {
        **ROW,
        "costs-0-hours": "900",
        "base_revision_id": base(client.get(world.url("/budget")).text),
    }
    assert client.post(world.url("/budget"), data={**other, "action": "save"}).status_code == 302
    as_(app, client, world, "owner")
    stale = {**ROW, "costs-0-hours": "1 200", "base_revision_id": other["base_revision_id"]}
    response = client.post(world.url("/budget"), data={**stale, "action": "save"})
    assert response.status_code == 409
    assert "sparade budgeten medan du arbetade" in response.text
    assert 'value="1\u00a0200' in response.text or 'value="1200' in response.text
    merged = {**stale, "base_revision_id": base(response.text), "action": "save"}
    assert client.post(world.url("/budget"), data=merged).status_code == 302
    assert draft_of(app, world)[1].number == 3


def test_compare_and_restore(app, client, world):
    as_(app, client, world, "owner")
    client.post(world.url("/budget"), data={**ROW, "action": "save"})
    first = draft_of(app, world)[1]
    page = client.get(world.url("/budget")).text
    client.post(
        world.url("/budget"),
        data={
            **ROW,
            "cofinancing-0-amount": "500 000",
            "base_revision_id": base(page),
            "action": "save",
        },
    )
    diff = client.get(world.url("/budget/jamfor?fran=1&till=2")).text
    assert "Borttagen" in diff and "Tillagd" in diff and "Skellefteå kommun" in diff
    response = client.post(world.url(f"/budget/revisioner/{first.id}/aterstall"))
    assert response.status_code == 302
    budget, latest = draft_of(app, world)
    assert latest.restored_from == 1 and budget.cofinancing[0].amount == 400_000_00


@pytest.mark.parametrize(("role", "status"), [("other", 404), ("anonymous", 302)])
def test_strangers_cannot_see_or_save(app, client, world, role, status):
    as_(app, client, world, role)
    assert client.get(world.url("/budget")).status_code == status
    assert client.post(world.url("/budget"), data={**ROW, "action": "save"}).status_code in (
        status,
        400,
    )


def test_excel_download_and_import(app, client, world):
    import io

    as_(app, client, world, "owner")
    client.post(world.url("/budget"), data={**ROW, "action": "save"})
    response = client.get(world.url("/budget.xlsx"))
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "budget-rev1.xlsx" in response.headers["Content-Disposition"]
    upload = {"workbook": (io.BytesIO(response.data), "budget.xlsx")}
    page = client.post(world.url("/budget/excel"), data=upload, content_type="multipart/form-data")
    assert page.status_code == 302  # the same budget: nothing changed
    hostile = {"workbook": (io.BytesIO(b"%PDF-1.4"), "budget.xlsx")}
    page = client.post(world.url("/budget/excel"), data=hostile, content_type="multipart/form-data")
    assert page.status_code == 400 and "inte en Excel-arbetsbok" in page.text
    assert draft_of(app, world)[1].number == 1
