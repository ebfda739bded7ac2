"""Admin pages: organisations, users and invitations, calls, kommuner and the mail outbox.

Each page asks pipeline.accounts whether the user may use it; the services check again.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline import accounts, registry
from pipeline.accounts import FieldConflict
from pipeline.models import Call, Municipality, Organisation, OutboxMessage, Role, User
from pipeline.region import load_region
from web import db, mail
from web.admin.forms import (
    CallForm,
    InviteForm,
    MunicipalityForm,
    MunicipalityRenameForm,
    OrganisationForm,
    UserForm,
)
from web.auth.views import send_invitation
from web.extensions import login_manager
from web.i18n import text

bp = Blueprint("admin", __name__, url_prefix="/admin")

OUTBOX_LIMIT = 200


@bp.before_request
def _signed_in_team_only():
    """Anonymous visitors go to the sign-in page; local actors get a 403 page."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not accounts.may_see_admin(current_user):
        abort(403)
    return None


@bp.context_processor
def _permissions() -> dict[str, object]:
    return {"accounts": accounts}


def _allow(allowed: bool) -> None:
    accounts.require(allowed)  # NotAllowed is mapped to the 403 page


def _get(model: type, obj_id: int):
    obj = db.session().get(model, obj_id)
    if obj is None:
        abort(404)
    return obj


def _field_error(form: FlaskForm, error: FieldConflict) -> None:
    """Show a service's complaint next to the field it concerns."""
    field = getattr(form, error.field, None)
    target = field if field is not None else next(iter(form))
    target.errors = [*target.errors, text(error.text)]


def _apply(form: FlaskForm, change, endpoint: str, message=None):
    """Run a service change for a valid form: commit and go to `endpoint` with a message (made
    from the change's result), or roll back and show the service's complaint next to its field
    and return None so the form is shown again with what the user typed."""
    session = db.session()
    try:
        result = change(session)
    except FieldConflict as error:
        session.rollback()
        _field_error(form, error)
        return None
    session.commit()
    flash(message(result) if message else _("Ändringarna är sparade."), "success")
    return redirect(url_for(endpoint))


@bp.get("/")
def index():
    """What the user may administer."""
    return render_template("admin/index.html")


# Organisations


@bp.get("/organisationer")
def organisations():
    rows = registry.list_organisations(db.session(), current_user)
    return render_template("admin/organisations.html", organisations=rows)


@bp.route("/organisationer/ny", methods=["GET", "POST"])
def organisation_new():
    _allow(accounts.may_manage_organisations(current_user))
    form = OrganisationForm()
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.create_organisation(s, current_user, _organisation_data(form)),
            "admin.organisations",
            lambda org: _("Organisationen %(name)s är registrerad.", name=org.name),
        )
    ):
        return done
    return render_template("admin/organisation_form.html", form=form, organisation=None)


@bp.route("/organisationer/<int:org_id>", methods=["GET", "POST"])
def organisation_edit(org_id: int):
    _allow(accounts.may_manage_organisations(current_user))
    org = _get(Organisation, org_id)
    form = OrganisationForm(obj=org, editing=org)
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.update_organisation(s, current_user, org, _organisation_data(form)),
            "admin.organisations",
        )
    ):
        return done
    return render_template("admin/organisation_form.html", form=form, organisation=org)


def _organisation_data(form: OrganisationForm) -> registry.OrganisationData:
    return registry.OrganisationData(
        name=form.name.data,
        type=form.type.data,
        municipality_id=form.municipality_id.data,
        org_number=form.org_number.data,
    )


# Users


@bp.get("/anvandare")
def users():
    rows = accounts.list_users(db.session(), current_user)
    return render_template("admin/users.html", users=rows)


@bp.route("/anvandare/bjud-in", methods=["GET", "POST"])
def user_invite():
    _allow(accounts.may_invite(current_user))
    form = InviteForm(actor=current_user)

    def invite(session: Session) -> User:
        user = accounts.invite_user(
            session,
            current_user,
            name=form.name.data,
            email=form.email.data,
            role=Role(form.role.data),
            organisation_id=form.organisation_id.data,
            locale=form.locale.data,
        )
        send_invitation(session, user)
        return user

    if form.validate_on_submit() and (
        done := _apply(
            form,
            invite,
            "admin.users",
            lambda user: _(
                "Inbjudan till %(email)s är skickad. Länken gäller i sju dagar.", email=user.email
            ),
        )
    ):
        return done
    return render_template("admin/user_invite.html", form=form)


