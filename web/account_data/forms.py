"""The form on Mina uppgifter where a person chooses their notification mails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from pipeline.notifications import Kind, Mode
from web.i18n import text

_CHOOSE = _l("Välj hur du vill få de här meddelandena.")


class NotificationsForm(FlaskForm):
    """One choice per kind of notification: right away, a daily digest, or off."""

    def kind_fields(self) -> list[tuple[Kind, RadioField]]:
        return [(kind, self[kind.value]) for kind in Kind]

    def set_labels(self) -> None:
        """Labels and choices in the page's language."""
        for kind, field in self.kind_fields():
            field.label.text = text(kind.label)
            field.choices = [SelectChoice(mode.value, text(mode.label)) for mode in Mode]

    def chosen(self) -> dict[Kind, Mode]:
        return {kind: Mode(field.data) for kind, field in self.kind_fields()}


for _kind in Kind:
    setattr(
        NotificationsForm,
        _kind.value,
        RadioField(
            _kind.label.msgid,
            choices=[SelectChoice(mode.value, mode.value) for mode in Mode],
            validators=[
                InputRequired(_CHOOSE),
                AnyOf([mode.value for mode in Mode], message=_CHOOSE),
            ],
            validate_choice=False,
        ),
    )
