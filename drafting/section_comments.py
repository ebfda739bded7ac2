"""Comments anchored to a section of a draft (and optionally a quoted passage): shared with
the applicant or internal to the support team, resolvable."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drafting.models import Draft, SectionComment
from drafting.revisions import require_view, section_of
from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.i18n import _t
from pipeline.models import User, Visibility, utcnow
from pipeline.notifications import Kind, record
from pipeline.services import TEXT_MAX, log_activity

QUOTE_MAX = 1000


def add_section_comment(
    session: Session,
    actor: User,
    draft: Draft,
    section_key: str,
    body: str,
    *,
    quote: str = "",
    visibility: Visibility = Visibility.SHARED,
) -> SectionComment:
    """Comment on a section (optionally on a quoted passage); internal is for the team."""
    require_view(draft.idea, actor)
    section_of(draft, section_key)
    if visibility == Visibility.INTERNAL and not actor.is_team:
        raise NotAllowed(_t("Bara stödteamet kan skriva interna kommentarer."))
    body = (body or "").strip()
    quote = " ".join((quote or "").split())
    if not body:
        raise InvalidData(_t("Kommentaren är tom."))
    if len(body) > TEXT_MAX or len(quote) > QUOTE_MAX:
        raise InvalidData(
            _t("En kommentar får vara högst {limit} tecken och ett citat {quote_limit}.").format(
                limit=TEXT_MAX, quote_limit=QUOTE_MAX
            )
        )
    comment = SectionComment(
        draft_id=draft.id,
        section_key=section_key,
        quote=quote,
        body=body,
        author=actor,
        visibility=visibility,
        created_at=utcnow(),
    )
    session.add(comment)
    session.flush()
    log_activity(
        session,
        actor,
        "draft.comment",
        comment,
        idea=draft.idea,
        section=section_key,
        visibility=visibility.value,
    )
    record(
        session,
        Kind.COMMENT,
        comment,
        draft.idea,
        actor,
        team_only=visibility == Visibility.INTERNAL,
    )
    return comment


def section_comments(
    session: Session,
    actor: User,
    draft: Draft,
    section_key: str | None = None,
    *,
    include_resolved: bool = True,
) -> list[SectionComment]:
    """The comments `actor` may see, oldest first (optionally of one section)."""
    require_view(draft.idea, actor)
    query = select(SectionComment).where(SectionComment.draft_id == draft.id)
    if section_key is not None:
        query = query.where(SectionComment.section_key == section_key)
    if not actor.is_team:
        query = query.where(SectionComment.visibility == Visibility.SHARED)
    if not include_resolved:
        query = query.where(SectionComment.resolved_at.is_(None))
    return list(session.scalars(query.order_by(SectionComment.id)))


def open_comment_counts(session: Session, actor: User, draft: Draft) -> dict[str, int]:
    """{section key: unresolved comments `actor` may see}."""
    query = (
        select(SectionComment.section_key, func.count(SectionComment.id))
        .where(SectionComment.draft_id == draft.id, SectionComment.resolved_at.is_(None))
        .group_by(SectionComment.section_key)
    )
    if not actor.is_team:
        query = query.where(SectionComment.visibility == Visibility.SHARED)
    return dict(session.execute(query).tuples().all())


def resolve_section_comment(
    session: Session, actor: User, draft: Draft, comment_id: int, *, reopen: bool = False
) -> SectionComment:
    """Mark a comment resolved (or open again); its author, the editors and the team may."""
    comment = session.get(SectionComment, comment_id)
    if comment is None or comment.draft_id != draft.id or not comment.can_view(actor):
        raise NotFound(_t("Kommentaren finns inte."))
    require_view(draft.idea, actor)
    if not (actor.is_team or draft.idea.can_edit(actor) or comment.author_id == actor.id):
        raise NotAllowed(_t("Du kan inte markera den här kommentaren som löst."))
    if reopen:
        comment.resolved_at = None
        comment.resolved_by = None
    elif comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by = actor
    session.flush()
    log_activity(
        session,
        actor,
        "draft.comment_reopen" if reopen else "draft.comment_resolve",
        comment,
        idea=draft.idea,
        section=comment.section_key,
    )
    return comment
