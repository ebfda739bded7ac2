"""The funnel report as a page."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from drafting.coverage import STALLED_ACTIVITY
from pipeline.models import User
from pipeline.reports import Funnel, ReportFilters, funnel
from pipeline.stages import Stage
from web.i18n import date
from web.reports.charts import Series, bar_chart
from web.reports.pages.common import Chart, ReportPage, _n, _stage
from web.reports.tables import DATE, DAYS, INT, Column, Table


def funnel_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Ideas per stage, the period's flow, median days and the stalled ideas."""
    report: Funnel = funnel(session, user, filters, now=now, activity=STALLED_ACTIVITY)
    period = _("%(start)s–%(end)s", start=date(filters.start), end=date(filters.end))
    stages = Table(
        "skeden",
        _("Idéer per skede"),
        [
            Column(_("Skede")),
            Column(_("Idéer nu"), INT),
            Column(_("Kom in under perioden"), INT),
            Column(_("Lämnade under perioden"), INT),
            Column(_("Median dagar i skedet"), DAYS),
            Column(_("Avslutade vistelser i perioden"), INT),
            Column(_("Stillastående nu"), INT),
        ],
        [
            [_stage(r.stage), r.now, r.entered, r.left, r.median_days, r.stays, r.stalled]
            for r in report.rows
        ],
        note=_(
            "Perioden %(period)s gäller flödet och mediantiden: idéer som kom in i eller lämnade "
            "ett skede under perioden, och tiden i de skeden som lämnades under perioden.",
            period=period,
        ),
    )
    stalled = Table(
        "stillastaende",
        _("Stillastående idéer"),
        [
            Column(_("Idé")),
            Column(_("Skede")),
            Column(_("Projektägare")),
            Column(_("Senaste aktivitet"), DATE),
            Column(_("Dagar utan aktivitet"), INT),
        ],
        [
            [s.title, _stage(s.stage), s.lead or "–", s.last_activity, s.days]
            for s in report.stalled
        ],
        note=ngettext(
            "%(num)d idé i ett förberedande skede har inte ändrats på mer än %(days)d dagar "
            "(skede, innehåll, kommentarer eller utkast).",
            "%(num)d idéer i förberedande skeden har inte ändrats på mer än %(days)d dagar "
            "(skede, innehåll, kommentarer eller utkast).",
            report.stalled_total,
            days=report.stalled_after_days,
        )
        + (
            " " + _("Här visas de %(n)d som väntat längst.", n=len(report.stalled))
            if report.stalled_total > len(report.stalled)
            else ""
        ),
    )
    stalled.links = {i: s.id for i, s in enumerate(report.stalled)}
    labels = [_stage(r.stage) for r in report.rows]
    biggest = max(report.rows, key=lambda r: r.now)
    entered = {r.stage: r.entered for r in report.rows}
    medians = [r for r in report.rows if r.median_days is not None]
    longest = max(medians, key=lambda r: r.median_days) if medians else None
    charts = [
        Chart(
            "tratt-nu",
            _("Idéer per skede just nu"),
            _(
                "Just nu finns %(total)s idéer. Flest finns i skedet %(stage)s (%(n)s).",
                total=_n(report.total),
                stage=_stage(biggest.stage),
                n=_n(biggest.now),
            )
            if report.total
            else _("Det finns inga idéer som matchar filtret."),
            "skeden",
            lambda: bar_chart(
                _("Idéer per skede just nu"),
                labels,
                [Series(_("Idéer"), [r.now for r in report.rows])],
                formatter=_n,
            ),
        ),
        Chart(
            "tratt-perioden",
            _("Idéer som kom in i varje skede under perioden"),
            _(
                "Under perioden %(period)s registrerades %(new)s nya idéer och %(submitted)s "
                "ansökningar skickades in.",
                period=period,
                new=_n(entered[Stage.IDEA]),
                submitted=_n(entered[Stage.SUBMITTED]),
            ),
            "skeden",
            lambda: bar_chart(
                _("Idéer som kom in i varje skede under perioden"),
                labels,
                [Series(_("Idéer"), [r.entered for r in report.rows])],
                formatter=_n,
            ),
        ),
        Chart(
            "tratt-median",
            _("Median dagar i varje skede"),
            _(
                "Längst mediantid hade skedet %(stage)s: %(days)s dagar (%(n)s avslutade "
                "vistelser).",
                stage=_stage(longest.stage),
                days=_n(longest.median_days),
                n=_n(longest.stays),
            )
            if longest
            else _("Ingen idé lämnade något skede under perioden."),
            "skeden",
            lambda: bar_chart(
                _("Median dagar i varje skede"),
                labels,
                [Series(_("Dagar"), [r.median_days or 0 for r in report.rows])],
                formatter=_n,
            ),
        ),
    ]
    return ReportPage(
        "tratt",
        _("Tratten"),
        _("Var idéerna finns nu, hur de rör sig genom skedena och var de fastnar."),
        [stages, stalled],
        charts,
        report,
    )
