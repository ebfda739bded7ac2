"""Download everything Framsyn holds about you; admins export or remove a person.

The pages ask pipeline.personal_data who may do what; the services check again (NotAllowed
becomes the 403 page).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from pipeline import accounts, personal_data
from pipeline.models import User
from pipeline.notifications.preferences import preferences, set_preferences
from web import db
from web.account_data.forms import NotificationsForm

bp = Blueprint("account_data", __name__)


def _json_download(data: dict, user_id: int) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=framsyn-personuppgifter-{user_id}.json"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _person(user_id: int) -> User:
    person = db.session().get(User, user_id)
    if person is None:
        abort(404)
    return person


def _mine(form: NotificationsForm, status: int = 200):
    form.set_labels()
    return render_template("personal_data/mine.html", notifications_form=form), status


@bp.get("/konto/mina-uppgifter")
@login_required
def mine():
    """What Framsyn keeps about me, a button to download it, and my notification mails."""
    current = preferences(db.session(), current_user)
    form = NotificationsForm(formdata=None, data={k.value: m.value for k, m in current.items()})
    return _mine(form)


@bp.post("/konto/mina-uppgifter/aviseringar")
@login_required
def notifications():
    """Store my choice of notification mails, per kind."""
    form = NotificationsForm()
    if not form.validate():
        return _mine(form, 400)
    session = db.session()
    changed = set_preferences(session, current_user, current_user, form.chosen())
    session.commit()
    flash(
        _("Dina val av e-postmeddelanden är sparade.") if changed else _("Inget ändrades."),
        "success",
    )
    return redirect(url_for("account_data.mine", _anchor="aviseringar"))


@bp.post("/konto/mina-uppgifter/hamta")
@login_required
def download_mine():
    """My data as a JSON file."""
    session = db.session()
    data = personal_data.export_person(session, current_user, current_user)
    session.commit()
    return _json_download(data, current_user.id)


@bp.get("/admin/anvandare/<int:user_id>/personuppgifter")
@login_required
def person(user_id: int):
    """An admin's page for one person's data: download it, or remove the person."""
    person = _person(user_id)
    accounts.require(accounts.is_admin(current_user))
    return render_template(
        "personal_data/person.html",
        person=person,
        accounts=accounts,
        removed=personal_data.is_removed(person),
        may_remove=personal_data.may_remove(current_user, person),
    )


@bp.post("/admin/anvandare/<int:user_id>/personuppgifter/hamta")
@login_required
def download_person(user_id: int):
    """A person's data as a JSON file, fetched by an admin on their behalf."""
    session = db.session()
    person = _person(user_id)
    data = personal_data.export_person(session, current_user, person)
    session.commit()
    return _json_download(data, person.id)


@bp.post("/admin/anvandare/<int:user_id>/ta-bort")
@login_required
def remove(user_id: int):
    """Remove a person: the account is anonymised, their personal fields wiped."""
    session = db.session()
    person = _person(user_id)
    accounts.require(personal_data.may_remove(current_user, person))
    if request.form.get("bekrafta") != "ja":
        flash(_("Kryssa i rutan för att bekräfta att personen ska tas bort."), "error")
        return redirect(url_for("account_data.person", user_id=person.id))
    if personal_data.is_removed(person):
        flash(_("Personen är redan borttagen."), "info")
        return redirect(url_for("account_data.person", user_id=person.id))
    personal_data.remove_person(session, current_user, person)
    session.commit()
    flash(
        _("Personen är borttagen. Bidragen finns kvar under namnet ”Borttagen användare”."),
        "success",
    )
    return redirect(url_for("admin.users"))
