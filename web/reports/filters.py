"""Report filters as URL parameters (the board's kommun, utlysning and omrade, plus a period and
the stalled limit), read leniently: a bad value means the default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pipeline.reports import ReportFilters
from web.board.filters import parse_filters

MAX_STALLED_DAYS = 3650


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def parse_report_filters(
    args: Mapping[str, str], *, today: dt.date, stalled_after_days: int
) -> ReportFilters:
    """ReportFilters from request arguments; the period defaults to the last year."""
    ideas = parse_filters(args)
    default = ReportFilters.default(today)
    start = _date(args.get("fran")) or default.start
    end = _date(args.get("till")) or default.end
    if start > end:
        start, end = end, start
    raw = (args.get("stillastaende") or "").strip()
    stalled = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_STALLED_DAYS else None
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
