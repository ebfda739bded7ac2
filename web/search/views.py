"""GET /sok: one search box over ideas, drafts and comments, ranked, highlighted and paged;
and the support team's candidates for regional projects."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from drafting.search.normalise import query_terms
from drafting.search.snippets import snippets_for
from pipeline.queries import filter_options
from pipeline.queries.candidates import regional_candidates
from pipeline.queries.search import search_ideas
from web import db
from web.board.filters import filter_args, page_number, parse_filters

bp = Blueprint("search", __name__)

MAX_QUERY = 200


@bp.get("/sok")
@login_required
def results():
    """Every idea the user may see whose text holds all the words, best match first."""
    session = db.session()
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    terms = query_terms(query)
    filters = parse_filters(request.args)
    page = search_ideas(session, current_user, terms, filters, page=page_number(request.args))
    snippets = snippets_for(session, current_user, [h.idea for h in page.items], terms)
    args = filter_args(filters)
    args.pop("q", None)
    return render_template(
        "search/results.html",
        query=query,
        terms=terms,
        page=page,
        snippets=snippets,
        filters=filters,
        args=args,
        options=filter_options(session),
    )


@bp.get("/regionala-kandidater")
@login_required
def candidates():
    """Groups of similar local ideas in two or more kommuner, for the support team."""
    groups = regional_candidates(db.session(), current_user)
    return render_template("search/candidates.html", groups=groups)
