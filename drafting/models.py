"""Drafts of applications: section revisions, check runs, checklist decisions, sign-offs and
section comments."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db import Base, UTCDateTime
from pipeline.models import ProjectIdea, User, Visibility, str_enum, utcnow


class RevisionSource(StrEnum):
    """How a section revision came about."""

    EDITOR = "editor"
    RESTORE = "restore"
    IMPORT = "import"


class Draft(Base):
    """The application being written for one idea, on one template."""

    __tablename__ = "draft"
    # The drafts edited lately: whether an idea has stalled.
    __table_args__ = (Index("ix_draft_updated", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), unique=True
    )
    template_key: Mapped[str] = mapped_column(String(40), default="esf_plus")
    # The number of the draft's latest revision; every section save takes the next one.
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    idea: Mapped[ProjectIdea] = relationship()

    def __repr__(self) -> str:
        return f"<Draft {self.id} idea={self.idea_id} rev={self.revision_count}>"


class SectionRevision(Base):
    """One saved text of one section; the draft at revision N is each section's latest <= N."""

    __tablename__ = "section_revision"
    __table_args__ = (
        UniqueConstraint("draft_id", "number", name="uq_section_revision_draft_number"),
        Index("ix_section_revision_section", "draft_id", "section_key", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(60))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("section_revision.id", ondelete="SET NULL")
    )
    source: Mapped[RevisionSource] = mapped_column(
        str_enum(RevisionSource, "revision_source"), default=RevisionSource.EDITOR
    )
    restored_from: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    draft: Mapped[Draft] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SectionRevision {self.number} {self.section_key}>"


