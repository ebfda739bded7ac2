"""The drafts pages: the application editor and its review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for

from drafting import review
from drafting.check_runs import latest_check
from drafting.models import Draft
from drafting.revisions import get_draft
from pipeline.models import ProjectIdea
from pipeline.stages import DRAFT_STAGES
from web import db

# Endpoints other page packages may give the idea page; the first registered one is linked.
IDEA_ENDPOINTS = ("ideas.show", "ideas.detail", "ideas.view", "ideas.idea")


@dataclass(frozen=True)
class DraftPanel:
    """What the idea page shows about the application: levels and where to edit."""

    draft: Draft | None
    levels: list[tuple[str, str]]
    url: str


def draft_panel(idea: ProjectIdea) -> DraftPanel | None:
    """The idea page's summary of the draft, or None before the idea reaches drafting."""
    session = db.session()
    draft = get_draft(session, idea)
    if draft is None and idea.stage not in DRAFT_STAGES:
        return None
    levels: list[tuple[str, str]] = []
    if draft is not None:
        run = latest_check(session, draft)
        if run is not None:
            found = dict(run.levels or {})
            mandatory = review.mandatory_principles()
            order = list(mandatory) + sorted(set(found) - set(mandatory))
            levels = [(p, found.get(p, "absent")) for p in order]
    return DraftPanel(draft, levels, url_for("drafts.overview", idea_id=idea.id))


def idea_url(idea: ProjectIdea) -> str | None:
    """The idea page's address, when the ideas pages provide one."""
    for endpoint in IDEA_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, idea_id=idea.id)
    return None


def evidence_text(item: Any) -> str:
    """The sentence a checklist item's evidence points at."""
    if isinstance(item, str):
        return item
    for name in ("evidence", "sentence", "text", "quote"):
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if isinstance(value, str) and value:
            return value
    return str(item)


def init_app(app: Flask) -> None:
    """Register the drafts pages and the helpers the idea page can call."""
    from web.drafts import budget, overview  # noqa: F401  (their routes join the blueprint)
    from web.drafts.views import bp

    app.jinja_env.globals.update(
        draft_panel=draft_panel,
        draft_idea_url=idea_url,
        evidence_text=evidence_text,
        level_label=review.level_label,
        function_label=review.function_label,
        principle_label=review.principle_label,
        void_reason_label=review.void_reason_label,
    )
    from drafting.budget.model import format_money, format_percent

    app.jinja_env.filters.update(
        ore=lambda amount: f"{format_money(amount)}\u00a0kr" if amount is not None else "–",
        percent=lambda value: format_percent(value) if value is not None else "–",
    )
    app.register_blueprint(bp)
