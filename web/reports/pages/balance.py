"""The regional balance report as a page."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from pipeline.models import User
from pipeline.reports import Balance, ReportFilters, balance
from pipeline.stages import BOARD_ORDER
from web.i18n import sek
from web.reports.charts import Series, bar_chart
from web.reports.pages.common import Chart, ReportPage, _n, _org_type, _stage
from web.reports.tables import INT, SEK, Column, Table


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
        )
        + (
            " "
            + ngettext(
                "%(num)s aktiv idé anger inget sökt ESF-stöd och ingår inte i summorna.",
                "%(num)s aktiva idéer anger inget sökt ESF-stöd och ingår inte i summorna.",
                report.without_esf_share,
            )
            if report.without_esf_share
            else ""
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
