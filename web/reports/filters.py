"""Report filters as URL parameters (the board's kommun, utlysning and omrade, plus a period and
the stalled limit), read leniently: a bad value means the default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pipeline.reports import ReportFilters
from web.board.filters import parse_filters
from web.params import parse_date, parse_int

MAX_STALLED_DAYS = 3650


def parse_report_filters(
    args: Mapping[str, str], *, today: dt.date, stalled_after_days: int
) -> ReportFilters:
    """ReportFilters from request arguments; the period defaults to the last year."""
    ideas = parse_filters(args)
    default = ReportFilters.default(today)
    start = parse_date(args.get("fran")) or default.start
    end = parse_date(args.get("till")) or default.end
    if start > end:
        start, end = end, start
    stalled = parse_int(args.get("stillastaende"), minimum=1, maximum=MAX_STALLED_DAYS)
    return ReportFilters(
        start=start,
        end=end,
        municipality_id=ideas.municipality_id,
        call_id=ideas.call_id,
        programme_area=ideas.programme_area,
        stalled_after_days=stalled or stalled_after_days,
    )


def report_args(filters: ReportFilters) -> dict[str, str]:
    """The URL parameters that reproduce `filters`."""
    args = {"fran": filters.start.isoformat(), "till": filters.end.isoformat()}
    if filters.municipality_id is not None:
        args["kommun"] = str(filters.municipality_id)
    if filters.call_id is not None:
        args["utlysning"] = str(filters.call_id)
    if filters.programme_area:
        args["omrade"] = filters.programme_area
    args["stillastaende"] = str(filters.stalled_after_days)
    return args
