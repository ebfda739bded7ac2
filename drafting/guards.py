"""The drafting gate: guards on the moves into review and to Klar att skicka in.

``drafting.install()`` registers them under the names the transition table gives them, and the
after-move rules: a move into drafting starts the draft (so the pages only read), a move back
voids a sign-off.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from drafting.budget.store import budget_findings
from drafting.komplettering import changes_requested_at, revisions_since_request
from drafting.review import (
    active_sign_off,
    level_label,
    missing_sections,
    principle_label,
    principles_below_gate,
)
from drafting.revisions import get_draft, get_or_create_draft, template_key_for
from drafting.sign_offs import VOIDING_MOVES, void_sign_offs
from pipeline.i18n import Bilingual, Text, _t
from pipeline.models import ProjectIdea, User
from pipeline.stages import DRAFT_STAGES, Transition


def _session(idea: ProjectIdea) -> Session:
    session = object_session(idea)
    if session is None:  # pragma: no cover - a detached idea cannot be moved anyway
        raise RuntimeError("the idea is not attached to a session")
    return session


def _join(texts: list[Text]) -> tuple[Text, ...]:
    return tuple(texts)  # rendered as the items joined by ", "


def draft_sections_complete(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """Every mandatory section of the application is filled in, within its limit."""
    session = _session(idea)
    draft = get_draft(session, idea)
    key = draft.template_key if draft is not None else template_key_for(idea)
    missing = missing_sections(session, draft, key)
    if not missing:
        return None
    titles = _join([Bilingual(s.title_sv, s.title_en) for s in missing])
    return _t(
        "Fyll i alla obligatoriska avsnitt i ansökan innan den går till granskning. "
        "Saknas: {titles}."
    ).format(titles=titles)


def draft_principles_concrete(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """Each mandatory horizontal principle is at least concrete, or the team judged it so."""
    session = _session(idea)
    draft = get_draft(session, idea)
    if draft is None or draft.revision_count == 0:
        return _t("Ansökan är inte påbörjad.")
    below = principles_below_gate(session, draft)
    if not below:
        return None
    parts = [
        _t("{principle} ({level})").format(
            principle=principle_label(p.principle), level=level_label(p.level)
        )
        for p in below
    ]
    return _t(
        "Varje horisontell princip ska vara minst konkret, eller bedömd av stödteamet med ett "
        "skäl. Under nivån: {list}."
    ).format(list=_join(parts))


def draft_budget_valid(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """A structured budget, where there is one, has no errors (findings of severity error)."""
    session = _session(idea)
    draft = get_draft(session, idea)
    if draft is None:
        return None
    problems = [f for f in budget_findings(session, draft) if f.severity == "error"]
    if not problems:
        return None
    return _t("Budgeten har {n} fel som behöver rättas: {first}").format(
        n=len(problems), first=Bilingual(problems[0].message_sv, problems[0].message_en)
    )


def draft_signed_off(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """A support-team member has signed off the application's latest revision."""
    session = _session(idea)
    draft = get_draft(session, idea)
    if draft is not None and draft.revision_count and active_sign_off(session, draft):
        return None
    return _t(
        "Stödteamet behöver godkänna den senaste versionen av ansökan (revision {n})."
    ).format(n=draft.revision_count if draft is not None else 0)


def draft_changed_or_replied(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """Since Komplettering was requested the draft has a new revision, or the move says why not.

    The reply is the move's comment, kept in the idea's history for the team to read.
    """
    session = _session(idea)
    if changes_requested_at(session, idea) is None:
        return None  # no request on record, nothing to answer
    if revisions_since_request(session, idea) or idea.move_comment.strip():
        return None
    return _t(
        "Ansökan har inte ändrats sedan kompletteringen begärdes. Ändra ansökan, eller skriv i "
        "kommentaren varför inget behöver ändras."
    )


def void_sign_off_on_move(idea: ProjectIdea, actor: User, move: Transition) -> None:
    """A move back to Komplettering or to drafting voids the sign-off, with that reason."""
    reason = VOIDING_MOVES.get(move.target)
    if reason is None:
        return
    session = _session(idea)
    draft = get_draft(session, idea)
    if draft is not None:
        void_sign_offs(session, actor, draft, reason)


def start_draft_on_move(idea: ProjectIdea, actor: User, move: Transition) -> None:
    """A move into a drafting stage starts the idea's draft and its first check, if missing."""
    if move.target in DRAFT_STAGES:
        get_or_create_draft(_session(idea), actor, idea)


GATE = {
    "draft_sections_complete": draft_sections_complete,
    "draft_changed_or_replied": draft_changed_or_replied,
    "draft_principles_concrete": draft_principles_concrete,
    "draft_budget_valid": draft_budget_valid,
    "draft_signed_off": draft_signed_off,
}
AFTER_MOVE = {"void_sign_off": void_sign_off_on_move, "start_draft": start_draft_on_move}
