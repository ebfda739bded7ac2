"""Account and register services: permissions, validation and the activity log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pipeline import accounts, registry
from pipeline.accounts import FieldConflict
from pipeline.errors import NotAllowed
from pipeline.models import ActivityLog, Municipality, OrgType, Role
from tests.factories import make_org, make_user


@pytest.fixture
def org(session):
    return make_org(session)


@pytest.fixture
def people(session, org):
    return {
        "actor": make_user(session, Role.ACTOR, org),
        "support": make_user(session, Role.SUPPORT),
        "admin": make_user(session, Role.ADMIN),
    }


INVITE = {
    ("actor", Role.ACTOR): False,
    ("support", Role.ACTOR): True,
    ("support", Role.SUPPORT): False,
    ("support", Role.ADMIN): False,
    ("admin", Role.ACTOR): True,
    ("admin", Role.SUPPORT): True,
    ("admin", Role.ADMIN): True,
}


@pytest.mark.parametrize(("who", "role"), list(INVITE))
def test_invite_permissions(session, people, org, who, role):
    kwargs = {"name": "Ny", "email": f"ny-{who}-{role}@example.se", "role": role}
    kwargs["organisation_id"] = org.id if role == Role.ACTOR else None
    if INVITE[(who, role)]:
        user = accounts.invite_user(session, people[who], **kwargs)
        assert user.password_hash is None and user.invited_by_id == people[who].id
        log = session.scalars(select(ActivityLog).filter_by(action="user.invite")).one()
        assert log.entity_id == user.id
    else:
        with pytest.raises(NotAllowed):
            accounts.invite_user(session, people[who], **kwargs)


def test_invite_rejects_duplicates_and_actors_without_organisation(session, people, org):
    with pytest.raises(FieldConflict) as error:
        accounts.invite_user(
            session,
            people["admin"],
            name="X",
            email=people["actor"].email.upper(),
            role=Role.ACTOR,
            organisation_id=org.id,
        )
    assert error.value.field == "email"
    with pytest.raises(FieldConflict) as error:
        accounts.invite_user(
            session,
            people["admin"],
            name="X",
            email="x@e.se",
            role=Role.ACTOR,
            organisation_id=None,
        )
    assert error.value.field == "organisation_id"


def _update(session, actor, user, **changes) -> None:
    values = {
        "name": user.name,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "is_active": user.is_active,
    }
    accounts.update_user(session, actor, user, **{**values, **changes})


def test_only_admins_manage_users(session, people):
    for who in ("actor", "support"):
        with pytest.raises(NotAllowed):
            _update(session, people[who], people["actor"], role=Role.SUPPORT)
        with pytest.raises(NotAllowed):
            _update(session, people[who], people["actor"], is_active=False)
    _update(session, people["admin"], people["support"], role=Role.ADMIN)
    _update(session, people["admin"], people["actor"], is_active=False)
    assert people["support"].role == Role.ADMIN and not people["actor"].is_active
    _update(session, people["admin"], people["actor"], is_active=True)
    assert people["actor"].is_active


def test_admin_cannot_lock_themself_out(session, people):
    with pytest.raises(FieldConflict):
        _update(session, people["admin"], people["admin"], is_active=False)
    with pytest.raises(FieldConflict):
        _update(session, people["admin"], people["admin"], role=Role.SUPPORT)


def test_set_organisation(session, people):
    other = make_org(session)
    _update(session, people["admin"], people["actor"], organisation_id=other.id)
    assert people["actor"].organisation_id == other.id


def test_people_set_only_their_own_password(session, people):
    with pytest.raises(NotAllowed):
        accounts.set_password(session, people["admin"], people["actor"], "hash")
    accounts.set_password(session, people["actor"], people["actor"], "hash")
    assert people["actor"].password_hash == "hash"
    assert people["actor"].password_changed_at is not None


def test_organisation_services(session, people):
    data = registry.OrganisationData(name="Vindelns kommun", type=OrgType.KOMMUN)
    with pytest.raises(NotAllowed):
        registry.create_organisation(session, people["actor"], data)
    org = registry.create_organisation(session, people["support"], data)
    with pytest.raises(FieldConflict):
        registry.create_organisation(session, people["admin"], data)
    data.org_number = "12345"
    with pytest.raises(FieldConflict) as error:
        registry.update_organisation(session, people["admin"], org, data)
    assert error.value.field == "org_number"
    data.org_number = "212000-2494"
    assert registry.update_organisation(session, people["admin"], org, data) == {
        "org_number": [None, "212000-2494"]
    }


def _call(**changes) -> registry.CallData:
    values = {
        "name": "Utlysning",
        "diarienummer": "2026/1",
        "programme_area": "A",
        "opens": dt.date(2026, 1, 1),
        "closes": dt.date(2026, 2, 1),
        "region": "Övre Norrland",
    }
    return registry.CallData(**{**values, **changes})


def test_call_services(session, people):
    with pytest.raises(NotAllowed):
        registry.create_call(session, people["actor"], _call())
    call = registry.create_call(session, people["support"], _call())
    with pytest.raises(FieldConflict) as error:
        registry.create_call(session, people["support"], _call())
    assert error.value.field == "diarienummer"
    with pytest.raises(FieldConflict) as error:
        registry.update_call(session, people["support"], call, _call(closes=dt.date(2025, 1, 1)))
    assert error.value.field == "closes"
    changed = registry.update_call(session, people["admin"], call, _call(template_key="esf_2007"))
    assert changed == {"template_key": ["esf_plus", "esf_2007"]}


def test_municipality_services(session, people):
    with pytest.raises(NotAllowed):
        registry.add_municipality(session, people["support"], code="9999", name="X", region="R")
    region = session.scalars(select(Municipality.region)).first()
    muni = registry.add_municipality(
        session, people["admin"], code="9999", name="Testby", region=region
    )
    with pytest.raises(FieldConflict):
        registry.add_municipality(session, people["admin"], code="9999", name="Y", region=region)
    with pytest.raises(FieldConflict):
        registry.rename_municipality(session, people["admin"], muni, "Umeå")
    registry.rename_municipality(session, people["admin"], muni, "Testköping")
    assert muni.name == "Testköping"
    assert len(registry.list_municipalities(session, people["support"])) == 16
    with pytest.raises(NotAllowed):
        registry.list_municipalities(session, people["actor"])
