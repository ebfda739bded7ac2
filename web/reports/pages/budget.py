"""The regional budget per kommun and call as a page."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from drafting.budget.report import budget_report
from pipeline.models import User
from pipeline.reports import ReportFilters
from web.reports.pages.common import ReportPage
from web.reports.tables import INT, SEK, Column, Table


def budget_page(session: Session, user: User, filters: ReportFilters, now: dt.datetime):
    """Budget and ESF support per kommun and call, structured budgets before estimates."""
    rows = budget_report(session, user, filters)
    table = Table(
        "budget",
        _("Budget och ESF-stöd per kommun och utlysning"),
        [
            Column(_("Kommun")),
            Column(_("Utlysning")),
            Column(_("Källa")),
            Column(_("Total budget"), SEK),
            Column(_("ESF-stöd"), SEK),
            Column(_("ESF-andel (%)")),
            Column(_("Idéer med budgetkalkyl"), INT),
            Column(_("Idéer med uppskattning"), INT),
            Column(_("Idéer utan budget"), INT),
        ],
        [
            [
                r.municipality,
                r.call,
                _("uppskattning") if r.only_estimates else _("budgetkalkyl"),
                r.total,
                r.esf,
                f"{r.esf_share * 100:.1f}".replace(".", ",") if r.esf_share is not None else "–",
                r.structured,
                r.estimated,
                r.without,
            ]
            for r in rows
        ],
        marked={i for i, r in enumerate(rows) if r.only_estimates},
        note=_(
            "Beloppen kommer från ansökningarnas budgetkalkyler där de finns och annars från "
            "idéernas uppskattade budget och ESF-stöd; rader med bara uppskattningar är "
            "markerade. En idé räknas i varje kommun den gäller. Aktiva idéer ingår."
        ),
    )
    return ReportPage(
        "budget",
        _("Budget per kommun och utlysning"),
        _("Den regionala budgeten och ESF-andelen, från budgetkalkylerna där de finns."),
        [table],
    )
