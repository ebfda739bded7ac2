"""What happened since Komplettering was requested: when it was, the revision the draft was at,
and the revisions saved since (the resubmission rule and the review page's comparison)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drafting.models import Draft, SectionRevision
from drafting.revisions import get_draft
from pipeline.models import ProjectIdea, StageChange
from pipeline.stages import Stage


def changes_requested_at(session: Session, idea: ProjectIdea):
    """When Komplettering was last requested for the idea (None if never)."""
    return session.scalar(
        select(func.max(StageChange.created_at)).where(
            StageChange.idea_id == idea.id, StageChange.to_stage == Stage.CHANGES_REQUESTED
        )
    )


def revisions_since_request(session: Session, idea: ProjectIdea) -> int:
    """How many revisions of the draft were saved since Komplettering was last requested."""
    since = changes_requested_at(session, idea)
    draft = get_draft(session, idea)
    if since is None or draft is None:
        return 0
    return session.scalar(
        select(func.count(SectionRevision.id)).where(
            SectionRevision.draft_id == draft.id, SectionRevision.created_at >= since
        )
    )


@dataclass(frozen=True)
class SinceRequest:
    """The last Komplettering request: when, and the draft's revision then and now."""

    requested_at: dt.datetime
    revision_then: int
    revision_now: int

    @property
    def changed(self) -> bool:
        return self.revision_now > self.revision_then


def since_request(session: Session, idea: ProjectIdea, draft: Draft | None) -> SinceRequest | None:
    """The comparison "since Komplettering was requested" (None if it never was)."""
    since = changes_requested_at(session, idea)
    if since is None or draft is None:
        return None
    then = session.scalar(
        select(func.max(SectionRevision.number)).where(
            SectionRevision.draft_id == draft.id, SectionRevision.created_at < since
        )
    )
    return SinceRequest(since, then or 0, draft.revision_count)
