"""The pipeline list as one flat table for the downloads."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from pipeline import programme_areas
from pipeline.reports import IdeaRow
from web.i18n import locale
from web.reports.pages.common import _stage
from web.reports.tables import DATE, INT, SEK, Column, Table


def idea_list_table(rows: list[IdeaRow], now: dt.datetime) -> Table:
    """The pipeline list as one flat table."""
    return Table(
        "idelista",
        _("Idéer"),
        [
            Column(_("Id"), INT),
            Column(_("Titel")),
            Column(_("Skede")),
            Column(_("Dagar i skedet"), INT),
            Column(_("Projektägare")),
            Column(_("Kommuner")),
            Column(_("Utlysning")),
            Column(_("Programområde")),
            Column(_("Total budget"), SEK),
            Column(_("ESF-stöd sökt"), SEK),
            Column(_("ESF-stöd beviljat"), SEK),
            Column(_("Kvinnor"), INT),
            Column(_("Män"), INT),
            Column(_("Deltagare totalt"), INT),
            Column(_("Inskickad"), DATE),
            Column(_("Senast ändrad"), DATE),
        ],
        [
            [
                r.id,
                r.title,
                _stage(r.stage),
                (now - r.stage_changed_at).days,
                r.lead or "",
                ", ".join(r.municipalities),
                r.call or "",
                programme_areas.label(r.programme_area, locale()),
                r.budget_total,
                r.esf_share,
                r.esf_granted,
                r.women,
                r.men,
                r.total,
                r.submitted_on,
                r.updated_at,
            ]
            for r in rows
        ],
    )
