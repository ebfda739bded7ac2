"""Job functions: Word export, Word import and re-checking every draft of a call.

Jobs take ids, never objects, and never build an app: whoever runs them (web.worker on RQ, or
web.queue inline) passes a session factory. The job row is committed before the job is queued;
`run_job` moves it through running -> done | failed and commits at each step. A result file is
written in the same transaction that marks the job done, so a worker killed half-way leaves
no file behind, only a running job whose heartbeat goes stale.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer

from drafting.errors import DraftingError
from drafting.jobs.files import DEFAULT_RETENTION, store_file
from drafting.jobs.models import FilePurpose, Job, JobKind, JobStatus, StoredFile
from pipeline.errors import InvalidData, NotAllowed, PipelineError
from pipeline.i18n import Text, _t, render
from pipeline.models import ProjectIdea, User, utcnow
from pipeline.notifications import Kind, record
from pipeline.services import log_activity

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
Report = Callable[[int, str], None]

STEPS: dict[str, Text] = {
    "queued": _t("Väntar på en ledig arbetsprocess"),
    "starting": _t("Startar"),
    "collecting": _t("Hämtar ansökans text"),
    "rendering": _t("Skapar Word-dokumentet"),
    "storing": _t("Sparar filen"),
    "reading": _t("Läser och kontrollerar Word-dokumentet"),
    "saving": _t("Sparar nya revisioner"),
    "checking": _t("Kontrollerar ansökningarna"),
    "done": _t("Klart"),
    "failed": _t("Misslyckades"),
}
ABANDONED = _t(
    "Jobbet avbröts: arbetsprocessen slutade svara mitt i arbetet. Inget halvfärdigt resultat "
    "sparades. Försök igen."
)
UNEXPECTED = _t("Ett oväntat fel inträffade. Försök igen; kvarstår felet, kontakta stödteamet.")
USER_GONE = _t("Kontot som startade jobbet finns inte längre.")
UPLOAD_GONE = _t("Den uppladdade filen finns inte längre. Ladda upp den igen.")
# The jobs whose end the idea's people are told about.
WORD_JOBS = frozenset({JobKind.EXPORT, JobKind.IMPORT})
NOT_RETRYABLE = _t("Bara ett misslyckat jobb kan köras igen.")


@dataclass(frozen=True)
class JobSettings:
    """What the runner decides for every job."""

    heartbeat_seconds: float = 10.0
    retention: dt.timedelta = DEFAULT_RETENTION


# --- The job row ------------------------------------------------------------------------------


def create_job(
    session: Session,
    *,
    kind: JobKind,
    user: User,
    idea_id: int | None = None,
    call_id: int | None = None,
    params: dict[str, Any] | None = None,
    input_file: StoredFile | None = None,
) -> Job:
    """A queued job row (flushed; the caller commits before queueing it)."""
    job = Job(
        kind=kind,
        status=JobStatus.QUEUED,
        user_id=user.id,
        idea_id=idea_id,
        call_id=call_id,
        params=params or {},
        progress=0,
        step="queued",
        input_file_id=input_file.id if input_file is not None else None,
        result={},
        attempt=1,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    entry = log_activity(session, user, f"job.{kind.value}", job, **(params or {}))
    entry.idea_id = idea_id
    return job


def can_see_job(session: Session, actor: User, job: Job) -> bool:
    """The job's owner and the team see a job, and nobody who may not see its idea."""
    if job.idea_id is not None:
        idea = session.get(ProjectIdea, job.idea_id)
        if idea is None or not idea.can_view(actor):
            return False
    return actor.is_team or job.user_id == actor.id


def retry_job(session: Session, actor: User, job: Job) -> Job:
    """Queue a failed job again under a new attempt number (flushed, not committed)."""
    if not can_see_job(session, actor, job):
        raise NotAllowed(_t("Du kan inte köra det här jobbet."))
    if job.status != JobStatus.FAILED:
        raise InvalidData(NOT_RETRYABLE)
    job.attempt += 1
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.step = "queued"
    job.error = None
    job.rq_id = None
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.created_at = utcnow()
    session.flush()
    return job


