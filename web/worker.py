"""The worker's side of the queue: the app a worker process builds once, and the RQ entry point.

Start a worker with `rq worker --url "$REDIS_URL" --worker-class web.worker.FramsynWorker framsyn`
(a plain `rq worker` works too: `execute` then builds the app on first use). The app is made
from the environment like the web's, so both reach the same database.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, has_app_context
from rq import SimpleWorker, Worker

from drafting.jobs.functions import run_job

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
    """The RQ job function: run one attempt of a Framsyn job with the worker app's sessions."""
    from web.queue import settings

    app = worker_app()
    with app.app_context():
        settle_abandoned()
        status = run_job(job_id, attempt, app.extensions["framsyn.sessions"], settings())
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


class FramsynWorker(Worker):
    """An RQ worker that builds the Framsyn app once, before it forks work horses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        worker_app()


class FramsynSimpleWorker(SimpleWorker):
    """The same without forking (one process; used by tests and on platforms without fork)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        worker_app()
