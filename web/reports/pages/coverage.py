"""The principle coverage report as a page."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from drafting.coverage import Coverage, coverage
from drafting.review import LEVEL_LABELS
from pipeline.models import User
from pipeline.reports import ReportFilters
from web.i18n import text
from web.reports.charts import Series, bar_chart
from web.reports.pages.common import Chart, ReportPage, _n, _share
from web.reports.tables import INT, PERCENT, Column, Table


def _level_columns() -> list[Column]:
    return [Column(text(LEVEL_LABELS[level]), INT) for level in LEVEL_LABELS]


def _levels(counts) -> list[int]:
    return [counts.counts[level] for level in LEVEL_LABELS]


def coverage_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Per principle, kommun and call: drafts at each level; and the common findings."""
    report: Coverage = coverage(session, user, filters.ideas)
    principles = Table(
        "principer",
        _("Principer"),
        [
            Column(_("Princip")),
            *_level_columns(),
            Column(_("Utkast"), INT),
            Column(_("Andel konkret eller integrerad (%)"), PERCENT),
        ],
        [
            [text(c.label), *_levels(c), c.total, _share(c.concrete_or_better, c.total)]
            for c in report.principles
        ],
        note=ngettext(
            "%(num)d utkast har kontrollerats; varje utkast räknas efter sin senaste kontroll, "
            "och stödteamets bedömning av en nivå gäller före kontrollens.",
            "%(num)d utkast har kontrollerats; varje utkast räknas efter sin senaste kontroll, "
            "och stödteamets bedömning av en nivå gäller före kontrollens.",
            report.drafts,
        )
        + (
            " " + _("%(n)s utkast har ännu inte kontrollerats.", n=_n(report.unchecked))
            if report.unchecked
            else ""
        ),
    )

    def grouped(key: str, title: str, head: list[Column], groups, label) -> Table:
        rows, marked = [], set()
        for group in groups:
            for counts in group.principles.values():
                if group.drafts == 0:
                    marked.add(len(rows))
                rows.append([*label(group), text(counts.label), *_levels(counts), group.drafts])
        return Table(
            key,
            title,
            [*head, Column(_("Princip")), *_level_columns(), Column(_("Utkast"), INT)],
            rows,
            marked=marked,
        )

    kommuner = grouped(
        "kommuner",
        _("Principer per kommun"),
        [Column(_("Kommun"))],
        report.municipalities,
        lambda g: [g.name],
    )
    kommuner.note = _("Ett utkast räknas i varje kommun som idén gäller.")
    calls = grouped(
        "utlysningar",
        _("Principer per utlysning"),
        [Column(_("Utlysning")), Column(_("Diarienummer"))],
        report.calls,
        lambda g: [g.name or _("Ingen utlysning"), g.key or "–"],
    )
    findings = Table(
        "brister",
        _("Vanligaste bristerna"),
        [
            Column(_("Brist")),
            Column(_("Utkast"), INT),
            Column(_("Förekomster"), INT),
            Column(_("Exempel på meddelande")),
        ],
        [[text(f.label), f.drafts, f.occurrences, text(f.example)] for f in report.findings],
        note=_(
            "Fel och varningar i utkastens senaste kontroll, efter hur många utkast som har "
            "dem: underlag för att planera utbildning."
        ),
    )
    level_names = [text(LEVEL_LABELS[level]) for level in LEVEL_LABELS]
    shares = ", ".join(
        f"{text(c.label)} {_n(_share(c.concrete_or_better, c.total))} %"
        for c in report.principles
        if c.total
    )
    charts = [
        Chart(
            "principer",
            _("Utkast per princip och nivå"),
            _(
                "Andel utkast där principen är konkret eller integrerad: %(shares)s.",
                shares=shares,
            )
            if shares
            else _("Inga kontrollerade utkast matchar filtret."),
            "principer",
            lambda: bar_chart(
                _("Utkast per princip och nivå"),
                [text(c.label) for c in report.principles],
                [
                    Series(name, [c.counts[level] for c in report.principles])
                    for name, level in zip(level_names, LEVEL_LABELS, strict=True)
                ],
                stacked=True,
                formatter=_n,
            ),
        ),
        Chart(
            "brister",
            _("Vanligaste bristerna"),
            _(
                "Vanligast är %(label)s, i %(n)s utkast.",
                label=text(report.findings[0].label),
                n=_n(report.findings[0].drafts),
            )
            if report.findings
            else _("Inga brister hittades i de kontrollerade utkasten."),
            "brister",
            lambda: bar_chart(
                _("Vanligaste bristerna (antal utkast)"),
                [text(f.label) for f in report.findings],
                [Series(_("Utkast"), [f.drafts for f in report.findings])],
                formatter=_n,
            ),
        ),
    ]
    return ReportPage(
        "principer",
        _("Horisontella principer"),
        _(
            "Hur väl utkasten täcker de horisontella principerna, per kommun och utlysning, och "
            "vad de oftast saknar."
        ),
        [principles, findings, kommuner, calls],
        charts,
        report,
    )
