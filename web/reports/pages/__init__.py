"""Each report as a page: its tables, its charts and their text summaries, in the reader's
language. The same tables feed the HTML, the CSV and the XLSX files."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from web.reports.pages.balance import balance_page
from web.reports.pages.budget import budget_page
from web.reports.pages.common import Chart, ReportPage
from web.reports.pages.coverage import coverage_page
from web.reports.pages.funnel import funnel_page
from web.reports.pages.idea_list import idea_list_table
from web.reports.pages.participants import participants_page

PAGES: dict[str, tuple[object, Callable]] = {
    "tratt": (_l("Tratten"), funnel_page),
    "regional-balans": (_l("Regional balans"), balance_page),
    "principer": (_l("Horisontella principer"), coverage_page),
    "deltagare": (_l("Deltagare"), participants_page),
    "budget": (_l("Budget"), budget_page),
}

__all__ = ["PAGES", "Chart", "ReportPage", "idea_list_table"]