class BudgetRevision(Base):
    """One saved budget of a draft, as validated JSON (``drafting.budget.model.Budget``).

    It takes the draft's next revision number like a section save, so the draft at revision N
    has the budget's latest revision <= N.
    """

    __tablename__ = "budget_revision"
    __table_args__ = (
        UniqueConstraint("draft_id", "number", name="uq_budget_revision_draft_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("budget_revision.id", ondelete="SET NULL")
    )
    source: Mapped[RevisionSource] = mapped_column(
        str_enum(RevisionSource, "budget_revision_source"), default=RevisionSource.EDITOR
    )
    restored_from: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    draft: Mapped[Draft] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<BudgetRevision {self.number} draft={self.draft_id}>"


class CheckRun(Base):
    """The checker's result for a draft as it was at one revision.

    Each part of a result is stored once: the levels in ``levels`` and the findings as
    ``check_finding`` rows (the board and the portfolio reports query both in SQL), and the rest
    (each principle's cues, chain, checklist and evidence, readability) in ``result``.
    ``full_result()`` puts them together again as ``CheckResult.to_dict()`` gave them.
    """

    __tablename__ = "check_run"
    __table_args__ = (
        Index("ix_check_run_draft", "draft_id", "revision_number"),
        Index("ix_check_run_latest", "is_latest", "draft_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    revision_number: Mapped[int] = mapped_column(Integer)
    template_key: Mapped[str] = mapped_column(String(40))
    # {principle: level value}: the one copy of the levels. JSONB on PostgreSQL: the coverage
    # report reads five levels from each of 30,000 runs, and plain JSON is parsed per read.
    levels: Mapped[dict[str, str]] = mapped_column(
        JSON().with_variant(postgresql.JSONB(), "postgresql"), default=dict
    )
    # The result without its levels and findings (see split_result).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The draft's latest run (its highest id). Kept by the database (migration 0024's
    # triggers, after every insert and delete of a run), never written here: a new run's
    # object holds the value from before the trigger ran, so read it after a refresh.
    is_latest: Mapped[bool] = mapped_column(Boolean, server_default=false())

    draft: Mapped[Draft] = relationship()
    finding_rows: Mapped[list[CheckFinding]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CheckFinding.id"
    )

    @classmethod
    def from_result(
        cls, draft_id: int, revision_number: int, template_key: str, result: dict[str, Any]
    ) -> CheckRun:
        """A run holding `result` (a CheckResult.to_dict()): its levels, rows and the rest."""
        levels, findings, rest = split_result(result)
        return cls(
            draft_id=draft_id,
            revision_number=revision_number,
            template_key=template_key,
            levels=levels,
            result=rest,
            created_at=utcnow(),
            finding_rows=[CheckFinding.from_dict(f) for f in findings],
        )

    def full_result(self) -> dict[str, Any]:
        """The result as CheckResult.to_dict() gave it, from the three places it is kept."""
        return join_result(
            dict(self.levels or {}), [row.as_dict() for row in self.finding_rows], self.result
        )


def split_result(result: dict[str, Any]) -> tuple[dict[str, str], list[dict], dict[str, Any]]:
    """(levels, findings, the rest) of a CheckResult.to_dict(); the rest has no level in it."""
    levels = {str(k): str(v) for k, v in (result.get("levels") or {}).items()}
    for key, principle in (result.get("principles") or {}).items():
        levels.setdefault(key, str(principle.get("level", "absent")))
    rest = {k: v for k, v in result.items() if k not in ("levels", "findings")}
    if "principles" in rest:
        rest["principles"] = {
            key: {k: v for k, v in principle.items() if k != "level"}
            for key, principle in rest["principles"].items()
        }
    return levels, list(result.get("findings") or []), rest


def join_result(
    levels: dict[str, str], findings: list[dict[str, Any]], rest: dict[str, Any]
) -> dict[str, Any]:
    """The inverse of split_result."""
    joined = dict(rest)
    joined["levels"] = dict(levels)
    joined["findings"] = list(findings)
    joined["principles"] = {
        key: {**principle, "level": levels.get(key, "absent")}
        for key, principle in (rest.get("principles") or {}).items()
    }
    return joined


class CheckFinding(Base):
    """One finding of a check run: the one copy, as a row the portfolio counts in SQL."""

    __tablename__ = "check_finding"
    # Covering: a run's findings, and the latest runs' findings by kind (the coverage
    # report's common findings), are read from the indexes alone (migrations 0019, 0024).
    __table_args__ = (
        Index("ix_check_finding_run", "check_run_id", "severity", "rule_id", "principle", "id"),
        Index(
            "ix_check_finding_latest",
            "is_latest",
            "rule_id",
            "principle",
            "check_run_id",
            "severity",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_run_id: Mapped[int] = mapped_column(ForeignKey("check_run.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(120))
    principle: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))
    section: Mapped[str | None] = mapped_column(String(60))
    message_sv: Mapped[str] = mapped_column(Text, default="")
    message_en: Mapped[str] = mapped_column(Text, default="")
    # Character offsets in the section's text ("start"/"end" of the checker's Finding).
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(Text)
    # Its run's is_latest, kept by the database (migration 0024), never written here.
    is_latest: Mapped[bool] = mapped_column(Boolean, server_default=false())

    @classmethod
    def from_dict(cls, finding: dict[str, Any]) -> CheckFinding:
        """A row from one entry of a result's "findings" list."""
        return cls(**finding_values(finding))

    def as_dict(self) -> dict[str, Any]:
        """The entry of a result's "findings" list this row holds."""
        return {
            "rule_id": self.rule_id,
            "principle": self.principle,
            "severity": self.severity,
            "message_sv": self.message_sv,
            "message_en": self.message_en,
            "section": self.section,
            "start": self.span_start,
            "end": self.span_end,
            "evidence": self.evidence or "",
            "source_url": self.source_url,
        }


def finding_values(finding: dict[str, Any]) -> dict[str, Any]:
    """The columns of a finding row, from one entry of a result's "findings" list."""
    return {
        "rule_id": str(finding.get("rule_id", ""))[:120],
        "principle": finding.get("principle"),
        "severity": str(finding.get("severity", "info"))[:10],
        "section": (finding.get("section") or None) and str(finding["section"])[:60],
        "message_sv": finding.get("message_sv") or "",
        "message_en": finding.get("message_en") or "",
        "span_start": finding.get("start"),
        "span_end": finding.get("end"),
        "evidence": finding.get("evidence") or "",
        "source_url": finding.get("source_url"),
    }


class ChecklistOverride(Base):
    """A support-team decision on one checklist item; history is kept and the latest wins."""

    __tablename__ = "checklist_override"
    __table_args__ = (Index("ix_checklist_override_item", "draft_id", "principle", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    principle: Mapped[str] = mapped_column(String(40))
    item_key: Mapped[str] = mapped_column(String(60))
    met: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class LevelOverride(Base):
    """The support team's judgement of a principle's level, replacing the checker's.

    History is kept and the latest wins; a row with no level hands the judgement back to the
    checker.
    """

    __tablename__ = "level_override"
    __table_args__ = (Index("ix_level_override_principle", "draft_id", "principle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    principle: Mapped[str] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class SignOff(Base):
    """A support-team member's approval of the draft as it was at one revision."""

    __tablename__ = "sign_off"
    __table_args__ = (Index("ix_sign_off_draft", "draft_id", "revision_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revision_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Why it stopped counting: revoked, new_revision, changes_requested or back_to_drafting.
    void_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SectionComment(Base):
    """A comment on a section, optionally on a quoted passage; shared or team-internal."""

    __tablename__ = "section_comment"
    __table_args__ = (Index("ix_section_comment_section", "draft_id", "section_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    section_key: Mapped[str] = mapped_column(String(60))
    quote: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, "visibility"), default=Visibility.SHARED
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

    def can_view(self, user: User) -> bool:
        """Internal comments are for the support team only."""
        return self.visibility == Visibility.SHARED or user.is_team


__all__ = [
    "BudgetRevision",
    "CheckRun",
    "ChecklistOverride",
    "Draft",
    "LevelOverride",
    "RevisionSource",
    "SectionComment",
    "SectionRevision",
    "SignOff",
]
