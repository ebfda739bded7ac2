"""The participants report as a page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from pipeline.models import User
from pipeline.reports import Participants, ReportFilters, participants
from web.reports.charts import Series, bar_chart
from web.reports.pages.common import Chart, ReportPage, _n, _share
from web.reports.tables import INT, PERCENT, Column, Table


def _participant_columns() -> list[Column]:
    return [
        Column(_("Idéer"), INT),
        Column(_("Kvinnor"), INT),
        Column(_("Män"), INT),
        Column(_("Kön ej angivet"), INT),
        Column(_("Deltagare totalt"), INT),
        Column(_("Andel kvinnor (%)"), PERCENT),
        Column(_("Idéer utan angivet antal"), INT),
    ]


def _participant_values(row) -> list[object]:
    return [
        row.ideas,
        row.women,
        row.men,
        row.unspecified,
        row.total,
        _share(row.women, row.women + row.men),
        row.without_figures,
    ]


def participants_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Planned participants, women and men, per call and per kommun."""
    report: Participants = participants(session, user, filters)
    none = _("Ingen utlysning")
    calls = Table(
        "utlysningar",
        _("Deltagare per utlysning"),
        [Column(_("Utlysning")), Column(_("Diarienummer")), *_participant_columns()],
        [[r.name or none, r.key or "–", *_participant_values(r)] for r in report.calls],
        note=_("Avbrutna idéer och idéer som fått avslag räknas inte."),
    )
    kommuner = Table(
        "kommuner",
        _("Deltagare per kommun"),
        [Column(_("Kommun")), *_participant_columns()],
        [[r.name, *_participant_values(r)] for r in report.municipalities],
        marked={i for i, r in enumerate(report.municipalities) if r.ideas == 0},
        note=_("En idé räknas i varje kommun den gäller."),
    )
    t = report.totals
    summary = _(
        "Planerat totalt: %(women)s kvinnor och %(men)s män, %(total)s deltagare varav "
        "%(open)s utan angivet kön.",
        women=_n(t.women),
        men=_n(t.men),
        total=_n(t.total),
        open=_n(t.unspecified),
    )
    if t.without_figures:
        summary += " " + ngettext(
            "%(num)s idé anger inget antal deltagare och räknas inte.",
            "%(num)s idéer anger inget antal deltagare och räknas inte.",
            t.without_figures,
        )

    def gender_chart(title: str, rows, labels) -> Callable[[], str]:
        return lambda: bar_chart(
            title,
            labels,
            [
                Series(_("Kvinnor"), [r.women for r in rows]),
                Series(_("Män"), [r.men for r in rows]),
            ],
            stacked=True,
            formatter=_n,
        )

    charts = [
        Chart(
            "deltagare-utlysningar",
            _("Planerade deltagare per utlysning"),
            summary,
            "utlysningar",
            gender_chart(
                _("Planerade deltagare per utlysning"),
                report.calls,
                [r.name or none for r in report.calls],
            ),
        ),
        Chart(
            "deltagare-kommuner",
            _("Planerade deltagare per kommun"),
            summary,
            "kommuner",
            gender_chart(
                _("Planerade deltagare per kommun"),
                report.municipalities,
                [r.name for r in report.municipalities],
            ),
        ),
    ]
    return ReportPage(
        "deltagare",
        _("Deltagare"),
        _("Planerade deltagare, kvinnor och män, per utlysning och per kommun."),
        [calls, kommuner],
        charts,
        report,
    )
