"""The forms of the Word page: start an export, upload a document to import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField


class ExportForm(FlaskForm):
    """Choose the revision and what to include."""

    revision = SelectField(_l("Revision"), coerce=int, default=-1)
    appendix = BooleanField(_l("Ta med bilagan Horisontella principer – kontroll"))
    comments = BooleanField(_l("Ta med granskningskommentarerna som Word-kommentarer"))


class ImportForm(FlaskForm):
    """A .docx to read into the draft, and where text under unknown headings goes."""

    document = FileField(
        _l("Word-dokument (.docx, högst 10 MB)"),
        validators=[
            FileRequired(_l("Välj en fil.")),
            FileAllowed(["docx"], _l("Välj en Word-fil som slutar på .docx.")),
        ],
    )
    unmatched_target = SelectField(_l("Text under rubriker som inte känns igen läggs i"))
