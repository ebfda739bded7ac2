"""Forms of the application editor and its review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from drafting.review import LEVELS, REASON_MAX
from drafting.section_comments import QUOTE_MAX
from pipeline.services import TEXT_MAX
from web.params import parse_id


class SectionForm(FlaskForm):
    """One section's text and the revision the editor started from.

    The length is checked by the service so that an over-long text is kept, not cut.
    """

    text = TextAreaField(_l("Text"), render_kw={"rows": 18, "spellcheck": "true"})
    base_revision_id = HiddenField()

    def base_id(self) -> int | None:
        """The loaded revision's id, or None for a section never saved."""
        return parse_id(self.base_revision_id.data)


class CommentForm(FlaskForm):
    """A comment on a section, optionally on a quoted passage."""

    quote = TextAreaField(
        _l("Citat ur texten (valfritt)"),
        validators=[Optional(), Length(max=QUOTE_MAX)],
        render_kw={"rows": 2},
    )
    body = TextAreaField(
        _l("Kommentar"),
        validators=[
            DataRequired(_l("Skriv en kommentar.")),
            Length(max=TEXT_MAX, message=_l("Kommentaren är för lång.")),
        ],
        render_kw={"rows": 4},
    )
    internal = BooleanField(_l("Intern kommentar (syns bara för stödteamet)"))


class ChecklistForm(FlaskForm):
    """The team's decision on one checklist question."""

    principle = HiddenField(validators=[DataRequired()])
    item = HiddenField(validators=[DataRequired()])
    met = RadioField(
        _l("Bedömning"),
        choices=[SelectChoice("1", _l("Uppfyllt")), SelectChoice("0", _l("Inte uppfyllt"))],
        validators=[InputRequired(_l("Välj uppfyllt eller inte uppfyllt."))],
    )
    reason = TextAreaField(
        _l("Skäl"),
        validators=[Optional(), Length(max=REASON_MAX)],
        render_kw={"rows": 2},
    )


class LevelForm(FlaskForm):
    """The team's judgement of a principle's level."""

    principle = HiddenField(validators=[DataRequired()])
    level = SelectField(
        _l("Stödteamets bedömning av nivån"),
        choices=[SelectChoice("", ""), *[SelectChoice(level, level) for level in LEVELS]],
        validators=[Optional()],
    )
    reason = TextAreaField(
        _l("Skäl"), validators=[Optional(), Length(max=REASON_MAX)], render_kw={"rows": 2}
    )
