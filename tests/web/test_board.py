"""The board, the list and regional projects: filters, sorting, paging, grouping, speed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, insert, select

from pipeline.models import Call, ProjectIdea, Role, idea_municipality, utcnow
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        ume_org, ske_org = make_org(session, "Umeå kommun"), make_org(session, "Skellefteå AB")
        users = {
            "actor": make_user(session, Role.ACTOR, ume_org),
            "ske": make_user(session, Role.ACTOR, ske_org),
            "support": make_user(session, Role.SUPPORT),
        }
        call = Call(
            name="Kompetens 2026",
            diarienummer="2026/5",
            programme_area="A",
            opens=dt.date(2026, 1, 1),
            closes=dt.date(2026, 12, 1),
            region="Övre Norrland",
        )
        session.add(call)
        session.flush()
        ume = make_idea(
            session,
            users["actor"],
            title="Älvdalens lärcentrum",
            call_id=call.id,
            programme_area="2021-2027:A",
        )
        ske = make_idea(
            session,
            users["ske"],
            title="Nya jobb i norr",
            municipality_ids=[municipality(session, "Skellefteå").id],
        )
        session.commit()
        return {
            "call": call.id,
            "ume": ume.id,
            "ske": ske.id,
            "ske_org": ske_org.id,
            "skellefteå": municipality(session, "Skellefteå").id,
            **{k: u.id for k, u in users.items()},
        }


def test_board_has_a_column_per_stage_with_counts(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get("/tavla").get_data(as_text=True)
    assert page.count('class="board-column"') == len(Stage)
    assert 'Idé <span class="count">(2)</span>' in page
    assert "Älvdalens lärcentrum" in page and "Kompetens 2026" in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=%C3%84LVDALENS", "Älvdalens", "Nya jobb"),  # case-insensitive, å/ä/ö too
        ("kommun={skellefteå}", "Nya jobb", "Älvdalens"),
        ("org={ske_org}", "Nya jobb", "Älvdalens"),
        ("utlysning={call}", "Älvdalens", "Nya jobb"),
        (
            "omrade=2021-2027%3AA",
            "Älvdalens",
            "Nya jobb",
        ),
        ("skede=prestudy", None, "Älvdalens"),
        ("kommun=nonsense&org=-1&utlysning=99999999999&skede=nope&q=", "Älvdalens", None),
    ],
)
def test_filters_are_kept_in_the_url(app, client, world, query, shown, hidden):
    sign_in(app, client, world["support"])
    query = query.format(**world)
    for path in ("/tavla", "/ideer"):
        page = client.get(f"{path}?{query}").get_data(as_text=True)
        body = page.split('role="search"', 1)[1].split("</form>", 1)[1]
        if shown:
            assert shown in body, path
        if hidden:
            assert hidden not in body, path


def test_board_move_is_a_form_with_the_allowed_targets(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get("/tavla?skede=idea").get_data(as_text=True)
    assert f'action="/ideer/{world["ume"]}/flytta"' in page
    assert 'value="prestudy"' in page and 'name="next" value="/tavla?skede=idea"' in page


def test_column_links_to_the_full_filtered_list(app, client, world):
    with app.app_context():
        session = db.session()
        actor = session.get(type(session.get(ProjectIdea, world["ume"]).created_by), world["actor"])
        for i in range(12):
            make_idea(session, actor, title=f"Mängd {i:02d}")
        session.commit()
    sign_in(app, client, world["support"])
    page = client.get("/tavla?q=m%C3%A4ngd").get_data(as_text=True)
    assert page.count('class="card"') == 10
    assert "/ideer?skede=idea&amp;sortera=days&amp;ordning=fallande&amp;q=m%C3%A4ngd" in page


def test_list_sorts_and_pages(app, client, world):
    with app.app_context():
        session = db.session()
        actor = session.get(type(session.get(ProjectIdea, world["ume"]).created_by), world["actor"])
        for i in range(60):
            make_idea(session, actor, title=f"Idé {i:02d}")
        session.commit()
    sign_in(app, client, world["support"])
    page = client.get("/ideer?sortera=title&ordning=stigande").get_data(as_text=True)
    assert page.index("Idé 00") < page.index("Idé 01") and "Idé 59" not in page
    assert 'aria-sort="ascending"' in page and "sida=2" in page
    page = client.get("/ideer?sortera=title&ordning=stigande&sida=2").get_data(as_text=True)
    assert "Idé 59" in page and "Sida 2 av 2" in page
    for key in ("stage", "days", "lead", "updated", "nonsense"):
        assert client.get(f"/ideer?sortera={key}&sida=abc").status_code == 200


def test_actor_gets_their_list_instead_of_the_board(app, client, world):
    sign_in(app, client, world["actor"])
    response = client.get("/tavla")
    assert response.status_code == 302 and response.location.endswith("/ideer")
    page = client.get("/ideer").get_data(as_text=True)
    assert "Älvdalens" in page and "Nya jobb" not in page
    assert 'name="idea_ids"' not in page


def test_team_gathers_ideas_into_a_regional_project(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get("/ideer").get_data(as_text=True)
    assert 'name="idea_ids"' in page
    response = client.post(
        "/regionala-projekt/samla",
        data={"idea_ids": [str(world["ume"]), str(world["ske"])], "new_title": "Norrlandslyftet"},
    )
    assert response.status_code == 302
    project_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(response.location).get_data(as_text=True)
    assert "Älvdalens" in page and "Nya jobb" in page and "Idé" in page
    board = client.get("/tavla").get_data(as_text=True)
    assert "Del av Norrlandslyftet" in board
    idea_page = client.get(f"/ideer/{world['ume']}").get_data(as_text=True)
    assert "Norrlandslyftet" in idea_page and "Nya jobb" in idea_page
    response = client.post(f"/regionala-projekt/{project_id}/ta-bort/{world['ske']}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session().get(ProjectIdea, world["ske"]).regional_project_id is None
    assert "Norrlandslyftet" in client.get("/regionala-projekt").get_data(as_text=True)


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"idea_ids": "1", "new_title": ""},
        {"idea_ids": "abc", "new_title": "x"},
        {"idea_ids": "999999", "new_title": "x"},
        {"idea_ids": "1", "regional_id": "999999"},
        {"idea_ids": "1", "regional_id": "1"},
        {"idea_ids": "1", "new_title": "x" * 201},
    ],
)
def test_bad_gathering_is_explained_not_a_500(app, client, world, form):
    sign_in(app, client, world["support"])
    response = client.post("/regionala-projekt/samla", data=form)
    if response.status_code == 302:  # an idea the list cannot show: back to the list
        assert response.location.endswith("/ideer")
    else:  # the list again, with the message at the gathering form
        assert response.status_code == 400
        assert 'class="error-message"' in response.get_data(as_text=True).split('id="samla"')[1]
    with app.app_context():
        assert not db.session().scalars(select(ProjectIdea).filter_by(is_regional=True)).all()


def _bulk_ideas(app, count: int, org_id: int) -> None:
    """Add `count` ideas spread over the stages, each in one kommun, with core inserts.

    Every idea has waited more than a month, so that each list on the team's start page has
    rows whatever `count` is (an empty list needs no second query for its kommuner).
    """
    with app.app_context():
        session = db.session()
        muni = municipality(session, "Umeå").id
        now = utcnow()
        stages = list(Stage)
        start = (session.scalar(select(ProjectIdea.id).order_by(ProjectIdea.id.desc())) or 0) + 1
        rows = [
            {
                "id": start + i,
                "title": f"Bulk {i}",
                "lead_organisation_id": org_id,
                "stage": stages[i % len(stages)].value,
                "stage_changed_at": now - dt.timedelta(days=31 + i % 90),
                "created_at": now,
                "updated_at": now,
            }
            for i in range(count)
        ]
        session.execute(insert(ProjectIdea.__table__), rows)
        session.execute(
            insert(idea_municipality), [{"idea_id": r["id"], "municipality_id": muni} for r in rows]
        )
        session.commit()


def _statements(app, client, path: str) -> int:
    engine = app.extensions["framsyn.engine"]
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("path", ["/tavla", "/ideer", "/ideer?sortera=lead", "/", "/tavla?q=bulk"])
def test_query_count_does_not_grow_with_the_data(app, client, world, path):
    sign_in(app, client, world["support"])
    with app.app_context():
        org_id = db.session().get(ProjectIdea, world["ume"]).lead_organisation_id
    _bulk_ideas(app, 5, org_id)
    few = _statements(app, client, path)
    _bulk_ideas(app, 200, org_id)
    many = _statements(app, client, path)
    assert few == many, f"{path}: {few} statements with few ideas, {many} with many"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("sv", "Välj ett regionalt projekt eller skriv ett namn på ett nytt."),
        ("en", "Choose a regional project or write the name of a new one."),
    ],
)
def test_gathering_without_a_name_keeps_the_ticked_ideas(app, client, world, lang, message):
    sign_in(app, client, world["support"])
    client.post("/sprak", data={"locale": lang})
    back = "/ideer?sortera=title&ordning=stigande"
    response = client.post(
        "/regionala-projekt/samla",
        data={"idea_ids": [str(world["ume"]), str(world["ske"])], "new_title": " ", "next": back},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for idea_id in (world["ume"], world["ske"]):
        assert f'value="{idea_id}" id="pick-{idea_id}" checked' in page
    gather = page.split('id="samla"', 1)[1]
    assert f'<p class="error-message" id="new_title-error">{message}</p>' in gather
    assert re.search(r'<input[^>]*id="new_title"[^>]*aria-invalid="true"[^>]*autofocus', gather)
    assert 'name="next" value="/ideer?sortera=title&amp;ordning=stigande"' in page
    assert 'aria-sort="ascending"' in page  # the list as it was: sorted by title
    with app.app_context():
        assert not db.session().scalars(select(ProjectIdea).filter_by(is_regional=True)).all()


def test_a_regional_project_highlights_its_own_menu_entry(app, client, world):
    sign_in(app, client, world["support"])
    response = client.post(
        "/regionala-projekt/samla",
        data={"idea_ids": [str(world["ume"])], "new_title": "Menylyftet"},
    )
    page = client.get(response.location).get_data(as_text=True)
    nav = page.split('class="nav"', 1)[1].split("</ul>", 1)[0]
    current = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', nav)
    assert current == [("/regionala-projekt", "Regionala projekt")]
    board = client.get("/tavla").get_data(as_text=True).split('class="nav"', 1)[1]
    assert re.findall(r'aria-current="page">([^<]+)<', board.split("</ul>", 1)[0]) == ["Tavla"]


def test_compact_board_shows_title_and_kommuner_and_is_remembered(app, client, world):
    sign_in(app, client, world["support"])
    full = client.get("/tavla").get_data(as_text=True)
    assert 'class="card-meta"' in full and "Kompetens 2026" in full
    compact = client.get("/tavla?visning=kompakt&q=Nya").get_data(as_text=True)
    assert 'class="board compact"' in compact
    assert 'class="card-meta"' not in compact and "/flytta" not in compact
    assert "Nya jobb i norr" in compact and '<p class="card-munis">' in compact
    assert "Skellefteå" in compact.split('<p class="card-munis">', 1)[1].split("</p>", 1)[0]
    assert 'href="/tavla?visning=full&amp;q=Nya"' in compact  # the toggle keeps the filters
    assert 'class="board compact"' in client.get("/tavla").get_data(as_text=True)
    assert 'class="board compact"' not in client.get("/tavla?visning=full").get_data(as_text=True)
    assert 'class="board compact"' not in client.get("/tavla").get_data(as_text=True)
    assert 'class="board"' in client.get("/tavla?visning=nonsense").get_data(as_text=True)


def test_board_lists_the_stages_to_jump_to_with_counts(app, client, world):
    sign_in(app, client, world["support"])
    page = client.get("/tavla").get_data(as_text=True)
    jump = page.split('class="stage-jump"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="#col-([a-z_]+)">', jump)
    assert links == [s.value for s in Stage]
    assert all(f'id="col-{s.value}"' in page for s in Stage)
    assert '<a href="#col-idea">Idé <span class="count">(2)</span></a>' in jump
    assert re.search(r'class="board-scroll" role="region" aria-label="[^"]+" tabindex="0"', page)
