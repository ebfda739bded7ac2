"""Each report as a page: its tables, its charts and their text summaries, in the reader's
language. The same tables feed the HTML, the CSV and the XLSX files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from drafting.coverage import DRAFT_ACTIVITY, Coverage, coverage
from drafting.review import LEVEL_LABELS
from pipeline.models import OrgType, User
from pipeline.reports import (
    Balance,
    Funnel,
    IdeaRow,
    Participants,
    ReportFilters,
    balance,
    funnel,
    participants,
)
from pipeline.stages import BOARD_ORDER, Stage
from web.i18n import date, sek, text
from web.reports.charts import Series, bar_chart
from web.reports.tables import DATE, DAYS, INT, PERCENT, SEK, Column, Table


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, title, text summary and the table holding the same numbers."""

    name: str
    title: str
    summary: str
    table: str
    draw: Callable[[], str]


@dataclass
class ReportPage:
    """What a report page, its downloads and its charts show."""

    slug: str
    title: str
    intro: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    data: object = None

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def chart(self, name: str) -> Chart | None:
        return next((c for c in self.charts if c.name == name), None)


def _n(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, format="#,##0.0")
    return format_decimal(value, format="#,##0")


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _stage(stage: Stage) -> str:
    return text(stage.label)


def _org_type(key: str) -> str:
    return text(OrgType(key).label)


# --- Funnel ------------------------------------------------------------------------------------


def funnel_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Ideas per stage, the period's flow, median days and the stalled ideas."""
    report: Funnel = funnel(session, user, filters, now=now, activity=(DRAFT_ACTIVITY,))
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


# --- Regional balance --------------------------------------------------------------------------


def _stage_columns() -> list[Column]:
    return [Column(_stage(s), INT) for s in BOARD_ORDER]


def _money_columns() -> list[Column]:
    return [
        Column(_("ESF-stöd planerat i aktiva idéer"), SEK),
        Column(_("ESF-stöd sökt"), SEK),
        Column(_("ESF-stöd beviljat"), SEK),
    ]