@bp.post("/anvandare/<int:user_id>/ny-inbjudan")
def user_reinvite(user_id: int):
    user = _get(User, user_id)
    session = db.session()
    accounts.renew_invitation(session, current_user, user)
    send_invitation(session, user)
    session.commit()
    flash(_("En ny inbjudan till %(email)s är skickad.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/anvandare/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    _allow(accounts.may_manage_users(current_user))
    user = _get(User, user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: accounts.update_user(
                s,
                current_user,
                user,
                name=form.name.data,
                role=Role(form.role.data),
                organisation_id=form.organisation_id.data,
                is_active=form.is_active.data,
            ),
            "admin.users",
        )
    ):
        return done
    return render_template("admin/user_edit.html", form=form, user=user)


# Calls


@bp.get("/utlysningar")
def calls():
    rows = registry.list_calls(db.session(), current_user)
    return render_template("admin/calls.html", calls=rows)


@bp.route("/utlysningar/ny", methods=["GET", "POST"])
def call_new():
    _allow(accounts.may_manage_calls(current_user))
    form = CallForm(data={"region": load_region(current_app.config["FRAMSYN_REGION"]).esf_region})
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.create_call(s, current_user, _call_data(form)),
            "admin.calls",
            lambda call: _("Utlysningen %(name)s är registrerad.", name=call.name),
        )
    ):
        return done
    return render_template("admin/call_form.html", form=form, call=None)


@bp.route("/utlysningar/<int:call_id>", methods=["GET", "POST"])
def call_edit(call_id: int):
    _allow(accounts.may_manage_calls(current_user))
    call = _get(Call, call_id)
    form = CallForm(obj=call, editing=call)
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.update_call(s, current_user, call, _call_data(form)),
            "admin.calls",
        )
    ):
        return done
    return render_template("admin/call_form.html", form=form, call=call)


def _call_data(form: CallForm) -> registry.CallData:
    return registry.CallData(
        name=form.name.data,
        diarienummer=form.diarienummer.data,
        programme_area=form.programme_area.data,
        specific_objective=form.specific_objective.data,
        opens=form.opens.data,
        closes=form.closes.data,
        region=form.region.data,
        template_key=form.template_key.data,
    )


# Kommuner


def _region_name() -> str:
    return load_region(current_app.config["FRAMSYN_REGION"]).name


@bp.get("/kommuner")
def municipalities():
    rows = registry.list_municipalities(db.session(), current_user)
    return render_template("admin/municipalities.html", municipalities=rows, region=_region_name())


@bp.route("/kommuner/ny", methods=["GET", "POST"])
def municipality_new():
    _allow(accounts.may_manage_municipalities(current_user))
    form = MunicipalityForm()
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.add_municipality(
                s, current_user, code=form.code.data, name=form.name.data, region=_region_name()
            ),
            "admin.municipalities",
            lambda muni: _("%(name)s är tillagd.", name=muni.name),
        )
    ):
        return done
    return render_template("admin/municipality_form.html", form=form, municipality=None)


@bp.route("/kommuner/<int:muni_id>", methods=["GET", "POST"])
def municipality_edit(muni_id: int):
    _allow(accounts.may_manage_municipalities(current_user))
    muni = _get(Municipality, muni_id)
    form = MunicipalityRenameForm(obj=muni)
    if form.validate_on_submit() and (
        done := _apply(
            form,
            lambda s: registry.rename_municipality(s, current_user, muni, form.name.data),
            "admin.municipalities",
        )
    ):
        return done
    return render_template("admin/municipality_form.html", form=form, municipality=muni)


# Outbox


@bp.get("/utskick")
def outbox():
    _allow(accounts.may_read_outbox(current_user))
    messages = db.session().scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(OUTBOX_LIMIT)
    )
    messages = list(messages)
    return render_template(
        "admin/outbox.html",
        messages=messages,
        bodies={m.id: mail.without_links(m.body_text) for m in messages},
        limit=OUTBOX_LIMIT,
        smtp=bool(current_app.config.get("MAIL_SERVER")),
    )
