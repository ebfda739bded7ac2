"""Job functions: Word export, Word import and re-checking every draft of a call.

Jobs take ids, never objects, and never build an app: whoever runs them (web.worker on RQ, or
web.queue inline) passes a session factory. The job row is the user's record: it is committed
before the job is queued, and `run_job` moves it through running -> done | failed, committing
at each step. A result file is written in the same transaction that marks the job done, so a
worker killed half-way leaves no file behind, only a running row.

RQ does the rest on a worker: its own heartbeat and started-job registry tell when a worker
died (web.queue reads them), its ``Retry`` runs an abandoned job or one that lost the database
again, and progress goes to the RQ job's ``meta`` (the ``Report`` the runner passes). Inline,
the request waits for the job, so nobody can watch its progress and nothing is reported.

What stays custom, and why: the attempt number. A failed job is retried by its owner as the same
row (one job on the page and in the history) under a new RQ job; the number makes an RQ job of
an earlier attempt, which Redis may still hold, do nothing instead of running a second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
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
    "retrying": _t("Arbetsprocessen slutade svara; jobbet körs igen"),
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
    "Jobbet avbröts: arbetsprocessen slutade svara mitt i arbetet. Inget "
    "halvfärdigt resultat sparades. Försök igen."
)
UNEXPECTED = _t("Ett oväntat fel inträffade. Försök igen; kvarstår felet, kontakta stödteamet.")
USER_GONE = _t("Kontot som startade jobbet finns inte längre.")
UPLOAD_GONE = _t("Den uppladdade filen finns inte längre. Ladda upp den igen.")
# The jobs whose end the idea's people are told about.
WORD_JOBS = frozenset({JobKind.EXPORT, JobKind.IMPORT})
NOT_RETRYABLE = _t("Bara ett misslyckat jobb kan köras igen.")


@dataclass(frozen=True)
class JobSettings:
    """What the runner decides for every job.

    ``retry_lost_database``: re-raise an error of the database connection instead of failing the
    row, for RQ's Retry to run the job again (only a runner that retries sets it).
    ``rq_id``: the RQ job this run belongs to. RQ runs one RQ job once at a time, so a row of
    this RQ job that is still running was left so by an earlier run of it (its worker died, or
    the database went away), and this run takes it over.
    """

    retention: dt.timedelta = DEFAULT_RETENTION
    retry_lost_database: bool = False
    rq_id: str | None = None


def _no_report(percent: int, step: str) -> None:
    """Inline, the request waits for the job: there is nobody to tell."""


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
    job.started_at = job.finished_at = None
    job.created_at = utcnow()
    session.flush()
    return job


def is_stale(job: Job, time_limit: dt.timedelta, now: dt.datetime | None = None) -> bool:
    """True for a running job that started longer ago than its time limit.

    For jobs run inline, where no RQ registry knows whether the process running them died (a
    web process stopped mid-request leaves the row running); on RQ, web.queue asks RQ instead.
    """
    if job.status != JobStatus.RUNNING:
        return False
    return (now or utcnow()) - (job.started_at or job.created_at) > time_limit


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


def _start(sessions: SessionFactory, job_id: int, attempt: int, rq_id: str | None) -> bool:
    with sessions() as session:
        job = session.get(Job, job_id, with_for_update=True)
        if job is None or job.attempt != attempt:
            return False
        resumed = rq_id is not None and job.rq_id == rq_id and job.status == JobStatus.RUNNING
        if job.status != JobStatus.QUEUED and not resumed:
            return False
        job.status = JobStatus.RUNNING
        job.step = "starting"
        job.progress = 5
        job.started_at = utcnow()
        session.commit()
        return True


def _lost_database(exc: Exception) -> bool:
    """An error of the connection (the server restarted or went away), not of the job."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


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
    report: Report = _no_report,
) -> JobStatus | None:
    """Run one attempt of a job; return its final status (None if the attempt was not due).

    `report(percent, step)` hears the progress (RQ's job.meta on a worker).
    """
    settings = settings or JobSettings()
    if not _start(sessions, job_id, attempt, settings.rq_id):
        log.info("job %s attempt %s is not due; nothing to do", job_id, attempt)
        return None
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
            job.finished_at = utcnow()
            _notify_done(session, job, user, stored)
            session.commit()
            return JobStatus.DONE
        except (PipelineError, DraftingError) as exc:
            session.rollback()
            text = getattr(exc, "text", None)
            _fail(sessions, job_id, attempt, text if isinstance(text, Text) else UNEXPECTED)
            return JobStatus.FAILED
        except Exception as exc:
            session.rollback()
            if settings.retry_lost_database and _lost_database(exc):
                log.warning("job %s lost the database; RQ runs it again", job_id)
                raise
            log.exception("job %s attempt %s failed", job_id, attempt)
            _fail(sessions, job_id, attempt, UNEXPECTED)
            return JobStatus.FAILED


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
    from drafting.check_runs import run_check
    from drafting.models import Draft
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
