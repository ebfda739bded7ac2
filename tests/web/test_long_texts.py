"""Long texts are never cut: no HTML maxlength on the long fields, and a text over the limit
comes back whole with the counter saying how much too long."""

from __future__ import annotations

import re

import pytest

from drafting.revisions import get_or_create_draft
from pipeline.models import Role
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        actor = make_user(session, Role.ACTOR, make_org(session, "Malå kommun"))
        idea = make_idea(session, actor, title="Lång text")
        idea.stage = Stage.DRAFTING
        get_or_create_draft(session, actor, idea)  # as the move into drafting does
        session.commit()
        return {"actor": actor.id, "idea": idea.id}


def test_the_long_fields_have_no_browser_limit(app, client, world):
    sign_in(app, client, world["actor"])
    for path in ("/ideer/ny", f"/ideer/{world['idea']}/andra", f"/ideer/{world['idea']}"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<textarea[^>]*>", page):
            assert "maxlength=" not in tag.replace("data-maxlength=", ""), (path, tag)
    section = client.get(f"/ideer/{world['idea']}/ansokan/avsnitt/syfte").get_data(as_text=True)
    assert "data-warn-unsaved" in section
    [tag] = re.findall(r'<textarea[^>]*name="text"[^>]*>', section)
    assert "maxlength=" not in tag.replace("data-maxlength=", "")


@pytest.mark.parametrize(("lang", "over"), [("sv", "för många"), ("en", "too many")])
def test_a_pasted_text_over_the_limit_comes_back_whole(app, client, world, lang, over):
    sign_in(app, client, world["actor"])
    client.post("/sprak", data={"locale": lang})
    pasted = "Ord " * 12_500  # 50,000 characters
    response = client.post(
        f"/ideer/{world['idea']}/ansokan/avsnitt/syfte",
        data={"text": pasted, "base_revision_id": ""},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    kept = re.search(r'<textarea[^>]*name="text"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    assert len(kept.strip()) == len(pasted.strip())
    counter = re.search(r'<p class="counter over"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert over in counter
