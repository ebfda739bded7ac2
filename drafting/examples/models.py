"""The good-example tables: the frozen section text with its agreement record, and the level
the checker found for each principle in that text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.models import Draft, SectionRevision
from pipeline.db import Base, UTCDateTime
from pipeline.models import Organisation, User, utcnow


class GoodExample(Base):
    """One section of one draft, shared as a good example with the organisation's agreement."""

    __tablename__ = "good_example"
    __table_args__ = (
        # One example at a time per section of a draft; a withdrawn one may be marked again.
        Index(
            "uq_good_example_active",
            "draft_id",
            "section_key",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
        Index("ix_good_example_section", "section_key", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str] = mapped_column(String(60))
    template_key: Mapped[str] = mapped_column(String(40))
    # Where the copy came from; the number stays if the revision row ever goes.
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("section_revision.id", ondelete="SET NULL")
    )
    revision_number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The owning organisation (the idea's lead when marked): the example is attributed to it.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    # The agreement: who at the organisation agreed, and on which day.
    agreed_by_name: Mapped[str] = mapped_column(String(120), default="")
    agreed_by_email: Mapped[str] = mapped_column(String(254), default="")
    agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    marked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")

    draft: Mapped[Draft] = relationship()
    revision: Mapped[SectionRevision | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    principles: Mapped[list[GoodExamplePrinciple]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GoodExamplePrinciple.principle",
    )

    @property
    def is_active(self) -> bool:
        """Shown to writers: marked and not withdrawn."""
        return self.withdrawn_at is None

    def level_of(self, principle: str) -> str:
        """The checker's level for `principle` in this text alone."""
        row = next((p for p in self.principles if p.principle == principle), None)
        return row.level if row is not None else "absent"

    def __repr__(self) -> str:
        return f"<GoodExample {self.id} draft={self.draft_id} {self.section_key}>"


class GoodExamplePrinciple(Base):
    """The checker's level for one principle in an example's text, and the sentences behind it."""

    __tablename__ = "good_example_principle"
    __table_args__ = (Index("ix_good_example_principle_rank", "principle", "rank"),)

    example_id: Mapped[int] = mapped_column(
        ForeignKey("good_example.id", ondelete="CASCADE"), primary_key=True
    )
    principle: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    # The level's place on absent < mentioned < concrete < integrated, for ordering in SQL.
    rank: Mapped[int] = mapped_column(Integer)
    # [{"start", "end", "sentence", "function"}]: the sentences that make it concrete.
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


__all__ = ["GoodExample", "GoodExamplePrinciple"]
