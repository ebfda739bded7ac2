"""The audit page and its CSV download; filters live in the URL so a view can be shared."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pipeline import accounts, audit
from pipeline.services import log_activity
from web import db
from web.audit.labels import action_label, describe, entity_label
from web.extensions import login_manager
from web.params import parse_date, parse_id, parse_page

bp = Blueprint("audit", __name__, url_prefix="/admin")

# The filter's groups ("idea." matches every idea action).
ACTION_GROUPS = {
    "auth.": _l("Alla inloggningshändelser"),
    "idea.": _l("Alla idéhändelser"),
    "user.": _l("Alla användarhändelser"),
    "person.": _l("Alla personuppgiftshändelser"),
    "draft.": _l("Alla ansökningshändelser"),
}
CSV_LIMIT = 100_000


@bp.before_request
def _admins_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not audit.may_read_audit(current_user):
        abort(403)
    return None


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {
        "accounts": accounts,
        "action_label": action_label,
        "entity_label": entity_label,
        "describe": describe,
    }


def _start_of(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm"))
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def parse(args: Mapping[str, str]) -> tuple[audit.AuditFilters, dict[str, str]]:
    """Filters from the URL, leniently (a malformed value means no filter), and the clean args."""
    user_id = parse_id(args.get("person"))
    idea_id = parse_id(args.get("ide"))
    action = (args.get("handelse") or "").strip()[:60] or None
    since, until = parse_date(args.get("fran")), parse_date(args.get("till"))
    filters = audit.AuditFilters(
        user_id=user_id,
        action=action,
        idea_id=idea_id,
        since=_start_of(since) if since else None,
        until=_start_of(until + dt.timedelta(days=1)) if until else None,
    )
    clean = {
        "person": str(user_id) if user_id is not None else "",
        "ide": str(idea_id) if idea_id is not None else "",
        "handelse": action or "",
        "fran": since.isoformat() if since else "",
        "till": until.isoformat() if until else "",
    }
    return filters, {k: v for k, v in clean.items() if v}


@bp.get("/logg")
def log():
    """Who did what and when, filtered by person, action, idea and period."""
    session = db.session()
    filters, args = parse(request.args)
    page = audit.search(session, current_user, filters, page=parse_page(request.args.get("sida")))
    return render_template(
        "audit/log.html",
        page=page,
        args=args,
        people=audit.people(session, current_user),
        actions=audit.actions(session, current_user),
        groups=ACTION_GROUPS,
        titles=audit.idea_titles(session, page.items),
        csv_url=url_for("audit.download", **args),
    )


@bp.get("/logg.csv")
def download():
    """The filtered log as CSV (cells that a spreadsheet would run as formulas are quoted)."""
    session = db.session()
    filters, args = parse(request.args)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "time_utc",
            "user_id",
            "user",
            "action",
            "entity",
            "idea_id",
            "details",
            "action_text",
            "details_text",
        ]
    )
    for entry in audit.iter_entries(session, current_user, filters, limit=CSV_LIMIT):
        writer.writerow(
            _safe(v)
            for v in (
                entry.id,
                entry.created_at.isoformat(),
                entry.user_id or "",
                entry.user.name if entry.user else "",
                entry.action,
                f"{entry.entity_type} {entry.entity_id or ''}".strip(),
                entry.idea_id or "",
                json.dumps(entry.details, ensure_ascii=False) if entry.details else "",
                action_label(entry.action),
                describe(entry.details, entry.action, limit=10_000),
            )
        )
    log_activity(session, current_user, "audit.export", current_user, filters=args)
    session.commit()
    response = Response(out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=framsyn-handelselogg.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _safe(value: object) -> object:
    """Quote text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