def is_stale(job: Job, stale_after: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """True for a running job whose worker has not reported within `stale_after`."""
    if job.status != JobStatus.RUNNING:
        return False
    last = job.heartbeat_at or job.started_at or job.created_at
    return (now or utcnow()) - last > stale_after


def mark_failed(session: Session, job: Job, error: Text) -> None:
    """Fail a queued or running job with a reason (flushed, not committed)."""
    job.status = JobStatus.FAILED
    job.step = "failed"
    job.error = error
    job.finished_at = utcnow()
    session.flush()


# --- Running ----------------------------------------------------------------------------------


def _set(sessions: SessionFactory, job_id: int, attempt: int, **values: Any) -> bool:
    """Update the running attempt's row in its own short transaction; False if it moved on."""
    with sessions() as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.attempt == attempt, Job.status == JobStatus.RUNNING)
            .values(**values)
        )
        session.commit()
        return bool(result.rowcount)


def _heartbeat(sessions: SessionFactory, job_id: int, attempt: int, every: float, stop) -> None:
    while not stop.wait(every):
        try:
            if not _set(sessions, job_id, attempt, heartbeat_at=utcnow()):
                return
        except Exception:  # a busy database must not kill the job; the next beat retries
            log.warning("heartbeat of job %s failed", job_id, exc_info=True)


def _start(sessions: SessionFactory, job_id: int, attempt: int) -> bool:
    with sessions() as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.attempt != attempt or job.status != JobStatus.QUEUED:
            return False
        now = utcnow()
        job.status = JobStatus.RUNNING
        job.step = "starting"
        job.progress = 5
        job.started_at = job.heartbeat_at = now
        session.commit()
        return True


def _fail(sessions: SessionFactory, job_id: int, attempt: int, error: Text) -> None:
    _set(
        sessions,
        job_id,
        attempt,
        status=JobStatus.FAILED,
        step="failed",
        error_sv=render(error, "sv"),
        error_en=render(error, "en"),
        finished_at=utcnow(),
    )


def run_job(
    job_id: int,
    attempt: int,
    sessions: SessionFactory,
    settings: JobSettings | None = None,
) -> JobStatus | None:
    """Run one attempt of a job; return its final status (None if the attempt was not due)."""
    settings = settings or JobSettings()
    if not _start(sessions, job_id, attempt):
        log.info("job %s attempt %s is not queued; nothing to do", job_id, attempt)
        return None

    def report(percent: int, step: str) -> None:
        try:
            _set(sessions, job_id, attempt, progress=percent, step=step, heartbeat_at=utcnow())
        except Exception:  # progress is a courtesy; it must never fail the job
            log.warning("progress of job %s not recorded", job_id, exc_info=True)

    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat,
        args=(sessions, job_id, attempt, settings.heartbeat_seconds, stop),
        daemon=True,
    )
    beat.start()
    try:
        with sessions() as session:
            try:
                job = session.get(Job, job_id)
                user = session.get(User, job.user_id) if job.user_id is not None else None
                if user is None:
                    raise InvalidData(USER_GONE)
                stored, result = JOB_FUNCTIONS[job.kind](session, job, user, report, settings)
                job = session.get(Job, job_id, with_for_update=True, populate_existing=True)
                if job.attempt != attempt or job.status != JobStatus.RUNNING:
                    session.rollback()  # given up on meanwhile; keep nothing
                    return job.status
                job.status = JobStatus.DONE
                job.step = "done"
                job.progress = 100
                job.result = result
                job.result_file_id = stored.id if stored is not None else None
                job.finished_at = job.heartbeat_at = utcnow()
                _notify_done(session, job, user, stored)
                session.commit()
                return JobStatus.DONE
            except (PipelineError, DraftingError) as exc:
                session.rollback()
                text = getattr(exc, "text", None)
                _fail(sessions, job_id, attempt, text if isinstance(text, Text) else UNEXPECTED)
                return JobStatus.FAILED
            except Exception:
                session.rollback()
                log.exception("job %s attempt %s failed", job_id, attempt)
                _fail(sessions, job_id, attempt, UNEXPECTED)
                return JobStatus.FAILED
    finally:
        stop.set()
        beat.join(timeout=5)


