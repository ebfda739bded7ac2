"""The support team's sign-off of a draft: given for one revision, voided by a new revision or
by a move back to Komplettering or to drafting, with the reason kept.

Every service takes an explicit actor, checks permissions, flushes and never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.models import Draft, SignOff
from drafting.revisions import require_view
from pipeline.errors import InvalidData, NotAllowed
from pipeline.i18n import Text, _t
from pipeline.models import User, utcnow
from pipeline.notifications import Kind, record
from pipeline.services import log_activity
from pipeline.stages import Stage

REVOKED = "revoked"
NEW_REVISION = "new_revision"
CHANGES_REQUESTED = "changes_requested"
BACK_TO_DRAFTING = "back_to_drafting"
VOID_REASONS: dict[str, Text] = {
    REVOKED: _t("återkallat av stödteamet"),
    NEW_REVISION: _t("ansökan ändrades (ny revision)"),
    CHANGES_REQUESTED: _t("komplettering begärdes"),
    BACK_TO_DRAFTING: _t("tillbaka till skrivande"),
}
# A move to one of these stages voids the sign-off, for this reason.
VOIDING_MOVES: dict[Stage, str] = {
    Stage.CHANGES_REQUESTED: CHANGES_REQUESTED,
    Stage.DRAFTING: BACK_TO_DRAFTING,
}


def void_reason_label(reason: str | None) -> Text:
    """Why a sign-off stopped counting, in Swedish and English."""
    if reason is None:
        return "–"
    return VOID_REASONS.get(reason, reason)


def active_sign_off(session: Session, draft: Draft) -> SignOff | None:
    """The team's sign-off of the draft's latest revision, if there is one."""
    return session.scalars(
        select(SignOff)
        .where(
            SignOff.draft_id == draft.id,
            SignOff.revision_number == draft.revision_count,
            SignOff.revoked_at.is_(None),
        )
        .order_by(SignOff.id.desc())
        .limit(1)
    ).first()


def sign_offs(session: Session, draft: Draft) -> list[SignOff]:
    """Every sign-off of the draft, newest first."""
    return list(
        session.scalars(
            select(SignOff).where(SignOff.draft_id == draft.id).order_by(SignOff.id.desc())
        )
    )


def _require_team(actor: User) -> None:
    if not actor.is_team:
        raise NotAllowed(_t("Bara stödteamet kan göra det här."))


def sign_off(session: Session, actor: User, draft: Draft) -> SignOff:
    """A support-team member approves the draft as it is now (its latest revision)."""
    require_view(draft.idea, actor)
    _require_team(actor)
    if draft.idea.stage != Stage.REVIEW:
        raise InvalidData(
            _t("Ansökan kan godkännas när idén är i skedet {stage}.").format(
                stage=Stage.REVIEW.label
            )
        )
    if draft.revision_count == 0:
        raise InvalidData(_t("Ansökan är tom."))
    existing = active_sign_off(session, draft)
    if existing is not None:
        return existing
    row = SignOff(
        draft_id=draft.id, user=actor, revision_number=draft.revision_count, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    log_activity(
        session, actor, "draft.sign_off", row, idea=draft.idea, number=draft.revision_count
    )
    record(session, Kind.SIGN_OFF, row, draft.idea, actor)
    return row


def _void(session: Session, actor: User | None, draft: Draft, row: SignOff, reason: str) -> SignOff:
    row.revoked_at = utcnow()
    row.revoked_by = actor
    row.void_reason = reason
    session.flush()
    log_activity(
        session,
        actor,
        "draft.sign_off_revoke" if reason == REVOKED else "draft.sign_off_void",
        row,
        idea=draft.idea,
        number=row.revision_number,
        reason=reason,
    )
    return row


def revoke_sign_off(session: Session, actor: User, draft: Draft) -> SignOff | None:
    """Withdraw the sign-off of the latest revision (None if there was none)."""
    require_view(draft.idea, actor)
    _require_team(actor)
    row = active_sign_off(session, draft)
    if row is None:
        return None
    return _void(session, actor, draft, row, REVOKED)


def void_sign_offs(session: Session, actor: User | None, draft: Draft, reason: str) -> int:
    """Mark every sign-off of the draft that still counts as void for `reason`.

    Called by a new revision and by a move back; permissions are the caller's (the save or the
    move already checked them). Returns how many were voided.
    """
    rows = session.scalars(
        select(SignOff).where(SignOff.draft_id == draft.id, SignOff.revoked_at.is_(None))
    ).all()
    for row in rows:
        _void(session, actor, draft, row, reason)
    return len(rows)
