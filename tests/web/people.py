"""Signed-in test clients: the people of a small region, and a fast way to sign them in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from pipeline import login_sessions
from pipeline.models import Organisation, OrgType, Role, User
from web import db
from web.auth.passwords import hash_password
from web.extensions import login_manager

PASSWORD = "ett långt testlösenord"
_HASH = hash_password(PASSWORD)  # hashed once per run: argon2 is slow on purpose


@dataclass(frozen=True)
class People:
    """Ids of one admin, one support-team member and one local actor with an organisation."""

    admin: int
    support: int
    actor: int
    organisation: int

    def id_for(self, role: str) -> int | None:
        return None if role == "anonymous" else getattr(self, role)


def make_people(app: Flask) -> People:
    """Create the people (passwords are PASSWORD) and commit."""
    with app.app_context():
        session = db.session()
        org = Organisation(name="Lycksele kommun", type=OrgType.KOMMUN, org_number="212000-2460")
        session.add(org)
        users = {
            role: User(
                name=f"{role.value.title()} Testsson",
                email=f"{role.value}@example.se",
                role=role,
                organisation=org if role == Role.ACTOR else None,
                password_hash=_HASH,
            )
            for role in Role
        }
        session.add_all(users.values())
        session.commit()
        return People(
            admin=users[Role.ADMIN].id,
            support=users[Role.SUPPORT].id,
            actor=users[Role.ACTOR].id,
            organisation=org.id,
        )


def sign_in(app: Flask, client: FlaskClient, user_id: int | None) -> FlaskClient:
    """Start a sign-in for `user_id` and put it in the client's session, as the form would."""
    if user_id is None:
        return client
    with app.app_context():
        db_session = db.session()
        user = db_session.get(User, user_id)
        value = login_sessions.begin(db_session, user)
        db_session.commit()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session["_user_id"] = value
        session["_fresh"] = True
        session["_id"] = identifier
    return client
