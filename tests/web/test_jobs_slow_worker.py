"""A worker class for the crash test: its work horse records its pid and exports slowly.

`rq worker --worker-class test_jobs_slow_worker.SlowWorker` (with tests/web on PYTHONPATH)
imports it; pytest collects no tests here.
"""

from __future__ import annotations

import os
import time

from web.worker import FramsynWorker


class SlowWorker(FramsynWorker):
    """Writes the work horse's pid to $FRAMSYN_TEST_PIDFILE and makes rendering take a minute."""

    def perform_job(self, job, queue):
        import drafting.word.export

        real = drafting.word.export.render

        def slow(content):
            time.sleep(60)
            return real(content)

        drafting.word.export.render = slow
        path = os.environ["FRAMSYN_TEST_PIDFILE"]
        with open(path + ".tmp", "w") as handle:
            handle.write(str(os.getpid()))
        os.replace(path + ".tmp", path)
        return super().perform_job(job, queue)
