"""The tables of notifications: one row per (event, recipient), and each person's choices."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db import Base, UTCDateTime
from pipeline.i18n import Text as L10n
from pipeline.i18n import _t, _tp
from pipeline.models import ProjectIdea, User, str_enum, utcnow


class Kind(StrEnum):
    """What a notification is about; each person chooses per kind."""

    STAGE = "stage"
    CHANGES_REQUESTED = "changes_requested"
    COMMENT = "comment"
    SIGN_OFF = "sign_off"
    WORD_JOB = "word_job"

    @property
    def label(self) -> L10n:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.STAGE: _t("Idén byter skede"),
    Kind.CHANGES_REQUESTED: _t("Stödteamet begär komplettering"),
    Kind.COMMENT: _t("Nya kommentarer"),
    Kind.SIGN_OFF: _t("Ansökan godkänns av stödteamet"),
    Kind.WORD_JOB: _t("Ett Word-jobb är klart"),
}


class Mode(StrEnum):
    """How a person wants one kind of notification."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"

    @property
    def label(self) -> L10n:
        return MODE_LABELS[self]


MODE_LABELS = {
    Mode.IMMEDIATE: _t("Genast"),
    Mode.DIGEST: _t("En sammanfattning om dagen"),
    Mode.OFF: _tp("notification", "Av"),
}


class Notification(Base):
    """One person's notice of one event; `delivered_at` is set when it left (once)."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "recipient_id", name="uq_notification_event"),
        Index("ix_notification_pending", "delivered_at", "digest", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "notification_kind"))
    # The event: the table of the row that records it and that row's id.
    subject: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    idea: Mapped[ProjectIdea] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.subject}:{self.subject_id} to={self.recipient_id}>"


class NotificationPreference(Base):
    """A person's choice for one kind; without a row the kind comes right away."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "notification_kind"), primary_key=True)
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, "notification_mode"))


__all__ = ["Kind", "Mode", "Notification", "NotificationPreference"]
