"""The application editor's pages: who may see and do what, saving, limits, conflicts, diff,
restore, checklists, sign-off and section comments."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from flask import render_template_string
from sqlalchemy import select

from drafting.demo import complete_sections, weak_sections
from drafting.models import ChecklistOverride, Draft, SectionComment, SectionRevision, SignOff
from drafting.review import sign_off as review_sign_off
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.models import IdeaPartner, Role, User
from pipeline.queries import get_idea
from pipeline.services import advance_stage
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db

KEY = "bakgrund_problemanalys"
ROLES = ("anonymous", "owner", "partner", "other", "support", "admin")
VIEWERS = {"owner", "partner", "support", "admin"}


@dataclass(frozen=True)
class World:
    idea: int
    users: dict[str, int]

    def url(self, path: str = "") -> str:
        return f"/ideer/{self.idea}/ansokan{path}"


@pytest.fixture
def world(app) -> World:
    """An idea in Ansökan skrivs with a lead, an editing partner and people around it."""
    with app.app_context():
        session = db.session()
        lead, partner, other = (make_org(session) for _ in range(3))
        users = {
            "owner": make_user(session, Role.ACTOR, lead),
            "partner": make_user(session, Role.ACTOR, partner),
            "other": make_user(session, Role.ACTOR, other),
            "support": make_user(session, Role.SUPPORT),
            "admin": make_user(session, Role.ADMIN),
        }
        idea = make_idea(session, users["owner"], title="Vägar till arbete")
        idea.partners.append(IdeaPartner(organisation_id=partner.id, can_edit=True))
        idea.stage = Stage.DRAFTING
        get_or_create_draft(session, users["owner"], idea)  # as the move into drafting does
        session.commit()
        return World(idea.id, {k: u.id for k, u in users.items()})


def as_(app, client, world: World, role: str):
    return sign_in(app, client, world.users.get(role))


def fill(app, world: World, texts: dict[str, str], role: str = "owner", stage=None) -> None:
    with app.app_context():
        session = db.session()
        from pipeline.models import User

        actor = session.get(User, world.users[role])
        idea = get_idea(session, actor, world.idea)
        draft = get_or_create_draft(session, actor, idea)
        for key, text in texts.items():
            base = latest_revision(session, draft, key)
            save_section(session, actor, draft, key, text, base.id if base else None)
        if stage is not None:
            idea.stage = stage
        session.commit()


def base_id(html: str) -> str:
    match = re.search(r'name="base_revision_id"[^>]*value="(\d*)"', html) or re.search(
        r'value="(\d*)"[^>]*name="base_revision_id"', html
    )
    assert match, "no base revision field"
    return match.group(1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["", f"/avsnitt/{KEY}", "/jamfor"])
def test_who_may_open_the_pages(app, client, world, role, path):
    response = as_(app, client, world, role).get(world.url(path))
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/logga-in" in response.location
    elif role in VIEWERS:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_may_save(app, client, world, role):
    response = as_(app, client, world, role).post(
        world.url(f"/avsnitt/{KEY}"), data={"text": f"Text av {role}.", "base_revision_id": ""}
    )
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/logga-in" in response.location
    elif role in VIEWERS:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
    with app.app_context():
        saved = db.session().scalars(select(SectionRevision.text)).all()
    assert saved == ([f"Text av {role}."] if role in VIEWERS else [])


def test_editor_shows_menu_guidance_counter_and_findings(app, client, world):
    fill(app, world, {KEY: "Vi kommer att beakta jämställdhet."})
    page = as_(app, client, world, "owner").get(world.url(f"/avsnitt/{KEY}"))
    html = page.get_data(as_text=True)
    assert "Analysera problemet utifrån jämställdhet" in html  # guidance
    assert 'data-maxlength="8000"' in html and "34 av 8000 tecken" in html
    assert "Mål och förväntade resultat" in html and "Ifyllt" in html and "Tomt" in html
    assert 'class="level level-' in html and "Jämställdhet" in html
    assert "Vi kommer att beakta jämställdhet." in html


def test_editor_in_english(app, client, world):
    client = as_(app, client, world, "partner")
    client.post("/sprak", data={"locale": "en", "next": "/"})
    html = client.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "Analyse it from the perspectives" in html
    assert "Background and problem analysis" in html


def test_save_then_no_change_then_counted(app, client, world):
    client = as_(app, client, world, "owner")
    response = client.post(
        world.url("/avsnitt/syfte"),
        data={"text": "Syftet är att fler kvinnor och män får arbete.", "base_revision_id": ""},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Sparat som revision 1. 46 av 1500 tecken." in html
    again = client.post(
        world.url("/avsnitt/syfte"),
        data={
            "text": "Syftet är att fler kvinnor och män får arbete.",
            "base_revision_id": base_id(html),
        },
        follow_redirects=True,
    )
    assert "Inga ändringar att spara." in again.get_data(as_text=True)


def test_a_200k_paste_gets_the_limit_message_and_the_text_back(app, client, world):
    huge = ("Lång text med åäö och 🎉 " * 9000)[:200_000]
    response = as_(app, client, world, "owner").post(
        world.url(f"/avsnitt/{KEY}"), data={"text": huge, "base_revision_id": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "får vara högst 8000 tecken" in html and "200000" in html
    assert huge.strip() in html  # nothing lost
    with app.app_context():
        assert db.session().scalars(select(SectionRevision)).all() == []


def test_markup_in_text_is_escaped_everywhere(app, client, world):
    evil = '<script>alert("x")</script> & <b>fet</b>'
    fill(app, world, {KEY: evil, "syfte": "Första."})
    fill(app, world, {KEY: evil + " igen"})
    client = as_(app, client, world, "support")
    for path in [f"/avsnitt/{KEY}", "", "/jamfor?fran=1&till=3"]:
        html = client.get(world.url(path)).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>fet" not in html, path
    html = client.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html


def test_conflict_page_shows_both_texts_and_merges(app, client, world):
    fill(app, world, {KEY: "Ursprung."})
    owner = as_(app, client, world, "owner")
    loaded = base_id(owner.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True))
    fill(app, world, {KEY: "Partnerns ändring."}, role="partner")
    response = owner.post(
        world.url(f"/avsnitt/{KEY}"), data={"text": "Ägarens ändring.", "base_revision_id": loaded}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Partnerns ändring." in html and "Ägarens ändring." in html
    assert "Deras text" in html and "Din text" in html and "<del>" in html
    new_base = base_id(html)
    assert new_base != loaded
    merged = owner.post(
        world.url(f"/avsnitt/{KEY}"),
        data={"text": "Partnerns och ägarens ändring.", "base_revision_id": new_base},
    )
    assert merged.status_code == 302
    with app.app_context():
        texts = db.session().scalars(select(SectionRevision.text).order_by(SectionRevision.id))
        assert list(texts) == ["Ursprung.", "Partnerns ändring.", "Partnerns och ägarens ändring."]


def test_compare_and_restore(app, client, world):
    fill(app, world, {KEY: "Första texten om kvinnor."})
    fill(app, world, {KEY: "Andra texten om män."})
    client = as_(app, client, world, "partner")
    html = client.get(world.url("/jamfor?fran=1&till=2")).get_data(as_text=True)
    assert "<del>Första</del>" in html and "<ins>Andra</ins>" in html
    assert "Bakgrund och problemanalys: +" in html
    assert client.get(world.url("/jamfor?fran=0&till=7")).status_code == 400
    overview = client.get(world.url("")).get_data(as_text=True)
    assert "Återställ revision 1" in overview and "Återställ revision 2" not in overview
    with app.app_context():
        first = db.session().scalars(select(SectionRevision).filter_by(number=1)).one()
    response = client.post(world.url(f"/revisioner/{first.id}/aterstall"), follow_redirects=True)
    assert "Revision 1 återställd som revision 3." in response.get_data(as_text=True)
    other = as_(app, app.test_client(), world, "other")
    assert other.post(world.url(f"/revisioner/{first.id}/aterstall")).status_code == 404


def test_read_only_when_ready(app, client, world):
    fill(app, world, {KEY: "Klar text."}, stage=Stage.READY)
    client = as_(app, client, world, "owner")
    html = client.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "<textarea" in html  # the comment form
    assert "inte ändra det i det här skedet" in html
    response = client.post(
        world.url(f"/avsnitt/{KEY}"), data={"text": "Ändrad.", "base_revision_id": ""}
    )
    assert response.status_code == 400


def _jamstalldhet_rows(app):
    with app.app_context():
        from drafting.review import checklists

        session = db.session()
        return checklists(session, session.scalars(select(Draft)).one())["jamstalldhet"]


def _table_post(rows, **changes):
    """The checklist table as the browser posts it, each row as shown, with `changes`."""
    data = {}
    for row in rows:
        data[f"met-{row.key}"] = "1" if row.met else "0"
        data[f"reason-{row.key}"] = row.decision.reason if row.decision else ""
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ["owner", "partner", "support", "admin"])
def test_checklist_and_level_decisions_are_for_the_team(app, client, world, role):
    fill(app, world, weak_sections())
    client = as_(app, client, world, role)
    overview = client.get(world.url("")).get_data(as_text=True)
    assert "Checklistor" in overview and "Belägg (" not in overview
    rows = _jamstalldhet_rows(app)
    item = rows[0]
    data = _table_post(rows, **{f"met-{item.key}": "1", f"reason-{item.key}": "Se bilaga."})
    response = client.post(world.url("/checklista/jamstalldhet"), data=data)
    level = client.post(
        world.url("/niva"),
        data={"principle": "tillganglighet", "level": "concrete", "reason": "Bilaga 3."},
    )
    with app.app_context():
        decisions = db.session().scalars(select(ChecklistOverride)).all()
    if role in ("support", "admin"):
        assert response.status_code == 302 and level.status_code == 302
        found = [(d.item_key, d.met, d.reason) for d in decisions]
        assert found == [(item.key, True, "Se bilaga.")]  # only the changed row is saved
        overview = client.get(world.url("")).get_data(as_text=True)
        assert "Se bilaga." in overview and "Bilaga 3." in overview
        assert "Spara checklistan för Jämställdhet" in overview
        # The same table posted again changes nothing.
        again = client.post(
            world.url("/checklista/jamstalldhet"), data=_table_post(_jamstalldhet_rows(app))
        )
        assert again.status_code == 302
        with app.app_context():
            assert len(db.session().scalars(select(ChecklistOverride)).all()) == 1
    else:
        assert response.status_code == 403 and level.status_code == 403
        assert decisions == []
        assert "Spara checklistan" not in overview


def test_one_table_per_principle_with_one_button(app, client, world):
    fill(app, world, weak_sections())
    client = as_(app, client, world, "support")
    overview = client.get(world.url("")).get_data(as_text=True)
    rows = _jamstalldhet_rows(app)
    section = overview.split('id="princip-jamstalldhet"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="checklist-table"') == 1
    assert section.count("<button") == 2  # the checklist's one button, and the level's
    assert section.count('type="radio"') == 2 * len(rows)


def test_override_without_reason_is_refused_with_a_message(app, client, world):
    fill(app, world, weak_sections())
    client = as_(app, client, world, "support")
    rows = _jamstalldhet_rows(app)
    item, other = rows[0], rows[1]
    # The checker says "not met" here; choosing "met" overrides it and needs a reason.
    assert not item.auto_met
    data = _table_post(
        rows, **{f"met-{item.key}": "1", f"reason-{item.key}": "  ", f"reason-{other.key}": "Ok."}
    )
    response = client.post(world.url("/checklista/jamstalldhet"), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    rid = f"reason-jamstalldhet-{item.key}"
    row = html.split(f'id="q-jamstalldhet-{item.key}"', 1)[1].split("</tr>", 1)[0]
    assert f'<p class="error-message" id="{rid}-error">Ange ett skäl för beslutet.</p>' in row
    assert re.search(rf'<textarea id="{rid}"[^>]*aria-invalid="true"[^>]*autofocus', row)
    assert re.search(rf'name="met-{item.key}" value="1" checked', row)
    assert ">Ok.</textarea>" in html  # the other row's reason is kept too
    assert html.count("autofocus") == 1
    with app.app_context():
        assert db.session().scalars(select(ChecklistOverride)).all() == []
    # The level form: its reason, kept at its field.
    response = client.post(
        world.url("/niva"), data={"principle": "tillganglighet", "level": "concrete"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="level-reason-tillganglighet-error">Ange ett skäl' in html
    assert re.search(r'<option selected value="concrete">|<option value="concrete" selected', html)


@pytest.mark.parametrize("role", ["owner", "support"])
def test_sign_off_button_and_post(app, client, world, role):
    fill(app, world, complete_sections(), stage=Stage.REVIEW)
    client = as_(app, client, world, role)
    overview = client.get(world.url("")).get_data(as_text=True)
    response = client.post(world.url("/godkann"))
    with app.app_context():
        rows = db.session().scalars(select(SignOff)).all()
    if role == "support":
        assert "Godkänn revision" in overview
        assert response.status_code == 302 and len(rows) == 1
        html = client.get(world.url("")).get_data(as_text=True)
        assert "Återkalla godkännandet" in html
        client.post(world.url("/godkann/aterkalla"))
        with app.app_context():
            assert db.session().scalars(select(SignOff)).one().revoked_at is not None
    else:
        assert "Godkänn revision" not in overview
        assert response.status_code == 403 and rows == []


def test_section_comments_shared_internal_and_resolved(app, client, world):
    fill(app, world, {"syfte": "Syftet är att fler får arbete."})
    partner = as_(app, client, world, "partner")
    partner.post(
        world.url("/avsnitt/syfte/kommentarer"),
        data={"body": "Skärp <em>syftet</em>.", "quote": "fler får arbete"},
    )
    support = as_(app, app.test_client(), world, "support")
    support.post(
        world.url("/avsnitt/syfte/kommentarer"), data={"body": "Internt: svagt.", "internal": "y"}
    )
    owner = as_(app, app.test_client(), world, "owner")
    sneaky = owner.post(
        world.url("/avsnitt/syfte/kommentarer"),
        data={"body": "Försöker smyga.", "internal": "y"},
    )
    assert sneaky.status_code == 403
    html = owner.get(world.url("/avsnitt/syfte")).get_data(as_text=True)
    assert "Skärp &lt;em&gt;syftet&lt;/em&gt;." in html and "fler får arbete" in html
    assert "Internt: svagt." not in html
    assert "1 kommentar" in html
    team_html = support.get(world.url("/avsnitt/syfte")).get_data(as_text=True)
    assert "Internt: svagt." in team_html
    with app.app_context():
        comments = db.session().scalars(select(SectionComment).order_by(SectionComment.id)).all()
    assert [c.visibility.value for c in comments] == ["shared", "internal"]
    assert owner.post(world.url(f"/kommentarer/{comments[1].id}/los")).status_code == 404
    response = owner.post(world.url(f"/kommentarer/{comments[0].id}/los"), follow_redirects=True)
    assert "Kommentaren är löst." in response.get_data(as_text=True)
    other = as_(app, app.test_client(), world, "other")
    stranger = other.post(world.url("/avsnitt/syfte/kommentarer"), data={"body": "x"})
    assert stranger.status_code == 404
    empty = owner.post(world.url("/avsnitt/syfte/kommentarer"), data={"body": ""})
    assert empty.status_code == 400 and "Skriv en kommentar." in empty.get_data(as_text=True)


def test_level_history_on_the_overview(app, client, world):
    fill(app, world, {KEY: "Vi kommer att beakta tillgänglighet vid behov."})
    fill(app, world, {KEY: complete_sections()[KEY]})
    html = as_(app, client, world, "owner").get(world.url("")).get_data(as_text=True)
    assert re.search(r"Tillgänglighet: \w+ → (Konkret|Integrerad) sedan revision 2", html)


def test_idea_panel_include(app, world):
    fill(app, world, complete_sections())
    with app.test_request_context():
        session = db.session()
        from pipeline.models import User

        idea = get_idea(session, session.get(User, world.users["owner"]), world.idea)
        html = render_template_string('{% include "drafts/_idea_panel.html" %}', idea=idea)
    assert "Öppna ansökan" in html and f"/ideer/{world.idea}/ansokan" in html
    assert "Jämställdhet" in html and "level-" in html


def test_no_draft_before_drafting(app, client, world):
    with app.app_context():
        session = db.session()
        early = make_idea(session, session.get(User, world.users["owner"]), title="Tidig idé")
        session.commit()
        early_id = early.id
    response = as_(app, client, world, "owner").get(f"/ideer/{early_id}/ansokan")
    assert response.status_code == 409
    assert "Ansökan påbörjas när idén når skedet" in response.get_data(as_text=True)


def test_the_section_page_shows_the_evidence_of_its_levels(app, client, world):
    fill(app, world, {KEY: complete_sections()[KEY]})
    owner = as_(app, client, world, "owner")
    html = owner.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "Belägg i avsnittet" in html
    assert re.search(r"Jämställdhet</span>, analys: <mark>I Lycksele är 62 procent", html)
    fill(app, world, {KEY: "Vi arbetar med jämställdhetsintegrering och 3R-metoden."})
    html = owner.get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "Belägg i avsnittet" not in html and "Metodnamn utan innehåll" in html


def test_read_only_text_marks_its_evidence(app, client, world):
    fill(app, world, complete_sections(), stage=Stage.READY)
    html = as_(app, client, world, "owner").get(world.url(f"/avsnitt/{KEY}")).get_data(as_text=True)
    assert "inte ändra det i det här skedet" in html
    section = html.split('<div class="section-text">', 1)[1].split("</div>", 1)[0]
    assert "<mark>I Lycksele är 62 procent av de långtidsarbetslösa kvinnor" in section


def test_marked_segments_skip_spans_that_no_longer_fit():
    from web.drafts.views import marked_segments

    text = "Ett. Två tre. Fyra."
    assert marked_segments(text, [(5, 13)]) == [
        ("Ett. ", False),
        ("Två tre.", True),
        (" Fyra.", False),
    ]
    assert marked_segments(text, [(5, 13), (7, 9), (15, 99)]) == [
        ("Ett. ", False),
        ("Två tre.", True),
        (" Fyra.", False),
    ]
    assert marked_segments("", []) == []


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_resubmitting_unchanged_needs_a_reply_shown_in_the_history(app, client, world, lang):
    fill(app, world, complete_sections(), stage=Stage.REVIEW)
    with app.app_context():
        session = db.session()
        draft = session.scalars(select(Draft)).one()
        for revision in session.scalars(select(SectionRevision)):
            revision.created_at -= dt.timedelta(minutes=5)  # saved well before the request
        support = session.get(User, world.users["support"])
        review_sign_off(session, support, draft)
        advance_stage(session, support, draft.idea, Stage.CHANGES_REQUESTED, "Förtydliga.")
        session.commit()
    client = as_(app, client, world, "owner")
    client.post("/sprak", data={"locale": lang})
    idea_page = client.get(f"/ideer/{world.idea}").get_data(as_text=True)
    assert ("skriv här varför inget behöver ändras" if lang == "sv" else "say here why") in (
        idea_page
    )
    response = client.post(f"/ideer/{world.idea}/flytta", data={"target": "review", "comment": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert ("inte ändrats sedan kompletteringen" if lang == "sv" else "has not changed since") in (
        html
    )
    overview = client.get(world.url("")).get_data(as_text=True)
    assert ("komplettering begärdes" if lang == "sv" else "changes were requested") in overview
    assert ("har inte ändrats sedan kompletteringen" if lang == "sv" else "has not changed") in (
        overview
    )
    with app.app_context():
        session = db.session()
        owner = session.get(User, world.users["owner"])
        draft = session.scalars(select(Draft)).one()
        base = latest_revision(session, draft, "syfte")
        save_section(session, owner, draft, "syfte", "Syftet, förtydligat.", base.id)
        number = draft.revision_count
        session.commit()
    overview = client.get(world.url("")).get_data(as_text=True)
    assert f"/jamfor?fran={number - 1}&amp;till={number}" in overview
    compare = client.get(world.url(f"/jamfor?fran={number - 1}&till={number}"))
    assert "förtydligat" in compare.get_data(as_text=True)
    response = client.post(
        f"/ideer/{world.idea}/flytta",
        data={"target": "review", "comment": "Budgeten är redan uppdelad per år."},
    )
    assert response.status_code == 302
    team = as_(app, client, world, "support")
    assert "Budgeten är redan uppdelad per år." in team.get(f"/ideer/{world.idea}").get_data(
        as_text=True
    )
