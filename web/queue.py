"""The only place that queues jobs: RQ on Redis when REDIS_URL is set, inline otherwise.

Framsyn's jobs (exports, imports, re-checks) and the delivery of notification mails both go
through here.

The job row must be committed before `submit` is called. With Redis, the RQ job calls
`web.worker.execute(job_id, attempt)`; inline, the same `drafting.jobs.run_job` runs in the
request with the app's session factory.
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


def settings() -> JobSettings:
    """The job settings from the app's config."""
    config = current_app.config
    return JobSettings(
        heartbeat_seconds=float(config.get("JOB_HEARTBEAT_SECONDS", 10)),
        retention=dt.timedelta(days=float(config.get("FILE_RETENTION_DAYS", 7))),
    )


def stale_after() -> dt.timedelta:
    """How long a running job may stay silent before it counts as abandoned."""
    return dt.timedelta(seconds=float(current_app.config.get("JOB_STALE_SECONDS", 60)))


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
    timeout = int(current_app.config.get("JOB_TIMEOUT_SECONDS", 600))
    try:
        queue().enqueue(
            "web.worker.execute",
            job.id,
            job.attempt,
            job_id=job.rq_id,
            job_timeout=timeout,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
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
    queued or running has in fact failed (a dead worker, or RQ gave up on it)."""

    reachable: bool = True
    failure: Text | None = None

    def status(self, job: Job) -> JobStatus:
        """The status to show: failed when the row has not caught up yet."""
        return JobStatus.FAILED if self.failure is not None else job.status

    def error(self, job: Job) -> Text | None:
        """The error to show."""
        return self.failure or job.error

    def finished(self, job: Job) -> bool:
        """Whether the job will change no more."""
        return self.failure is not None or job.is_finished


def observe(job: Job) -> Observed:
    """Look at a job without changing it: a stale heartbeat, or what RQ says of it.

    The pages and the polling script only read; `settle` records what this finds. The answer
    says unreachable when Redis could not be asked (the heartbeat check works without it).
    """
    if job.is_finished:
        return Observed()
    if is_stale(job, stale_after()):
        return Observed(failure=ABANDONED)
    if uses_rq() and job.rq_id:
        try:
            try:
                status = RQJob.fetch(job.rq_id, connection=connection()).get_status()
            except NoSuchJobError:
                status = None
        except RedisError:
            return Observed(reachable=False)
        gone = status is None and job.status == JobStatus.RUNNING
        if status in (RQStatus.FAILED, RQStatus.STOPPED, RQStatus.CANCELED) or gone:
            return Observed(failure=FAILED_IN_QUEUE)
    return Observed()


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
    """Settle every queued or running job; return how many were failed now."""
    unfinished = session.scalars(
        select(Job).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    ).all()
    return sum(settle(session, job) for job in unfinished)
