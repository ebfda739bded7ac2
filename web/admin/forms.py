"""Admin forms, one per use case. Database checks call the register's query helpers."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from pipeline import accounts, programme_areas, registry
from pipeline.models import Municipality, Organisation, OrgType, Role, User
from web import db
from web.i18n import locale, text
from web.params import DATE_MAX, DATE_MIN, parse_id

REQUIRED = _l("Fältet måste fyllas i.")


def optional_id(value: object) -> int | None:
    """Coerce a select's value to an id, with the empty choice meaning none."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    number = parse_id(value)
    if number is None:  # a tampered value: WTForms reports an invalid choice
        raise ValueError(value)
    return number


class SwedishDateField(DateField):
    """A date field whose parse error is translated."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Skriv datumet som ÅÅÅÅ-MM-DD."))) from exc
        if self.data is not None and not DATE_MIN <= self.data <= DATE_MAX:
            self.data = None
            raise ValueError(str(_l("Skriv ett datum mellan år 1900 och 2200.")))


class ChoiceField(SelectField):
    """A select whose invalid-choice messages are translated."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(_l("Välj ett av alternativen."))) from exc

    def pre_validate(self, form: FlaskForm) -> None:
        for _value, _label, selected, *_rest in self.iter_choices():
            if selected:
                return
        raise ValidationError(str(_l("Välj ett av alternativen.")))


def _organisation_choices(empty: str) -> list[tuple[int | str, str]]:
    orgs = db.session().query(Organisation).order_by(Organisation.name)
    return [("", empty), *[(o.id, o.name) for o in orgs]]


def _municipality_choices() -> list[tuple[int | str, str]]:
    munis = db.session().query(Municipality).order_by(Municipality.name)
    return [("", str(_l("Ingen kommun"))), *[(m.id, m.name) for m in munis]]


