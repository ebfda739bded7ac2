"""A regional project shows its sum: participants, budget and ESF share over its members, the
kommuner covered and not covered, and each member's stage and principle levels."""

from __future__ import annotations

import pytest

from pipeline.models import Municipality, Role, User
from pipeline.queries import regional_sum
from pipeline.services import link_to_regional_project
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user, municipality
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        actor = make_user(session, Role.ACTOR, make_org(session, "Lycksele kommun"))
        support = make_user(session, Role.SUPPORT)
        ume, lyc = municipality(session, "Umeå"), municipality(session, "Lycksele")
        a = make_idea(session, actor, title="A", municipality_ids=[ume.id],
                      participants_women=10, participants_men=5, participants_total=20,
                      budget_total=1_000_000, esf_share=400_000)  # fmt: skip
        b = make_idea(session, actor, title="B", municipality_ids=[ume.id, lyc.id],
                      participants_women=3, participants_men=3, participants_total=6)  # fmt: skip
        gone = make_idea(session, actor, title="C", municipality_ids=[lyc.id],
                         participants_total=100, budget_total=9_000_000)  # fmt: skip
        gone.stage = Stage.WITHDRAWN
        project = link_to_regional_project(session, support, [a, b, gone], new_title="Paraply")
        session.commit()
        return {"support": support.id, "project": project.id}


def test_the_sum_over_the_members(app, world):
    with app.app_context():
        session = db.session()
        from pipeline.queries import get_regional_project

        support = session.get(User, world["support"])
        found = regional_sum(
            session, support, get_regional_project(session, support, world["project"])
        )
        assert (found.members, found.women, found.men, found.total) == (2, 13, 8, 26)
        assert (found.budget, found.without_budget, found.esf, found.without_esf) == (
            1_000_000, 1, 400_000, 1,
        )  # fmt: skip
        assert [m.name for m in found.covered] == ["Lycksele", "Umeå"]
        all_kommuner = session.query(Municipality).count()
        assert len(found.not_covered) == all_kommuner - 2
        assert "Umeå" not in {m.name for m in found.not_covered}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_page_shows_the_sum(app, client, world, lang):
    sign_in(app, client, world["support"])
    client.post("/sprak", data={"locale": lang})
    page = client.get(f"/regionala-projekt/{world['project']}").get_data(as_text=True)
    if lang == "sv":
        assert "26 totalt, varav 13 kvinnor och 8 män" in page
        assert "1\xa0000\xa0000 kr" in page and "1 idé anger ingen budget" in page
        assert "Kommuner som inte ingår" in page and "Summan gäller 2 lokala idéer" in page
    else:
        assert "SEK 1,000,000" in page and "Municipalities not covered" in page
    assert "Sorsele" in page.split('id="h-sum"', 1)[1].split("</dl>", 1)[0]
