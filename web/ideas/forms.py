"""One form per use case: a new idea, an edited idea, a stage move and a comment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from pipeline import programme_areas
from pipeline.models import ProjectIdea, Visibility
from pipeline.services import TEXT_MAX, TITLE_MAX, IdeaData
from web.i18n import locale, text
from web.params import DATE_MAX, DATE_MIN, parse_id, parse_int, read_date

SHORT_MAX = 120
PHONE_MAX = 40
EMAIL_MAX = 254
DIARIENUMMER_MAX = 40
# PostgreSQL's INTEGER holds up to 2 147 483 647; keep amounts well inside it.
AMOUNT_MAX = 2_000_000_000
PEOPLE_MAX = 1_000_000

OTHER = "other"


def programme_area_choices(lang: str) -> list[tuple[str, str]]:
    """The reference programme areas, newest period first, valued "<period>:<code>" and named
    in full with their period."""
    return [
        (area.key, programme_areas.label(area.key, lang))
        for period in reversed(programme_areas.periods())
        for area in period.areas
    ]


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def _newlines(value: str | None) -> str | None:
    """Browsers send CRLF; count and store a line break as one character."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(Field):
    """A whole number typed the way people write amounts: "1 250 000", "1250000 kr".

    A text input (with a numeric keyboard on phones): a number input would refuse the spaces
    Swedish uses to group digits.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "class": "number"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        raw = re.sub(r"[\s\u00a0\u202f]|kr$|sek$", "", valuelist[0].strip().lower())
        if raw == "":
            self.data = None
            return
        if not re.fullmatch(r"-?[0-9]{1,12}", raw):
            self.data = None
            raise ValueError(_l("Skriv ett heltal, till exempel 250000."))
        self.data = int(raw)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()  # the parse message says it all


class LocalDateField(DateField):
    """A date typed as year-month-day (ÅÅÅÅ-MM-DD), the same in both languages.

    A text input, not type="date": Chromium shows that in the browser's own order (mm/dd/yyyy
    in English) and typed digits land in the wrong parts. app.js adds a button that opens the
    browser's date picker and writes the picked day here as ÅÅÅÅ-MM-DD.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "render_kw",
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "date",
                "size": "10",
                "data-date-picker": "1",
            },
        )
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return  # not sent: the value stays as it was
        if not valuelist[0].strip():
            self.data = None
            return
        self.data = read_date(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-09-01."))
        if not DATE_MIN <= self.data <= DATE_MAX:
            self.data = None
            raise ValueError(_l("Skriv ett datum mellan år 1900 och 2200."))

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()


def _optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    number = parse_id(value)
    if number is None:
        raise ValueError(value)
    return number


class IdSelectField(SelectField):
    """A select of database rows by id, with an optional empty choice."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", _optional_int)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            try:
                self.data = self.coerce(valuelist[0])
            except (TypeError, ValueError):
                self.data = None
                raise ValueError(_l("Välj ett av alternativen i listan.")) from None

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data is not None and self.data not in {c.value for c in self.choices}:
            raise StopValidation(_l("Välj ett av alternativen i listan."))


class IdMultipleField(SelectMultipleField):
    """Several database rows by id."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return  # not sent: the value stays as it was
        # The form sends an empty value first, so "none chosen" differs from "not sent".
        sent = {v for v in valuelist if v != ""}
        ids = {parse_id(v) for v in sent} - {None}
        self.data = sorted(ids)  # keep what can be kept, and say the rest was wrong
        if len(ids) != len(sent):
            raise ValueError(_l("Välj bland alternativen i listan."))

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()
        known = {c.value for c in self.choices}
        if any(value not in known for value in self.data or ()):
            raise StopValidation(_l("Välj bland alternativen i listan."))


class CheckboxesField(IdMultipleField):
    """Several rows by id, as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Long texts get no HTML maxlength: the browser would cut a paste without a word. The server
# refuses a text over the limit and shows it again, whole, with the counter saying how much over.
NO_CUT = {"maxlength": False}


def _text(label, hint_max: int, *validators) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=hint_max, message=_l("Högst %(max)d tecken.")),
            *validators,
        ],
        filters=[_newlines, _strip],
        render_kw=NO_CUT,
    )


def _people(label) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            Optional(),
            NumberRange(0, PEOPLE_MAX, _l("Ange ett antal mellan %(min)s och %(max)s.")),
        ],
    )


def _amount(label) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            Optional(),
            NumberRange(0, AMOUNT_MAX, _l("Ange ett belopp mellan %(min)s och %(max)s kronor.")),
        ],
    )


class NewIdeaForm(FlaskForm):
    """A local actor (or the support team) registers a project idea."""

    title = StringField(
        _l("Titel"),
        validators=[
            DataRequired(_l("Ge idén en titel.")),
            Length(max=TITLE_MAX, message=_l("Titeln får vara högst %(max)d tecken.")),
        ],
        filters=[_strip],
    )
    summary = _text(_l("Sammanfattning"), TEXT_MAX)
    background = _text(_l("Problem och bakgrund"), TEXT_MAX)
    purpose = _text(_l("Syfte"), TEXT_MAX)
    target_groups = _text(_l("Målgrupper"), TEXT_MAX)
    participants_women = _people(_l("Deltagare, kvinnor"))
    participants_men = _people(_l("Deltagare, män"))
    participants_total = _people(_l("Deltagare totalt"))
    municipality_ids = CheckboxesField(_l("Kommuner"))
    lead_organisation_id = IdSelectField(_l("Projektägare"))
    partner_ids = IdMultipleField(_l("Samverkansparter"))
    programme_area = SelectField(_l("Programområde"), default="")
    programme_area_other = StringField(
        _l("Annat programområde"),
        validators=[Optional(), Length(max=SHORT_MAX, message=_l("Högst %(max)d tecken."))],
        filters=[_strip],
    )
    call_id = IdSelectField(_l("Utlysning"))
    budget_total = _amount(_l("Total budget (kr)"))
    esf_share = _amount(_l("Sökt ESF-stöd (kr)"))
    period_start = LocalDateField(_l("Projektet startar"), validators=[Optional()])
    period_end = LocalDateField(_l("Projektet slutar"), validators=[Optional()])
    contact_name = StringField(
        _l("Kontaktperson"),
        validators=[Optional(), Length(max=SHORT_MAX, message=_l("Högst %(max)d tecken."))],
        filters=[_strip],
        render_kw={"autocomplete": "name"},
    )
    contact_email = EmailField(
        _l("Kontaktpersonens e-post"),
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=_l("Högst %(max)d tecken.")),
            Email(_l("Skriv e-postadressen som namn@exempel.se.")),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "email"},
    )
    contact_phone = TelField(
        _l("Kontaktpersonens telefon"),
        validators=[
            Optional(),
            Length(max=PHONE_MAX, message=_l("Högst %(max)d tecken.")),
            Regexp(
                r"^[0-9 +()\-]*$",
                message=_l("Skriv telefonnumret med siffror, till exempel 090-123 45."),
            ),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "tel"},
    )

    def set_choices(
        self,
        municipalities: Iterable[tuple[int, str]],
        organisations: Iterable[tuple[int, str]],
        calls: Iterable[tuple[int, str]],
        call_opens: dict[int, dt.date] | None = None,
    ) -> None:
        """Fill the selects from the database; `call_opens` (call id -> opening day) decides
        which programme period an idea under that call belongs to."""
        self._call_opens = call_opens or {}
        organisations = list(organisations)
        self.municipality_ids.choices = choices(municipalities)
        if self.lead_organisation_id is not None:
            self.lead_organisation_id.choices = choices(
                [(None, _l("– Ingen vald ännu –")), *organisations]
            )
        self.partner_ids.choices = choices(organisations)
        self.call_id.choices = choices([(None, _l("– Ingen utlysning ännu –")), *calls])
        self.programme_area.choices = choices(
            [
                ("", _l("– Välj programområde –")),
                *programme_area_choices(locale()),
                (OTHER, _l("Annat (skriv nedan)")),
            ]
        )

    def validate_participants_total(self, field: Field) -> None:
        women = self.participants_women.data or 0
        men = self.participants_men.data or 0
        if field.data is not None and field.data < women + men:
            raise ValidationError(_l("Totalt antal deltagare måste vara minst kvinnor + män."))

    def validate_esf_share(self, field: Field) -> None:
        budget = self.budget_total.data
        if field.data is not None and budget is not None and field.data > budget:
            raise ValidationError(_l("Sökt ESF-stöd kan inte vara större än total budget."))

    def validate_period_end(self, field: Field) -> None:
        start = self.period_start.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_l("Projektet kan inte sluta före det startar."))

    def validate_programme_area(self, field: Field) -> None:
        if field.data == OTHER and not self.programme_area_other.data:
            raise ValidationError(_l("Skriv vilket programområde det gäller i fältet nedan."))
        call_id = self.call_id.data
        opens = self._call_opens.get(call_id) if call_id is not None else None
        problem = programme_areas.check(field.data, opens)
        if problem is not None:
            raise ValidationError(text(problem))

    @staticmethod
    def initial(idea: ProjectIdea) -> dict[str, object]:
        """An existing idea's values as the form's starting data.

        On a GET the page shows them; on a POST every field the post lacks keeps them, so a
        partial post never empties what it did not send.
        """
        data: dict[str, object] = {name: getattr(idea, name) for name in IDEA_FIELDS}
        data["municipality_ids"] = [m.id for m in idea.municipalities]
        data["partner_ids"] = [p.organisation_id for p in idea.partners]
        data["lead_organisation_id"] = idea.lead_organisation_id
        area = idea.programme_area or ""
        if area and programme_areas.area(area) is None:
            data["programme_area"], data["programme_area_other"] = OTHER, area
        else:
            data["programme_area"], data["programme_area_other"] = area, ""
        data["version"] = str(idea.version)
        return data

    def to_data(self, lead_organisation_id: int | None) -> IdeaData:
        """The form's values as the service layer takes them."""
        values = {name: self[name].data for name in IDEA_FIELDS}
        for name in ("summary", "background", "purpose", "target_groups"):
            values[name] = values[name] or ""
        for name in ("contact_name", "contact_email", "contact_phone"):
            values[name] = values[name] or ""
        area = self.programme_area.data or ""
        values["programme_area"] = (self.programme_area_other.data or "") if area == OTHER else area
        if self.lead_organisation_id is not None:
            lead_organisation_id = self.lead_organisation_id.data
        return IdeaData(
            **values,
            lead_organisation_id=lead_organisation_id,
            partner_ids=list(self.partner_ids.data or []),
            municipality_ids=list(self.municipality_ids.data or []),
        )


NUMBER_FIELDS = (
    "participants_women",
    "participants_men",
    "participants_total",
    "budget_total",
    "esf_share",
)
IDEA_FIELDS = (
    "title",
    "summary",
    "background",
    "purpose",
    "target_groups",
    *NUMBER_FIELDS,
    "call_id",
    "period_start",
    "period_end",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class EditIdeaForm(NewIdeaForm):
    """Someone who may edit an idea changes its content, from the version they loaded."""

    version = HiddenField()

    def base_version(self) -> int | None:
        """The version the editor started from (None when the post did not say)."""
        return parse_int(self.version.data)


class MoveForm(FlaskForm):
    """Move an idea to another stage, with a comment and the values the move records."""

    target = RadioField(
        _l("Nästa steg"),
        validators=[InputRequired(_l("Välj vart idén ska flyttas."))],
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Kommentar till flytten"),
        validators=[Optional(), Length(max=TEXT_MAX, message=_l("Högst %(max)d tecken."))],
        filters=[_newlines, _strip],
        render_kw=NO_CUT,
    )
    submitted_on = LocalDateField(_l("Datum då ansökan skickades in"), validators=[Optional()])
    esf_diarienummer = StringField(
        _l("Diarienummer hos Svenska ESF-rådet"),
        validators=[
            Optional(),
            Length(max=DIARIENUMMER_MAX, message=_l("Högst %(max)d tecken.")),
        ],
        filters=[_strip],
    )
    esf_granted = _amount(_l("Beviljat ESF-stöd (kr)"))
    changes_due_on = LocalDateField(_l("Sista dag för kompletteringen"), validators=[Optional()])

    def set_targets(self, targets: Iterable[str]) -> None:
        self.target.choices = choices((t, t) for t in targets)

    def validate_target(self, field: Field) -> None:
        if field.data not in {c.value for c in field.choices or ()}:
            raise ValidationError(_l("Det går inte att flytta idén dit just nu."))


class CommentForm(FlaskForm):
    """A comment on an idea, shared with the applicant or internal to the support team."""

    body = TextAreaField(
        _l("Kommentar"),
        validators=[
            DataRequired(_l("Skriv en kommentar.")),
            Length(max=TEXT_MAX, message=_l("Högst %(max)d tecken.")),
        ],
        filters=[_newlines, _strip],
        render_kw=NO_CUT,
    )
    visibility = RadioField(
        _l("Vem ser kommentaren?"),
        choices=choices(
            [
                (Visibility.SHARED.value, _l("Delad med projektet")),
                (Visibility.INTERNAL.value, _l("Intern, bara stödteamet")),
            ]
        ),
        default=Visibility.SHARED.value,
        validate_choice=True,
    )


class ReviewerForm(FlaskForm):
    """The support team names who reviews an idea."""

    reviewer_id = IdSelectField(_l("Granskare"))
