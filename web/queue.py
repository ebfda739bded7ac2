"""The only place that queues jobs: RQ on Redis when REDIS_URL is set, inline otherwise.

Framsyn's jobs (exports, imports, re-checks) and the delivery of notification mails both go
through here.

The job row must be committed before `submit` is called. With Redis, the RQ job calls
`web.worker.execute(job_id, attempt)` with RQ's ``Retry``; inline, the same
`drafting.jobs.run_job` runs in the request with the app's session factory.

Whether a worker died is RQ's to say: its work horse keeps the job's entry in the started-job
registry alive, and an entry that expires is an abandoned job, which RQ's registry cleanup runs
again (while retries are left) or fails. `observe` reads that without writing; `settle` records
a failure on the row. Inline there is no registry: a running row older than the job time limit
counts as abandoned.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus as RQStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.jobs.functions import ABANDONED, JobSettings, is_stale, mark_failed, run_job
from drafting.jobs.models import Job, JobStatus
from pipeline.i18n import Text, _t, render

DEFAULT_QUEUE = "framsyn"
QUEUE_DOWN = _t(
    "Köservern (Redis) svarar inte, så jobbet kunde inte startas. Försök igen om en stund; "
    "kvarstår felet, kontakta den som driftar Framsyn."
)
FAILED_IN_QUEUE = _t(
    "Arbetsprocessen avbröt jobbet. Inget halvfärdigt resultat sparades. Försök igen."
)


class QueueUnavailable(Exception):
    """Redis could not be reached; shown as a clear 503 page."""

    def __init__(self, text: Text = QUEUE_DOWN) -> None:
        super().__init__(render(text))
        self.text = text


def settings(**values) -> JobSettings:
    """The job settings from the app's config."""
    days = float(current_app.config.get("FILE_RETENTION_DAYS", 7))
    return JobSettings(retention=dt.timedelta(days=days), **values)


def time_limit() -> dt.timedelta:
    """A job's time limit (RQ stops a job that runs longer)."""
    return dt.timedelta(seconds=int(current_app.config.get("JOB_TIMEOUT_SECONDS", 600)))


def uses_rq() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def connection() -> Redis:
    """One Redis client per app (it pools its own connections)."""
    client = current_app.extensions.get("framsyn.redis")
    if client is None:
        client = Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
        current_app.extensions["framsyn.redis"] = client
    return client


def queue() -> Queue:
    """The RQ queue jobs go to."""
    name = current_app.config.get("JOB_QUEUE", DEFAULT_QUEUE)
    return Queue(name, connection=connection())


def submit(session: Session, job: Job) -> None:
    """Run or queue a committed job row; QueueUnavailable (the row failed) if Redis is down."""
    if not uses_rq():
        run_job(job.id, job.attempt, current_app.extensions["framsyn.sessions"], settings())
        session.refresh(job)
        return
    job.rq_id = f"framsyn-{uuid.uuid4().hex}"
    session.commit()
    retries = int(current_app.config.get("JOB_RETRIES", 2))
    try:
        queue().enqueue(
            "web.worker.execute",
            job.id,
            job.attempt,
            job_id=job.rq_id,
            job_timeout=int(time_limit().total_seconds()),
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            retry=Retry(max=retries) if retries > 0 else None,
            description=f"framsyn {job.kind.value} job {job.id}",
        )
    except RedisError as exc:
        mark_failed(session, job, QUEUE_DOWN)
        session.commit()
        raise QueueUnavailable() from exc


def enqueue_notifications(ids: list[int]) -> None:
    """Queue the delivery of committed notifications (RedisError if Redis is down).

    RQ retries a failed delivery; a notice already delivered is not sent again.
    """
    queue().enqueue(
        "web.worker.deliver_notifications",
        list(ids),
        job_timeout=120,
        result_ttl=600,
        failure_ttl=7 * 24 * 3600,
        retry=Retry(max=3, interval=[10, 60, 300]),
        description=f"framsyn notifications {ids[0]}..{ids[-1]} ({len(ids)})",
    )


@dataclass(frozen=True)
class Observed:
    """What a job's row does not know yet. ``failure`` says why a job that the row still calls
    queued or running has in fact failed (a dead worker, or RQ gave up on it); ``progress`` and
    ``step`` are what the running job reported to RQ."""

    reachable: bool = True
    failure: Text | None = None
    progress: int | None = None
    step: str | None = None

    def status(self, job: Job) -> JobStatus:
        """The status to show: failed when the row has not caught up yet."""
        return JobStatus.FAILED if self.failure is not None else job.status

    def error(self, job: Job) -> Text | None:
        """The error to show."""
        return self.failure or job.error

    def finished(self, job: Job) -> bool:
        """Whether the job will change no more."""
        return self.failure is not None or job.is_finished

    def percent(self, job: Job) -> int:
        return job.progress if self.progress is None or job.is_finished else int(self.progress)

    def step_key(self, job: Job) -> str:
        return job.step if self.step is None or job.is_finished else self.step


def _abandoned(rq_job: RQJob) -> bool:
    """RQ's started-job registry lets the entry of a job whose work horse died expire."""
    registry = StartedJobRegistry(rq_job.origin, connection=connection())
    return rq_job.id in registry.get_expired_job_ids()


def observe(job: Job) -> Observed:
    """Look at a job without changing it: what RQ says of it, or (inline) its time limit.

    The pages and the polling script only read; `settle` records what this finds. The answer
    says unreachable when Redis could not be asked.
    """
    if job.is_finished:
        return Observed()
    if not uses_rq() or not job.rq_id:
        return Observed(failure=ABANDONED if is_stale(job, time_limit()) else None)
    try:
        try:
            rq_job = RQJob.fetch(job.rq_id, connection=connection())
        except NoSuchJobError:
            rq_job = None
        if rq_job is None:
            gone = job.status == JobStatus.RUNNING
            return Observed(failure=FAILED_IN_QUEUE if gone else None)
        status = rq_job.get_status()
        if status in (RQStatus.FAILED, RQStatus.STOPPED, RQStatus.CANCELED):
            return Observed(failure=FAILED_IN_QUEUE)
        if status != RQStatus.STARTED and job.status == JobStatus.RUNNING:
            return Observed(progress=0, step="retrying")  # RQ queued it again
        if status == RQStatus.STARTED and _abandoned(rq_job):
            if rq_job.retries_left:
                return Observed(progress=0, step="retrying")  # RQ's cleanup runs it again
            return Observed(failure=ABANDONED)
        meta = rq_job.get_meta(refresh=False) or {}
    except RedisError:
        return Observed(reachable=False)
    return Observed(progress=meta.get("progress"), step=meta.get("step"))


def settle(session: Session, job: Job) -> bool:
    """Record a failure that `observe` finds (flushed, not committed); True if there was one.

    Called by the retry button's POST, by the worker before each job and by
    `flask --app web fail-stale-jobs`.
    """
    failure = observe(job).failure
    if failure is None:
        return False
    session.refresh(job)  # the worker may have finished it a moment ago
    if job.is_finished:
        return False
    mark_failed(session, job, failure)
    return True


def settle_unfinished(session: Session) -> int:
    """Let RQ clean up its abandoned jobs (run again or failed), then settle every queued or
    running row; return how many were failed now."""
    if uses_rq():
        try:
            StartedJobRegistry(queue=queue()).cleanup()
        except RedisError:
            pass  # observe says unreachable; nothing is failed on a guess
    unfinished = session.scalars(
        select(Job).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    ).all()
    return sum(settle(session, job) for job in unfinished)
