"""Gather ideas into a regional project."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import Length, ValidationError

from pipeline.services import TITLE_MAX
from web.ideas.forms import IdMultipleField, IdSelectField


class _AnyIds(IdMultipleField):
    """Idea ids from the list's checkboxes; the query checks they exist and are visible."""

    def pre_validate(self, form: FlaskForm) -> None:
        if not self.data:
            raise ValidationError(_l("Välj minst en idé i listan."))


class LinkForm(FlaskForm):
    """The ideas chosen, and the regional project (an existing one or a new name)."""

    idea_ids = _AnyIds(_l("Idéer"))
    regional_id = IdSelectField(_l("Befintligt regionalt projekt"))
    new_title = StringField(
        _l("Eller ett nytt regionalt projekt med namnet"),
        # No Optional(): it would stop the chain on an empty name before validate_new_title.
        validators=[Length(max=TITLE_MAX, message=_l("Högst %(max)d tecken."))],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )

    def validate_new_title(self, field: Field) -> None:
        if self.regional_id.data is None and not field.data:
            raise ValidationError(
                _l("Välj ett regionalt projekt eller skriv ett namn på ett nytt.")
            )
        if self.regional_id.data is not None and field.data:
            raise ValidationError(
                _l("Välj ett befintligt projekt eller skriv ett nytt namn, inte båda.")
            )
