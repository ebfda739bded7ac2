"""Background jobs and the files they store: the tables web processes and workers share."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from pipeline.db import Base, UTCDateTime
from pipeline.i18n import Bilingual, _t, render
from pipeline.i18n import Text as L10n
from pipeline.models import Call, ProjectIdea, User, str_enum, utcnow


class JobKind(StrEnum):
    """What a job does."""

    EXPORT = "export"
    IMPORT = "import"
    RECHECK_CALL = "recheck_call"

    @property
    def label(self) -> L10n:
        return JOB_KIND_LABELS[self]


JOB_KIND_LABELS = {
    JobKind.EXPORT: _t("Export till Word"),
    JobKind.IMPORT: _t("Import från Word"),
    JobKind.RECHECK_CALL: _t("Ny kontroll av utlysningens ansökningar"),
}


class JobStatus(StrEnum):
    """Where a job is: queued -> running -> done | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> L10n:
        return JOB_STATUS_LABELS[self]

    @property
    def is_finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


JOB_STATUS_LABELS = {
    JobStatus.QUEUED: _t("I kö"),
    JobStatus.RUNNING: _t("Pågår"),
    JobStatus.DONE: _t("Klart"),
    JobStatus.FAILED: _t("Misslyckades"),
}


class FilePurpose(StrEnum):
    """Why a file is stored."""

    EXPORT = "export"
    UPLOAD = "upload"


class StoredFile(Base):
    """A file kept in the database (exports to download, uploads waiting for their job)."""

    __tablename__ = "stored_file"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[FilePurpose] = mapped_column(str_enum(FilePurpose, "file_purpose"))
    # The bytes are loaded only when asked for, never with the row.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Set when the file holds something only the support team may read (internal comments).
    team_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    idea: Mapped[ProjectIdea | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.name!r} {self.size} bytes>"


class Job(Base):
    """One background job; the row is committed before the job is queued and tells its state."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_job_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(str_enum(JobKind, "job_kind"))
    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # A step key (see drafting.jobs.STEPS), shown to the user in their language.
    step: Mapped[str] = mapped_column(String(40), default="queued")
    input_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL")
    )
    result_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL")
    )
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error_sv: Mapped[str | None] = mapped_column(Text)
    error_en: Mapped[str | None] = mapped_column(Text)
    # Every retry by the user takes the next attempt; an RQ job of an older one does nothing.
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    rq_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()
    idea: Mapped[ProjectIdea | None] = relationship()
    call: Mapped[Call | None] = relationship()
    input_file: Mapped[StoredFile | None] = relationship(foreign_keys=[input_file_id])
    result_file: Mapped[StoredFile | None] = relationship(foreign_keys=[result_file_id])

    @property
    def error(self) -> L10n | None:
        """The reason a failed job gives, in both languages."""
        if self.error_sv is None:
            return None
        return Bilingual(self.error_sv, self.error_en or self.error_sv)

    @error.setter
    def error(self, value: L10n | None) -> None:
        self.error_sv = render(value, "sv") if value is not None else None
        self.error_en = render(value, "en") if value is not None else None

    @property
    def is_finished(self) -> bool:
        return self.status.is_finished

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind.value} {self.status.value} {self.progress}%>"


__all__ = ["FilePurpose", "Job", "JobKind", "JobStatus", "StoredFile"]
