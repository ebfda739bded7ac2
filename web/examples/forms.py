"""Forms of the good examples: the team's mark with the organisation's agreement, and a
withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from drafting.examples.marking import EMAIL_MAX, NAME_MAX, REASON_MAX
from web.ideas.forms import LocalDateField
from web.params import parse_id


class MarkExampleForm(FlaskForm):
    """The section's revision, and who at the owning organisation agreed, and when."""

    revision_id = HiddenField()
    confirmed = BooleanField(
        _l("Organisationen har godkänt att texten visas som gott exempel för andra"),
        validators=[DataRequired(_l("Kryssa i att organisationen har godkänt."))],
    )
    agreed_by_name = StringField(
        _l("Namn på den som godkände"),
        validators=[
            DataRequired(_l("Skriv namnet på den som godkände.")),
            Length(min=2, max=NAME_MAX, message=_l("Skriv 2–120 tecken.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    agreed_by_email = EmailField(
        _l("Hens e-postadress (valfritt)"),
        validators=[
            Optional(),
            Length(max=EMAIL_MAX),
            Email(_l("Skriv e-postadressen som namn@exempel.se.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    agreed_on = LocalDateField(
        _l("Dag då organisationen godkände"),
        validators=[InputRequired(_l("Skriv dagen som ÅÅÅÅ-MM-DD."))],
    )

    # A refusal that belongs to no one field (the section is already marked, ...).
    refusal: str = ""

    def revision(self) -> int | None:
        return parse_id(self.revision_id.data)


class WithdrawExampleForm(FlaskForm):
    """Why the example is withdrawn (optional)."""

    reason = TextAreaField(
        _l("Skäl (valfritt)"),
        validators=[Optional(), Length(max=REASON_MAX, message=_l("Skälet är för långt."))],
        render_kw={"rows": 2},
    )
    next = HiddenField()