def _notify_done(session: Session, job: Job, user: User, stored: StoredFile | None) -> None:
    """Tell the idea's people that a Word export or import is done (in the job's transaction).

    An export that carries internal comments is for the support team only.
    """
    if job.kind not in WORD_JOBS or job.idea_id is None:
        return
    idea = session.get(ProjectIdea, job.idea_id)
    if idea is not None:
        team_only = stored is not None and stored.team_only
        record(session, Kind.WORD_JOB, job, idea, user, team_only=team_only)


# --- The job functions ------------------------------------------------------------------------


def export_job(
    session: Session, job: Job, user: User, report: Report, settings: JobSettings
) -> tuple[StoredFile | None, dict[str, Any]]:
    """Export the idea's draft and store the .docx."""
    from drafting.word.export import export_draft

    report(20, "rendering")
    params = job.params or {}
    exported = export_draft(
        session,
        user,
        job.idea_id,
        revision=params.get("revision"),
        appendix=bool(params.get("appendix")),
        comments=bool(params.get("comments")),
    )
    stored = store_file(
        session,
        name=exported.name,
        content_type=exported.content_type,
        data=exported.data,
        purpose=FilePurpose.EXPORT,
        idea_id=job.idea_id,
        created_by=user,
        team_only=exported.has_internal_comments,
        retention=settings.retention,
    )
    return stored, {"name": exported.name, "revision": exported.revision, "size": stored.size}


def import_job(
    session: Session, job: Job, user: User, report: Report, settings: JobSettings
) -> tuple[StoredFile | None, dict[str, Any]]:
    """Import the uploaded .docx into the idea's draft; the upload is deleted when done."""
    from drafting.word.importing import import_docx
    from drafting.word.safety import inspect_docx

    report(15, "reading")
    upload = None
    if job.input_file_id is not None:
        upload = session.scalars(
            select(StoredFile)
            .where(StoredFile.id == job.input_file_id)
            .options(undefer(StoredFile.data))
        ).one_or_none()
    if upload is None:
        raise InvalidData(UPLOAD_GONE)
    inspect_docx(upload.data)
    # The last report before any write: on SQLite a report after one would wait for this
    # transaction's lock.
    report(40, "saving")
    result = import_docx(
        session,
        user,
        job.idea_id,
        upload.data,
        unmatched_target=(job.params or {}).get("unmatched_target"),
    )
    job.input_file_id = None
    session.delete(upload)
    out = result.to_dict()
    out["file_name"] = upload.name
    return None, out


def recheck_call_job(
    session: Session, job: Job, user: User, report: Report, settings: JobSettings
) -> tuple[StoredFile | None, dict[str, Any]]:
    """Run the check again on every draft of the call's ideas, committing one draft at a time."""
    from drafting.models import Draft
    from drafting.revisions import run_check
    from pipeline.queries import require_team

    require_team(user)
    drafts = list(
        session.scalars(
            select(Draft)
            .join(ProjectIdea, ProjectIdea.id == Draft.idea_id)
            .where(ProjectIdea.call_id == job.call_id)
            .order_by(Draft.id)
        )
    )
    for done, draft in enumerate(drafts, start=1):
        run_check(session, draft)
        session.commit()
        report(5 + int(90 * done / len(drafts)), "checking")
    return None, {"drafts": len(drafts)}


JOB_FUNCTIONS: dict[JobKind, Callable[..., tuple[StoredFile | None, dict[str, Any]]]] = {
    JobKind.EXPORT: export_job,
    JobKind.IMPORT: import_job,
    JobKind.RECHECK_CALL: recheck_call_job,
}
