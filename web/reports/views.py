"""Report pages, their charts as SVG documents, and CSV/XLSX downloads."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from pipeline.models import utcnow
from pipeline.queries import SORTS, filter_options, require_team
from pipeline.reports import idea_rows
from web import db
from web.board.filters import filter_args, parse_filters
from web.i18n import locale
from web.reports.exports import XLSX_MIMETYPE, to_csv, to_xlsx
from web.reports.filters import parse_report_filters, report_args
from web.reports.pages import PAGES, ReportPage, idea_list_table

bp = Blueprint("reports", __name__, url_prefix="/rapporter")

# A chart is its own SVG document shown through <img>: it may style itself, never run script.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'none'"


def _today(now: dt.datetime) -> dt.date:
    return now.date()


def _page(slug: str) -> tuple[ReportPage, object]:
    """Build report `slug` for the signed-in user from the URL's filters."""
    if slug not in PAGES:
        abort(404)
    require_team(current_user)
    now = utcnow()
    filters = parse_report_filters(
        request.args,
        today=_today(now),
        stalled_after_days=int(current_app.config.get("STALLED_AFTER_DAYS", 30)),
    )
    _label, build = PAGES[slug]
    return build(db.session(), current_user, filters, now), filters


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _stamp() -> str:
    return utcnow().strftime("%Y-%m-%d")


@bp.get("")
@login_required
def index():
    """The first report."""
    require_team(current_user)
    return redirect(url_for("reports.show", slug="tratt", **request.args))


@bp.get("/<slug>")
@login_required
def show(slug: str):
    """A report page: filters, charts with summaries, and the tables with the same numbers."""
    page, filters = _page(slug)
    return render_template(
        "reports/report.html",
        page=page,
        filters=filters,
        args=report_args(filters),
        options=filter_options(db.session()),
        pages=[(key, label) for key, (label, _build) in PAGES.items()],
    )


@bp.get("/<slug>.xlsx")
@login_required
def xlsx(slug: str):
    """Every table of a report as one workbook."""
    page, _filters = _page(slug)
    return _download(to_xlsx(page.tables), XLSX_MIMETYPE, f"framsyn-{slug}-{_stamp()}.xlsx")


@bp.get("/<slug>/<table>.csv")
@login_required
def csv(slug: str, table: str):
    """One table of a report as CSV."""
    page, _filters = _page(slug)
    found = page.table(table)
    if found is None:
        abort(404)
    return _download(
        to_csv(found, locale()), "text/csv; charset=utf-8", f"framsyn-{slug}-{table}-{_stamp()}.csv"
    )


@bp.get("/diagram/<slug>/<name>.svg")
@login_required
def chart(slug: str, name: str):
    """One chart as a standalone SVG document (its own CSP: inline style, no script)."""
    page, _filters = _page(slug)
    found = page.chart(name)
    if found is None:
        abort(404)
    response = Response(found.draw(), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


def _idea_list():
    """The pipeline list with the list's own filters and sort order, for the signed-in user."""
    filters = parse_filters(request.args, current_user)
    sort = request.args.get("sortera", "updated")
    sort = sort if sort in SORTS else "updated"
    descending = request.args.get("ordning", "fallande") != "stigande"
    now = utcnow()
    rows = idea_rows(db.session(), current_user, filters, sort=sort, descending=descending)
    return idea_list_table(rows, now), filter_args(filters)


@bp.get("/idelista.csv")
@login_required
def idea_list_csv():
    """The pipeline list as CSV, filtered and sorted like the list (an actor gets their own)."""
    table, _args = _idea_list()
    return _download(
        to_csv(table, locale()), "text/csv; charset=utf-8", f"framsyn-ideer-{_stamp()}.csv"
    )


@bp.get("/idelista.xlsx")
@login_required
def idea_list_xlsx():
    """The pipeline list as a workbook, filtered and sorted like the list."""
    table, _args = _idea_list()
    return _download(to_xlsx([table]), XLSX_MIMETYPE, f"framsyn-ideer-{_stamp()}.xlsx")
