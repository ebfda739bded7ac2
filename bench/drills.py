"""Fault drills under load: PostgreSQL restarted, Redis stopped, the worker killed mid-export.

    .venv/bin/python bench/drills.py [postgres|redis|worker|all] [--users 20] [--seconds 40]

Each drill starts the stack of bench/load.py (private PostgreSQL schema, Redis db 14, gunicorn,
rq worker), runs the simulated users, causes the fault a third of the way in and prints a
verdict. The drills restart the machine's shared PostgreSQL and Redis, so they run only from
here, never from pytest; every service is started again in a finally block.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import Results, Stack, User, _csrf, report, run_users, stop_process  # noqa: E402

PG_RESTART = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main restart"
REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def sh(command: str, timeout: float = 60) -> None:
    subprocess.run(command, shell=True, check=False, timeout=timeout, capture_output=True)


def wait_for(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(0.3)
    return False


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


def redis_ready() -> bool:
    return (
        subprocess.run(["redis-cli", "ping"], capture_output=True, check=False).stdout.strip()
        == b"PONG"
    )


def under_load(stack: Stack, users: int, seconds: float, results: Results) -> threading.Thread:
    thread = threading.Thread(target=run_users, args=(stack, users, seconds, results), daemon=True)
    thread.start()
    return thread


def drill_postgres(stack: Stack, users: int, seconds: float) -> bool:
    results = Results()
    load = under_load(stack, users, seconds, results)
    time.sleep(seconds / 3)
    fault = time.time()
    try:
        sh(PG_RESTART, timeout=90)
    finally:
        if not wait_for(pg_ready, 60):
            sh(PG_RESTART, timeout=90)
    recovered = time.time()
    print(f"PostgreSQL restarted in {recovered - fault:.1f} s")
    load.join(timeout=seconds + 180)
    report(results, seconds)
    after = [s for s in results.samples if s.started >= recovered + 2 and not s.ok]
    print(f"errors in requests started 2 s after recovery: {len(after)}")
    lost = _lost_saves(stack, results)
    print(f"saved sections missing from the database: {lost}")
    return not after and lost == 0


def _lost_saves(stack: Stack, results: Results) -> int:
    from sqlalchemy import func, select

    from drafting.models import Draft, SectionRevision
    from pipeline.db import make_engine

    engine = make_engine(stack.url)
    try:
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    select(Draft.idea_id, func.count(SectionRevision.id))
                    .join(SectionRevision, SectionRevision.draft_id == Draft.id)
                    .group_by(Draft.idea_id)
                ).all()
            )
    finally:
        engine.dispose()
    return sum(max(0, n - stored.get(idea, 0)) for idea, n in results.saves.items())


def drill_redis(stack: Stack, users: int, seconds: float) -> bool:
    results = Results()
    load = under_load(stack, users, seconds, results)
    time.sleep(seconds / 3)
    probe = User(999, stack, stack.cookie(), Results())
    verdict = True
    try:
        sh("redis-cli shutdown nosave")
        wait_for(lambda: not redis_ready(), 10)
        board = probe.get("/tavla")
        word = probe.get(f"/jobb/ide/{probe.idea}/word")
        token = _csrf(word.text)
        export = probe.post(
            f"/jobb/ide/{probe.idea}/export",
            {"csrf_token": token, "export-csrf_token": token, "export-revision": "-1"},
        )
        clear = export.status_code == 503 and "Redis" in export.text
        print(f"Redis down: board {board.status_code}, export {export.status_code}, clear: {clear}")
        verdict &= board.status_code == 200 and clear
        time.sleep(3)
    finally:
        sh(REDIS_START)
        wait_for(redis_ready, 30)
    back = time.time()
    print("Redis started again")
    load.join(timeout=seconds + 180)
    report(results, seconds)
    exports = [s for s in results.samples if s.kind == "export done" and s.started > back]
    done = sum(s.ok for s in exports)
    print(f"exports finished after Redis returned: {done} of {len(exports)}")
    pages = [s for s in results.samples if s.kind in ("board", "idea page") and not s.ok]
    print(f"board and idea page errors during the whole drill: {len(pages)}")
    return verdict and done > 0 and not pages


def drill_worker(stack: Stack, users: int, seconds: float) -> bool:
    results = Results()
    load = under_load(stack, users, seconds, results)
    time.sleep(seconds / 3)
    killed = len(stack.workers)
    for worker in list(stack.workers):
        with contextlib.suppress(ProcessLookupError):
            import os
            import signal

            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        stack.workers.remove(worker)
    print(f"{killed} rq worker(s) killed with SIGKILL")
    time.sleep(2)
    for n in range(killed):
        stack.start_worker(10 + n)
    restarted = time.time()
    print("new worker(s) started")
    load.join(timeout=seconds + 180)
    report(results, seconds)
    exports = [s for s in results.samples if s.kind == "export done" and s.started > restarted]
    done = sum(s.ok for s in exports)
    print(f"exports finished after the new worker started: {done} of {len(exports)}")
    pages = [s for s in results.samples if s.kind in ("board", "idea page") and not s.ok]
    return done > 0 and not pages


DRILLS = {"postgres": drill_postgres, "redis": drill_redis, "worker": drill_worker}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drill", choices=[*DRILLS, "all"], nargs="?", default="all")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8121)
    args = parser.parse_args()
    verdicts = {}
    for name in DRILLS if args.drill == "all" else [args.drill]:
        print(f"\n=== drill: {name} ===")
        stack = Stack(
            ideas=args.ideas,
            users=args.users,
            two_web=False,
            port=args.port,
            redis="redis://127.0.0.1:6379/14",
        )
        try:
            stack.prepare()
            stack.start()
            verdicts[name] = DRILLS[name](stack, args.users, args.seconds)
        finally:
            if not pg_ready():
                sh(PG_RESTART, timeout=90)
            if not redis_ready():
                sh(REDIS_START)
            stack.stop()
            for proc in stack.workers:
                stop_process(proc)
        with contextlib.suppress(requests.RequestException):
            pass
    print()
    for name, ok in verdicts.items():
        print(f"{name:9} {'PASS' if ok else 'FAIL'}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
