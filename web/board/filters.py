"""Board and list filters as URL parameters, read leniently: a bad value is simply ignored."""

from __future__ import annotations

from collections.abc import Mapping

from drafting.search.normalise import query_terms
from pipeline.models import User
from pipeline.queries import IdeaFilters
from pipeline.stages import Stage
from web.params import parse_id, parse_page

# URL parameter -> IdeaFilters field
PARAMS = {
    "kommun": "municipality_id",
    "org": "organisation_id",
    "omrade": "programme_area",
    "utlysning": "call_id",
    "skede": "stage",
    "q": "text",
    "granskare": "reviewer_id",
}
_INT_FIELDS = {"municipality_id", "organisation_id", "call_id", "reviewer_id"}
_STAGES = {s.value: s for s in Stage}


def parse_filters(args: Mapping[str, str], actor: User | None = None) -> IdeaFilters:
    """IdeaFilters from request arguments; unknown or malformed values mean no filter.

    With `actor`, the text becomes search terms (the full-text search, internal comments
    included for the support team); without, it stays a plain substring match.
    """
    values: dict[str, object] = {}
    for param, name in PARAMS.items():
        raw = (args.get(param) or "").strip()
        if not raw:
            continue
        if name in _INT_FIELDS:
            values[name] = parse_id(raw)
        elif name == "stage":
            values[name] = _STAGES.get(raw)
        else:
            values[name] = raw[:200]
    text = values.get("text")
    if actor is not None and isinstance(text, str):
        values["terms"] = tuple(query_terms(text))
        values["internal"] = actor.is_team
    return IdeaFilters(**values)


def filter_args(filters: IdeaFilters) -> dict[str, str]:
    """The URL parameters that reproduce `filters` (for links that keep the filtered view)."""
    args = {}
    for param, name in PARAMS.items():
        value = getattr(filters, name)
        if value is None or value == "":
            continue
        args[param] = value.value if isinstance(value, Stage) else str(value)
    return args


def page_number(args: Mapping[str, str]) -> int:
    """The ?sida= page number, 1 when missing or malformed."""
    return parse_page(args.get("sida"))
