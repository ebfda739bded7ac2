"""The register the team keeps: organisations, calls and the region's kommuner.

Each operation takes an explicit actor, checks the permission (see pipeline.accounts),
validates, flushes and never commits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.accounts import (
    FieldConflict,
    may_manage_calls,
    may_manage_municipalities,
    may_manage_organisations,
    may_see_admin,
    require,
)
from pipeline.i18n import _t
from pipeline.models import Call, Municipality, Organisation, OrgType, User
from pipeline.services import log_activity

ORG_NUMBER = re.compile(r"^\d{6}-\d{4}$")
MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
TEMPLATE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _required(value: str, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise FieldConflict(_t("Fältet måste fyllas i."), field=field)
    if len(value) > limit:
        raise FieldConflict(_t("Högst {limit} tecken.").format(limit=limit), field=field)
    return value


def _changes(obj: object, values: dict[str, object]) -> dict[str, list[object]]:
    changed: dict[str, list[object]] = {}
    for attr, new in values.items():
        old = getattr(obj, attr)
        if old != new:
            changed[attr] = [_plain(old), _plain(new)]
            setattr(obj, attr, new)
    return changed


def _plain(value: object) -> object:
    if isinstance(value, OrgType):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# Organisations


@dataclass
class OrganisationData:
    name: str
    type: OrgType
    municipality_id: int | None = None
    org_number: str | None = None


def organisation_name_taken(session: Session, name: str, *, except_id: int | None = None) -> bool:
    """True if another organisation has this name (ignoring case and extra spaces)."""
    wanted = " ".join(name.split()).lower()
    found = session.scalars(
        select(Organisation.id).where(func.lower(Organisation.name) == wanted)
    ).first()
    return found is not None and found != except_id


def _organisation_values(session: Session, data: OrganisationData, except_id: int | None) -> dict:
    name = _required(data.name, "name", 200)
    if organisation_name_taken(session, name, except_id=except_id):
        raise FieldConflict(
            _t("Det finns redan en organisation med det namnet."),
            field="name",
        )
    number = (data.org_number or "").strip() or None
    if number is not None and not ORG_NUMBER.match(number):
        raise FieldConflict(
            _t("Skriv organisationsnumret som NNNNNN-NNNN."),
            field="org_number",
        )
    if data.municipality_id is not None and session.get(Municipality, data.municipality_id) is None:
        raise FieldConflict(_t("Okänd kommun."), field="municipality_id")
    return {
        "name": name,
        "type": OrgType(data.type),
        "municipality_id": data.municipality_id,
        "org_number": number,
    }


def create_organisation(session: Session, actor: User, data: OrganisationData) -> Organisation:
    """Register an organisation."""
    require(may_manage_organisations(actor))
    org = Organisation(**_organisation_values(session, data, None))
    session.add(org)
    log_activity(session, actor, "organisation.create", org, name=org.name)
    return org


def update_organisation(
    session: Session, actor: User, org: Organisation, data: OrganisationData
) -> dict[str, list[object]]:
    """Change an organisation's name, type, kommun or number; returns what changed."""
    require(may_manage_organisations(actor))
    changed = _changes(org, _organisation_values(session, data, org.id))
    if changed:
        log_activity(session, actor, "organisation.update", org, changed=changed)
    return changed


def list_organisations(session: Session, actor: User) -> list[Organisation]:
    require(may_see_admin(actor))
    query = (
        select(Organisation)
        .options(selectinload(Organisation.municipality))
        .order_by(func.lower(Organisation.name))
    )
    return list(session.scalars(query))


# Calls


@dataclass
class CallData:
    name: str
    diarienummer: str
    programme_area: str
    opens: dt.date
    closes: dt.date
    region: str
    template_key: str = "esf_plus"
    specific_objective: str | None = None


def diarienummer_taken(session: Session, number: str, *, except_id: int | None = None) -> bool:
    found = session.scalars(
        select(Call.id).where(func.lower(Call.diarienummer) == number.strip().lower())
    ).first()
    return found is not None and found != except_id