class OrganisationForm(FlaskForm):
    """Create or edit an organisation."""

    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=200, message=_l("Högst 200 tecken."))],
    )
    type = ChoiceField(_l("Typ av organisation"), validators=[DataRequired(REQUIRED)])
    municipality_id = ChoiceField(_l("Kommun"), coerce=optional_id, validators=[Optional()])
    org_number = StringField(
        _l("Organisationsnummer"),
        validators=[
            Optional(),
            Regexp(r"^\d{6}-\d{4}$", message=_l("Skriv organisationsnumret som NNNNNN-NNNN.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def __init__(self, *args, editing: Organisation | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._editing = editing
        self.type.choices = [(t.value, text(t.label)) for t in OrgType]
        self.municipality_id.choices = _municipality_choices()

    def validate_name(self, field: StringField) -> None:
        except_id = self._editing.id if self._editing else None
        if registry.organisation_name_taken(db.session(), field.data or "", except_id=except_id):
            raise ValidationError(str(_l("Det finns redan en organisation med det namnet.")))


def _role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(r.value, text(r.label)) for r in roles]


class InviteForm(FlaskForm):
    """Invite a person by e-mail."""

    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Högst 120 tecken."))],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-postadress"),
        validators=[
            DataRequired(REQUIRED),
            Email(_l("Skriv e-postadressen som namn@exempel.se.")),
            Length(max=254, message=_l("Högst 254 tecken.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    role = ChoiceField(_l("Roll"), validators=[DataRequired(REQUIRED)])
    organisation_id = ChoiceField(_l("Organisation"), coerce=optional_id)
    locale = ChoiceField(_l("Språk i inbjudan"), default="sv")

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices(accounts.invitable_roles(actor))
        self.organisation_id.choices = _organisation_choices(str(_l("Ingen organisation")))
        self.locale.choices = [("sv", "Svenska"), ("en", "English")]

    def validate_email(self, field: EmailField) -> None:
        if accounts.email_taken(db.session(), field.data or ""):
            raise ValidationError(str(_l("Det finns redan ett konto med den e-postadressen.")))

    def validate_organisation_id(self, field: SelectField) -> None:
        if self.role.data == Role.ACTOR.value and field.data is None:
            raise ValidationError(str(_l("En lokal aktör behöver tillhöra en organisation.")))


class UserForm(FlaskForm):
    """An admin edits a user's name, role, organisation and whether the account is active."""

    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("Högst 120 tecken."))],
    )
    role = ChoiceField(_l("Roll"), validators=[DataRequired(REQUIRED)])
    organisation_id = ChoiceField(_l("Organisation"), coerce=optional_id)
    is_active = BooleanField(_l("Kontot är aktivt (personen kan logga in)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices(list(Role))
        self.organisation_id.choices = _organisation_choices(str(_l("Ingen organisation")))

    def validate_organisation_id(self, field: SelectField) -> None:
        if self.role.data == Role.ACTOR.value and field.data is None:
            raise ValidationError(str(_l("En lokal aktör behöver tillhöra en organisation.")))


def template_choices() -> list[tuple[str, str]]:
    """The application templates a call can use, named in the current language."""
    from drafting.templates import available_templates, load_template
    from web.i18n import locale

    return [(key, load_template(key).name(locale())) for key in available_templates()]


class CallForm(FlaskForm):
    """Create or edit an utlysning."""

    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=200, message=_l("Högst 200 tecken."))],
    )
    diarienummer = StringField(
        _l("Diarienummer"),
        validators=[DataRequired(REQUIRED), Length(max=40, message=_l("Högst 40 tecken."))],
        render_kw={"autocomplete": "off"},
    )
    programme_area = ChoiceField(_l("Programområde"), validators=[DataRequired(REQUIRED)])
    specific_objective = StringField(
        _l("Specifikt mål"),
        validators=[Optional(), Length(max=120, message=_l("Högst 120 tecken."))],
    )
    opens = SwedishDateField(_l("Öppnar"), validators=[InputRequired(REQUIRED)])
    closes = SwedishDateField(_l("Stänger"), validators=[InputRequired(REQUIRED)])
    region = StringField(
        _l("Region"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("Högst 80 tecken."))],
    )
    template_key = ChoiceField(_l("Ansökningsmall"), validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, editing=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._editing = editing
        self.template_key.choices = template_choices()
        lang = locale()
        areas = [
            (area.key, programme_areas.label(area.key, lang))
            for period in reversed(programme_areas.periods())
            for area in period.areas
        ]
        stored = editing.programme_area if editing is not None else ""
        if stored and programme_areas.area(stored) is None:
            areas.append((stored, stored))  # written before the reference data: kept
        self.programme_area.choices = [("", str(_l("– Välj programområde –"))), *areas]

    def validate_programme_area(self, field: ChoiceField) -> None:
        found = programme_areas.area(field.data)
        if found is None or self.opens.data is None:
            return
        wanted = programme_areas.period_for_date(self.opens.data)
        if found.period != wanted.key:
            raise ValidationError(
                str(
                    _l(
                        "Utlysningen öppnar under %(period)s: välj ett av den periodens "
                        "programområden.",
                        period=text(wanted.name),
                    )
                )
            )

    def validate_diarienummer(self, field: StringField) -> None:
        except_id = self._editing.id if self._editing else None
        if registry.diarienummer_taken(db.session(), field.data or "", except_id=except_id):
            raise ValidationError(str(_l("Det finns redan en utlysning med det diarienumret.")))

    def validate_closes(self, field: DateField) -> None:
        opens: dt.date | None = self.opens.data
        if opens and field.data and field.data < opens:
            raise ValidationError(str(_l("Utlysningen kan inte stänga före den öppnar.")))


class MunicipalityForm(FlaskForm):
    """Add a kommun to the region."""

    code = StringField(
        _l("Kommunkod"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^\d{4}$", message=_l("Kommunkoden är fyra siffror.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("Högst 80 tecken."))],
    )


class MunicipalityRenameForm(FlaskForm):
    """Rename a kommun."""

    name = StringField(
        _l("Namn"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=_l("Högst 80 tecken."))],
    )
