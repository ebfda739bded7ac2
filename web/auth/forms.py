"""Sign-in forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from web.auth.passwords import password_problems
from web.i18n import text


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Fyll i din e-postadress.")),
            Email(_l("Skriv e-postadressen som namn@exempel.se.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Lösenord"),
        validators=[DataRequired(_l("Fyll i ditt lösenord.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Kom ihåg mig på den här datorn"))


class ForgotPasswordForm(FlaskForm):
    """The e-mail address to send a reset link to."""

    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(_l("Fyll i din e-postadress.")),
            Email(_l("Skriv e-postadressen som namn@exempel.se.")),
            Length(max=254, message=_l("E-postadressen får vara högst 254 tecken.")),
        ],
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, checked against the password rules."""

    password = PasswordField(
        _l("Nytt lösenord"),
        validators=[
            DataRequired(_l("Fyll i ett lösenord.")),
            Length(max=256, message=_l("Lösenordet får vara högst 256 tecken.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Upprepa lösenordet"),
        validators=[
            DataRequired(_l("Skriv lösenordet en gång till.")),
            EqualTo("password", _l("Lösenorden är inte likadana.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field) -> None:
        problems = password_problems(field.data or "", email=self._email)
        if problems:
            raise ValidationError(" ".join(text(p) for p in problems))


class ChangePasswordForm(NewPasswordForm):
    """A signed-in user's current password and a new one."""

    current = PasswordField(
        _l("Nuvarande lösenord"),
        validators=[DataRequired(_l("Fyll i ditt nuvarande lösenord."))],
        render_kw={"autocomplete": "current-password"},
    )