def _call_values(session: Session, data: CallData, except_id: int | None) -> dict:
    values = asdict(data)
    values["name"] = _required(data.name, "name", 200)
    values["diarienummer"] = _required(data.diarienummer, "diarienummer", 40)
    values["programme_area"] = _required(data.programme_area, "programme_area", 120)
    values["region"] = _required(data.region, "region", 80)
    objective = " ".join((data.specific_objective or "").split())
    if len(objective) > 120:
        raise FieldConflict(_t("Högst 120 tecken."), field="specific_objective")
    values["specific_objective"] = objective or None
    if diarienummer_taken(session, values["diarienummer"], except_id=except_id):
        raise FieldConflict(
            _t("Det finns redan en utlysning med det diarienumret."),
            field="diarienummer",
        )
    if data.opens is None or data.closes is None:
        raise FieldConflict(
            _t("Ange både öppnings- och stängningsdatum."),
            field="opens" if data.opens is None else "closes",
        )
    if data.closes < data.opens:
        raise FieldConflict(
            _t("Utlysningen kan inte stänga före den öppnar."),
            field="closes",
        )
    if not TEMPLATE_KEY.match(data.template_key or ""):
        raise FieldConflict(_t("Okänd mall."), field="template_key")
    return values


def create_call(session: Session, actor: User, data: CallData) -> Call:
    """Register an utlysning."""
    require(may_manage_calls(actor))
    call = Call(**_call_values(session, data, None))
    session.add(call)
    log_activity(session, actor, "call.create", call, diarienummer=call.diarienummer)
    return call


def update_call(session: Session, actor: User, call: Call, data: CallData) -> dict:
    """Change a call; returns what changed."""
    require(may_manage_calls(actor))
    changed = _changes(call, _call_values(session, data, call.id))
    if changed:
        log_activity(session, actor, "call.update", call, changed=changed)
    return changed


def list_calls(session: Session, actor: User) -> list[Call]:
    require(may_see_admin(actor))
    return list(session.scalars(select(Call).order_by(Call.closes.desc(), Call.name)))


# Kommuner


def _municipality_name(session: Session, name: str, region: str, except_id: int | None) -> str:
    name = _required(name, "name", 80)
    found = session.scalars(
        select(Municipality.id).where(
            func.lower(Municipality.name) == name.lower(), Municipality.region == region
        )
    ).first()
    if found is not None and found != except_id:
        raise FieldConflict(_t("Kommunen finns redan."), field="name")
    return name


def add_municipality(
    session: Session, actor: User, *, code: str, name: str, region: str
) -> Municipality:
    """Add a kommun to the region (the code is SCB's four-digit kommunkod)."""
    require(may_manage_municipalities(actor))
    code = (code or "").strip()
    if not MUNICIPALITY_CODE.match(code):
        raise FieldConflict(
            _t("Kommunkoden är fyra siffror."),
            field="code",
        )
    if session.scalars(select(Municipality.id).filter_by(code=code)).first() is not None:
        raise FieldConflict(
            _t("Kommunkoden finns redan."),
            field="code",
        )
    municipality = Municipality(
        code=code, name=_municipality_name(session, name, region, None), region=region
    )
    session.add(municipality)
    log_activity(session, actor, "municipality.create", municipality, name=municipality.name)
    return municipality


def rename_municipality(
    session: Session, actor: User, municipality: Municipality, name: str
) -> None:
    """Give a kommun a new name (its code stays)."""
    require(may_manage_municipalities(actor))
    new = _municipality_name(session, name, municipality.region, municipality.id)
    if new != municipality.name:
        old, municipality.name = municipality.name, new
        log_activity(session, actor, "municipality.rename", municipality, changed=[old, new])


def list_municipalities(session: Session, actor: User) -> list[Municipality]:
    require(may_see_admin(actor))
    return list(session.scalars(select(Municipality).order_by(Municipality.name)))
