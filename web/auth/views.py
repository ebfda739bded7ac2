"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from pipeline.models import User, utcnow
from pipeline.services import log_activity
from web import db
from web.auth.forms import LoginForm
from web.auth.passwords import hash_password, verify_password
from web.extensions import limiter

bp = Blueprint("auth", __name__, url_prefix="/konto")

# Verifying against a real hash when the e-mail is unknown keeps the timing the same.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("main.index")


@bp.route("/logga-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    """The sign-in page; the message never tells whether an e-mail exists."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session()
        email = form.email.data.strip().lower()
        user = session.scalars(select(User).where(func.lower(User.email) == email)).one_or_none()
        ok = verify_password(user.password_hash if user else _DUMMY_HASH, form.password.data)
        if user is not None and ok and user.is_active:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            log_activity(session, user, "auth.login", user)
            session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [
            _("Fel e-postadress eller lösenord, eller så är kontot inte aktiverat.")
        ]
    return render_template("auth/login.html", form=form)


@bp.post("/logga-ut")
@login_required
def logout():
    """Sign out (a form post, so a link cannot sign anyone out)."""
    logout_user()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))