def balance_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Every kommun and every organisation type: ideas per stage, roles and ESF funds."""
    report: Balance = balance(session, user, filters)
    nothing = _("Inget i pipelinen")
    kommuner = Table(
        "kommuner",
        _("Kommuner"),
        [
            Column(_("Kommun")),
            Column(_("Status")),
            Column(_("Aktiva idéer"), INT),
            Column(_("Idéer totalt"), INT),
            Column(_("Projektägare i kommunen"), INT),
            Column(_("Samverkanspart i kommunen"), INT),
            *_money_columns(),
            *_stage_columns(),
        ],
        [
            [
                r.name,
                nothing if r.active == 0 else "",
                r.active,
                r.ideas,
                r.lead,
                r.partner,
                r.esf_planned,
                r.esf_applied,
                r.esf_granted,
                *(r.per_stage.get(s, 0) for s in BOARD_ORDER),
            ]
            for r in report.municipalities
        ],
        marked={i for i, r in enumerate(report.municipalities) if r.active == 0},
        note=_(
            "En idé räknas i varje kommun den gäller, så summan över kommunerna kan bli större "
            "än antalet idéer. Projektägare och samverkanspart räknar idéer där en organisation "
            "i kommunen har den rollen. Aktiva idéer är alla utom avslutade, avbrutna och "
            "avslagna."
        ),
    )
    types = Table(
        "organisationstyper",
        _("Organisationstyper"),
        [
            Column(_("Organisationstyp")),
            Column(_("Idéer som projektägare"), INT),
            Column(_("Idéer som samverkanspart"), INT),
            *_money_columns(),
            *_stage_columns(),
        ],
        [
            [
                _org_type(r.key),
                r.lead,
                r.partner,
                r.esf_planned,
                r.esf_applied,
                r.esf_granted,
                *(r.per_stage.get(s, 0) for s in BOARD_ORDER),
            ]
            for r in report.org_types
        ],
        note=_("Skeden och ESF-stöd avser idéer där organisationstypen är projektägare."),
    )
    empty = report.empty_municipalities
    names = [r.name for r in report.municipalities]
    top = max(report.municipalities, key=lambda r: r.esf_applied, default=None)
    charts = [
        Chart(
            "balans-kommuner",
            _("Aktiva idéer per kommun"),
            ngettext(
                "%(num)d av %(all)d kommuner har inget i pipelinen: %(names)s.",
                "%(num)d av %(all)d kommuner har inget i pipelinen: %(names)s.",
                len(empty),
                all=len(names),
                names=", ".join(r.name for r in empty),
            )
            if empty
            else _("Alla %(all)d kommuner har minst en aktiv idé.", all=len(names)),
            "kommuner",
            lambda: bar_chart(
                _("Aktiva idéer per kommun"),
                names,
                [Series(_("Aktiva idéer"), [r.active for r in report.municipalities])],
                formatter=_n,
            ),
        ),
        Chart(
            "balans-esf",
            _("ESF-stöd sökt och beviljat per kommun"),
            _(
                "Mest ESF-stöd har sökts för idéer i %(name)s: %(amount)s.",
                name=top.name,
                amount=sek(top.esf_applied),
            )
            if top and top.esf_applied
            else _("Inga ansökningar har skickats in för idéerna i urvalet."),
            "kommuner",
            lambda: bar_chart(
                _("ESF-stöd sökt och beviljat per kommun (kr)"),
                names,
                [
                    Series(_("Sökt"), [r.esf_applied for r in report.municipalities]),
                    Series(_("Beviljat"), [r.esf_granted for r in report.municipalities]),
                ],
                formatter=_n,
            ),
        ),
        Chart(
            "balans-organisationstyper",
            _("Idéer per organisationstyp som projektägare"),
            _(
                "Flest idéer leds av organisationstypen %(type)s (%(n)s).",
                type=_org_type(max(report.org_types, key=lambda r: r.lead).key),
                n=_n(max(r.lead for r in report.org_types)),
            )
            if any(r.lead for r in report.org_types)
            else _("Ingen idé i urvalet har en projektägare."),
            "organisationstyper",
            lambda: bar_chart(
                _("Idéer per organisationstyp som projektägare"),
                [_org_type(r.key) for r in report.org_types],
                [Series(_("Idéer"), [r.lead for r in report.org_types])],
                formatter=_n,
            ),
        ),
    ]
    return ReportPage(
        "regional-balans",
        _("Regional balans"),
        _(
            "Alla kommuner i regionen, också de utan idéer, och alla organisationstyper: "
            "idéer per skede, roller och ESF-stöd."
        ),
        [kommuner, types],
        charts,
        report,
    )


# --- Principle coverage ------------------------------------------------------------------------


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


# --- Participants ------------------------------------------------------------------------------


def _participant_columns() -> list[Column]:
    return [
        Column(_("Idéer"), INT),
        Column(_("Kvinnor"), INT),
        Column(_("Män"), INT),
        Column(_("Kön ej angivet"), INT),
        Column(_("Deltagare totalt"), INT),
        Column(_("Andel kvinnor (%)"), PERCENT),
    ]


def _participant_values(row) -> list[object]:
    return [
        row.ideas,
        row.women,
        row.men,
        row.unspecified,
        row.total,
        _share(row.women, row.women + row.men),
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


PAGES: dict[str, tuple[object, Callable]] = {
    "tratt": (_l("Tratten"), funnel_page),
    "regional-balans": (_l("Regional balans"), balance_page),
    "principer": (_l("Horisontella principer"), coverage_page),
    "deltagare": (_l("Deltagare"), participants_page),
}


# --- The pipeline list -------------------------------------------------------------------------


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
                r.programme_area,
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


__all__ = ["PAGES", "Chart", "ReportPage", "idea_list_table"]
