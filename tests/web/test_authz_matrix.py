"""Every idea, board and regional-project route x every role, with the status each gets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from pipeline.models import Role
from pipeline.services import link_to_regional_project
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db

ROLES = ("anonymous", "owner", "partner", "unrelated", "support", "admin")
LOGIN = "login"  # a redirect to the sign-in page
LIST = "list"  # a redirect to the user's idea list


@dataclass(frozen=True)
class World:
    users: dict[str, int]
    idea: int
    member: int
    regional: int


def build_world(app: Flask) -> World:
    """An idea led by one organisation with another as partner, and a regional project."""
    with app.app_context():
        session = db.session()
        owner_org, partner_org, other_org = (
            make_org(session, name) for name in ("Ägare kommun", "Partner AB", "Annan förening")
        )
        users = {
            "owner": make_user(session, Role.ACTOR, owner_org),
            "partner": make_user(session, Role.ACTOR, partner_org),
            "unrelated": make_user(session, Role.ACTOR, other_org),
            "support": make_user(session, Role.SUPPORT),
            "admin": make_user(session, Role.ADMIN),
        }
        idea = make_idea(session, users["owner"], title="Vägen in", partner_ids=[partner_org.id])
        member = make_idea(session, users["owner"], title="Medlem")
        regional = link_to_regional_project(
            session, users["support"], [member], new_title="Inlandet"
        )
        session.commit()
        return World({k: u.id for k, u in users.items()}, idea.id, member.id, regional.id)


OK, FOUND, GONE, FORBIDDEN, BAD = 200, 302, 404, 403, 400
EVERYONE_OK = {r: OK for r in ROLES if r != "anonymous"}
VISIBLE = {"owner": OK, "partner": OK, "unrelated": GONE, "support": OK, "admin": OK}
TEAM_ONLY = {"owner": FORBIDDEN, "partner": FORBIDDEN, "unrelated": FORBIDDEN}
MOVED = {"owner": FOUND, "partner": FOUND, "unrelated": GONE, "support": FOUND, "admin": FOUND}

# (method, path, form data, expected status per signed-in role); anonymous always -> LOGIN.
CASES = [
    ("GET", "/ideer", None, EVERYONE_OK),
    ("GET", "/ideer?skede=bogus&kommun=x&sida=-1&sortera=nope", None, EVERYONE_OK),
    ("GET", "/ideer/ny", None, EVERYONE_OK),
    ("POST", "/ideer/ny", {"title": "Ny idé"}, {r: FOUND for r in EVERYONE_OK}),
    ("POST", "/ideer/ny", {"title": ""}, {r: BAD for r in EVERYONE_OK}),
    ("GET", "/ideer/{idea}", None, VISIBLE),
    ("GET", "/ideer/999999", None, {r: GONE for r in EVERYONE_OK}),
    ("GET", "/ideer/{idea}/andra", None, VISIBLE),
    ("POST", "/ideer/{idea}/andra", {"title": "Nytt namn"}, MOVED),
    ("POST", "/ideer/{idea}/flytta", {"target": "parked", "comment": "Vänta"}, MOVED),
    (
        "POST",
        "/ideer/{idea}/flytta",
        {"target": "prestudy"},
        {"owner": BAD, "partner": BAD, "unrelated": GONE, "support": FOUND, "admin": FOUND},
    ),
    (
        "POST",
        "/ideer/{idea}/flytta",
        {"target": "nowhere"},
        {**MOVED, **dict.fromkeys(("owner", "partner", "support", "admin"), BAD)},
    ),
    ("POST", "/ideer/{idea}/kommentera", {"body": "Hej"}, MOVED),
    (
        "POST",
        "/ideer/{idea}/kommentera",
        {"body": "Internt", "visibility": "internal"},
        MOVED,  # an actor's form has no visibility field: the comment is shared
    ),
    (
        "GET",
        "/tavla",
        None,
        {"owner": LIST, "partner": LIST, "unrelated": LIST, "support": OK, "admin": OK},
    ),
    (
        "GET",
        "/tavla?q=%C3%A4&skede=x&org=1",
        None,
        {"owner": LIST, "partner": LIST, "unrelated": LIST, "support": OK, "admin": OK},
    ),
    ("GET", "/regionala-projekt", None, {**TEAM_ONLY, "support": OK, "admin": OK}),
    ("GET", "/regionala-projekt/{regional}", None, {**TEAM_ONLY, "support": OK, "admin": OK}),
    ("GET", "/regionala-projekt/{idea}", None, {**TEAM_ONLY, "support": GONE, "admin": GONE}),
    (
        "POST",
        "/regionala-projekt/samla",
        {"idea_ids": "{idea}", "regional_id": "{regional}"},
        {**TEAM_ONLY, "support": FOUND, "admin": FOUND},
    ),
    (
        "POST",
        "/regionala-projekt/{regional}/ta-bort/{member}",
        {},
        {**TEAM_ONLY, "support": FOUND, "admin": FOUND},
    ),
    (
        "POST",
        "/regionala-projekt/{regional}/ta-bort/{idea}",
        {},
        {**TEAM_ONLY, "support": GONE, "admin": GONE},
    ),
]


def _fill(value: str, world: World) -> str:
    return value.format(idea=world.idea, member=world.member, regional=world.regional)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    CASES,
    ids=[f"{m} {p} {sorted((d or {}).items())}" for m, p, d, _ in CASES],
)
def test_route_by_role(app, client, role, method, path, data, expected):
    world = build_world(app)
    sign_in(app, client, world.users.get(role))
    url = _fill(path, world)
    form = {k: _fill(v, world) for k, v in (data or {}).items()}
    response = client.get(url) if method == "GET" else client.post(url, data=form)
    want = LOGIN if role == "anonymous" else expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/konto/logga-in" in response.location
    elif want == LIST:
        assert response.status_code == 302 and response.location.endswith("/ideer")
    else:
        assert response.status_code == want, response.data[:500]
