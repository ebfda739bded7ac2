"""Sign in and out."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from pipeline import accounts, login_sessions
from pipeline.models import User, utcnow
from pipeline.services import log_activity
from web import db, mail
from web.auth import tokens
from web.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from web.auth.passwords import hash_password, verify_password
from web.extensions import limiter
from web.security import safe_next

bp = Blueprint("auth", __name__, url_prefix="/konto")

# Verifying against a real hash when the e-mail is unknown keeps the timing the same.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a sign-in that can end: its key goes into the session and remember cookies."""
    key = login_sessions.start(db.session(), user, remember=remember)
    login_user(user, remember=remember, duration=login_sessions.MAX_AGE)
    cookie_session["_user_id"] = login_sessions.cookie_value(user, key)


def current_login_key() -> str | None:
    """The key of the sign-in this request belongs to (None when signed out)."""
    parts = login_sessions.split_cookie_value(str(cookie_session.get("_user_id") or ""))
    return parts[1] if parts else None


def sign_out() -> None:
    """End this sign-in for good (every copy of its cookies) and clear the cookies."""
    key = current_login_key()
    if key is not None:
        login_sessions.end(db.session(), key)
        db.session().commit()
    logout_user()


def _signed_in(response) -> bool:
    """A sign-in post that worked redirects; only failures count towards the limits."""
    return response.status_code == 302


def _account_key() -> str:
    """The throttle's key for the account a sign-in post names (a digest, not the address)."""
    email = accounts.normalise_email(str(request.form.get("email") or ""))[:254]
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


@bp.route("/logga-in", methods=["GET", "POST"])
# Per address (behind a proxy: FRAMSYN_PROXY_HOPS) and per account, failures only.
@limiter.limit(
    "10 per minute; 50 per hour", methods=["POST"], deduct_when=lambda r: not _signed_in(r)
)
@limiter.limit(
    "5 per minute; 30 per hour",
    methods=["POST"],
    key_func=_account_key,
    deduct_when=lambda r: not _signed_in(r),
)
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
            sign_in(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            log_activity(session, user, "auth.login", user)
            session.commit()
            return redirect(safe_next(request.args.get("next")))
        form.password.errors = [
            _("Fel e-postadress eller lösenord, eller så är kontot inte aktiverat.")
        ]
    return render_template("auth/login.html", form=form)


@bp.post("/logga-ut")
@login_required
def logout():
    """Sign out (a form post, so a link cannot sign anyone out); the session ends for good."""
    sign_out()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/logga-ut-overallt")
@login_required
def logout_everywhere():
    """End every sign-in of this account, on every device, this one included."""
    session = db.session()
    accounts.end_sign_ins(session, current_user, current_user)
    session.commit()
    logout_user()
    flash(_("Du är utloggad överallt, på alla datorer och telefoner."), "info")
    return redirect(url_for("auth.login"))


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link for an e-mail, built on BASE_URL (never on the request's Host header)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def send_invitation(session, user: User) -> None:
    """E-mail `user` the link that lets them choose a password (7 days)."""
    mail.send_template(
        session,
        user.email,
        "invitation",
        user.locale,
        user=user,
        inviter=user.invited_by,
        secret={
            "link": external_url("auth.accept_invitation", token=tokens.invitation_token(user))
        },
        days=tokens.INVITE_MAX_AGE // 86400,
    )


@bp.route("/glomt-losenord", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = db.session()
        user = accounts.find_user_by_email(session, form.email.data)
        if user is not None and user.is_active:
            mail.send_template(
                session,
                user.email,
                "reset_password",
                user.locale,
                user=user,
                secret={
                    "link": external_url("auth.reset_password", token=tokens.reset_token(user))
                },
                minutes=tokens.RESET_MAX_AGE // 60,
            )
            log_activity(session, user, "auth.reset_requested", user)
            session.commit()
        flash(
            _(
                "Om adressen hör till ett konto hos oss har vi skickat en länk för att välja "
                "nytt lösenord. Länken gäller i en timme."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _invalid_link():
    return render_template("auth/invalid_link.html"), 400


def _choose_password(user: User, form: NewPasswordForm, message: str):
    """Store the new password (every other sign-in ends), sign the person in, go home."""
    session = db.session()
    if current_user.is_authenticated:
        sign_out()  # whoever was signed in here, the link's owner takes over
    accounts.set_password(session, user, user, hash_password(form.password.data))
    user.last_login_at = utcnow()
    sign_in(user)
    session.commit()
    flash(message, "success")
    return redirect(url_for("main.index"))


@bp.route("/nytt-losenord/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Choose a new password from a reset link (one hour, single use)."""
    user = tokens.user_for_reset(db.session(), token)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm(email=user.email)
    if form.validate_on_submit():
        return _choose_password(user, form, _("Ditt nya lösenord är sparat. Du är inloggad."))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept_invitation(token: str):
    """Choose a password from an invitation link (seven days, single use).

    Opening the link changes nothing; whoever is signed in here stays so until the form is
    sent (a link from another site must not sign anyone out).
    """
    user = tokens.user_for_invitation(db.session(), token)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm(email=user.email)
    if form.validate_on_submit():
        return _choose_password(user, form, _("Välkommen till Framsyn! Ditt konto är klart."))
    return render_template("auth/accept_invitation.html", form=form, invited=user)


@bp.route("/losenord", methods=["GET", "POST"])
@login_required
def change_password():
    """A signed-in user changes their password."""
    form = ChangePasswordForm(email=current_user.email)
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors = [_("Det nuvarande lösenordet stämmer inte.")]
        else:
            session = db.session()
            key = current_login_key()
            remember = key is not None and login_sessions.is_remembered(session, key)
            user = current_user._get_current_object()
            accounts.set_password(session, user, user, hash_password(form.password.data))
            sign_in(user, remember=remember)  # a new key: copies of the old cookies are dead
            session.commit()
            flash(
                _("Ditt nya lösenord är sparat. Du är utloggad på alla andra enheter."),
                "success",
            )
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
