"""The worker's side of the queue: the app a worker process builds once, and the RQ entry point.

Start a worker with `rq worker --url "$REDIS_URL" --worker-class web.worker.FramsynWorker framsyn`
(a plain `rq worker` works too: `execute` then builds the app on first use). The app is made
from the environment like the web's, so both reach the same database.
"""

from __future__ import annotations

import logging
import os

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker, get_current_job

from drafting.jobs.functions import run_job

log = logging.getLogger(__name__)

_app: Flask | None = None
_app_pid: int | None = None


def worker_app() -> Flask:
    """The current app if there is one (tests, inline), else one built once per process."""
    global _app, _app_pid
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        from web import create_app

        _app = create_app()
        _app_pid = os.getpid()
    elif _app_pid != os.getpid():
        # A forked work horse must not share the parent's database connections.
        _app.extensions["framsyn.engine"].dispose(close=False)
        _app_pid = os.getpid()
    return _app


def execute(job_id: int, attempt: int) -> str | None:
    """The RQ job function: run one attempt of a Framsyn job with the worker app's sessions.

    Progress goes to the RQ job's meta; an error of the database connection is raised again for
    RQ's Retry, and a run of the same RQ job takes over the row an earlier run left running.
    """
    from web.queue import settings

    rq_job = get_current_job()

    def report(percent: int, step: str) -> None:
        if rq_job is None:
            return
        rq_job.meta.update(progress=percent, step=step)
        try:
            rq_job.save_meta()
        except RedisError:  # progress is a courtesy; it must never fail the job
            log.warning("progress of job %s not recorded", job_id, exc_info=True)

    app = worker_app()
    with app.app_context():
        settle_abandoned()
        status = run_job(
            job_id,
            attempt,
            app.extensions["framsyn.sessions"],
            settings(retry_lost_database=True, rq_id=rq_job.id if rq_job is not None else None),
            report,
        )
    return status.value if status is not None else None


def deliver_notifications(ids: list[int]) -> int:
    """The RQ job that mails committed notifications; raises (so RQ retries) if any failed."""
    from web.notifications.delivery import deliver

    app = worker_app()
    with app.app_context():
        result = deliver(ids)
    if result.failed:
        raise RuntimeError(f"{result.failed} of {len(ids)} notifications were not delivered")
    return result.sent


def settle_abandoned() -> int:
    """Fail the jobs a dead worker left running (the pages only read); return how many."""
    from web import db
    from web.queue import settle_unfinished

    session = db.session()
    count = settle_unfinished(session)
    session.commit()
    return count


def noop() -> None:
    """A job that does nothing: the benchmark's measure of the queue's own overhead."""
    return None


# RQ cleans its registries (and so runs abandoned jobs again) at start and then this often;
# its default of ten minutes would leave a job whose worker died waiting that long.
MAINTENANCE_SECONDS = 60


class FramsynWorker(Worker):
    """An RQ worker that builds the Framsyn app once, before it forks work horses."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        worker_app()


class FramsynSimpleWorker(SimpleWorker):
    """The same without forking (one process; used by tests and on platforms without fork)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        worker_app()
