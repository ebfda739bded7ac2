"""Load test on the real stack: gunicorn on PostgreSQL and Redis, an rq worker, N users.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--ideas 10000] [--two-web]

Creates a private PostgreSQL schema (dropped afterwards) in TEST_DATABASE_URL's database
(default postgresql+psycopg://postgres@127.0.0.1:5432/test), uses Redis database 14 of
redis://127.0.0.1:6379 (emptied before and after), loads the ideas with bench/board.py's
generator, starts gunicorn (4 sync workers; with --two-web two instances on two ports, used
round-robin by the clients, and two rq workers) and runs the simulated users for a bounded
time. Every user's session is a signed cookie made once, valid on any web process. All traffic
stays on 127.0.0.1 and every process is stopped in a finally block.

Prints throughput, p50/p95/p99 per request kind and the error count. Targets: zero errors,
board p95 under 300 ms, section save p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text, update  # noqa: E402

from bench.signin import sign_in_value  # noqa: E402
from pipeline.db import make_engine, make_session_factory, normalise_url  # noqa: E402
from pipeline.migrate import upgrade  # noqa: E402

BIN = Path(sys.executable).parent
SECRET = "bench-load-" + uuid.uuid4().hex
UA = "framsyn-load/1"
TARGETS = {"board": 300.0, "section save": 200.0}
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
BASE_ID = re.compile(r'name="base_revision_id" type="hidden" value="(\d*)"')
THINK = (1.0, 5.0)  # seconds a person reads before the next click (--think changes it)
SECTION_LIMIT = 1400  # characters: the shortest section the saves write to allows 1,500
MIX = [  # (kind, weight)
    ("board", 25),
    ("idea page", 25),
    ("idea list", 10),
    ("section save", 20),
    ("check", 10),
    ("export", 5),
    ("healthz", 5),
]


def _board_module():
    spec = importlib.util.spec_from_file_location("bench_board", ROOT / "bench" / "board.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@dataclass
class Sample:
    kind: str
    started: float
    ms: float
    ok: bool
    detail: str = ""


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    saves: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Stack:
    """PostgreSQL schema, Redis db, gunicorn instance(s) and rq worker(s); stopped on exit."""

    def __init__(
        self,
        *,
        ideas: int,
        users: int,
        two_web: bool,
        port: int,
        redis: str,
        web_workers: int = 4,
    ) -> None:
        self.ideas, self.users, self.two_web, self.port = ideas, users, two_web, port
        self.web_workers = web_workers
        base = normalise_url(
            os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
        )
        self.base = base
        self.schema = f"load_{uuid.uuid4().hex[:8]}"
        separator = "&" if "?" in base else "?"
        self.url = f"{base}{separator}options=-csearch_path%3D{self.schema}"
        self.redis = redis
        self.web: list[subprocess.Popen] = []
        self.workers: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.user_id = 0
        self.draft_ideas: list[int] = []
        self.logdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"framsyn-{self.schema}"

    # Set-up

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.url,
            REDIS_URL=self.redis,
            SECRET_KEY=SECRET,
            FLASK_DEBUG="0",
            PYTHONPATH=str(ROOT),
        )
        return env

    def prepare(self) -> None:
        admin = make_engine(self.base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        upgrade(self.url)
        started = time.perf_counter()
        self.user_id = _board_module().fill(self.url, self.ideas)
        print(f"{self.ideas} ideas loaded in {time.perf_counter() - started:.1f} s")
        self._drafts()
        import redis as redis_lib

        redis_lib.Redis.from_url(self.redis).flushdb()

    def _drafts(self) -> None:
        """Each simulated user writes in a draft of their own (no edit conflicts between them)."""
        from drafting.revisions import get_or_create_draft
        from pipeline.models import ProjectIdea, User
        from pipeline.stages import Stage
        from web.auth.passwords import hash_password

        engine = make_engine(self.url)
        session = make_session_factory(engine)()
        try:
            ids = list(range(1, self.users + 1))
            session.execute(
                update(ProjectIdea).where(ProjectIdea.id.in_(ids)).values(stage=Stage.DRAFTING)
            )
            user = session.get(User, self.user_id)
            user.password_hash = hash_password("bench-load-password")
            for idea in session.scalars(select(ProjectIdea).where(ProjectIdea.id.in_(ids))):
                get_or_create_draft(session, user, idea)
            session.commit()
            self.draft_ideas = ids
        finally:
            session.close()
            engine.dispose()

    def start(self) -> None:
        self.logdir.mkdir(parents=True, exist_ok=True)
        for n in range(2 if self.two_web else 1):
            self.start_web(n)
        for n in range(2 if self.two_web else 1):
            self.start_worker(n)
        self.wait_ready()

    def start_web(self, n: int) -> None:
        port = self.port + n
        log = open(self.logdir / f"web{n}.log", "ab")  # noqa: SIM115
        self.web.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    str(self.web_workers),
                    "--threads",
                    "4",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--timeout",
                    "60",
                    "--graceful-timeout",
                    "5",
                    "web:create_app()",
                ],  # fmt: skip
                cwd=ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        self.urls.append(f"http://127.0.0.1:{port}")

    def start_worker(self, n: int) -> subprocess.Popen:
        log = open(self.logdir / f"worker{n}.log", "ab")  # noqa: SIM115
        worker = subprocess.Popen(
            [
                str(BIN / "rq"),
                "worker",
                "--url",
                self.redis,
                "--worker-class",
                "web.worker.FramsynWorker",
                "--name",
                f"load-{self.schema}-{n}-{uuid.uuid4().hex[:4]}",
                "framsyn",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for url in self.urls:
            while True:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not start; see {self.logdir}")
                time.sleep(0.3)
        time.sleep(1.5)  # the rq workers build their app

    def stop(self) -> None:
        for proc in [*self.web, *self.workers]:
            stop_process(proc)
        import redis as redis_lib

        with contextlib.suppress(Exception):
            redis_lib.Redis.from_url(self.redis, socket_connect_timeout=2).flushdb()
        with contextlib.suppress(Exception):
            admin = make_engine(self.base)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            admin.dispose()

    # Clients

    def cookie(self) -> str:
        """A signed session cookie for the bench user, as a successful sign-in would give."""
        from web import create_app
        from web.extensions import login_manager

        app = create_app({"DATABASE_URL": self.url, "SECRET_KEY": SECRET, "REDIS_URL": None})
        try:
            environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": UA}
            with app.test_request_context(environ_base=environ):
                identifier = login_manager._session_identifier_generator()
            serializer = app.session_interface.get_signing_serializer(app)
            value = sign_in_value(app, self.user_id)
            return serializer.dumps({"_user_id": value, "_fresh": True, "_id": identifier})
        finally:
            app.extensions["framsyn.engine"].dispose()


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a process group we started: TERM, then KILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


class RoundRobin:
    """Base URLs in turn: the simplest balancer, enough to show no web process keeps state."""

    def __init__(self, urls: list[str]) -> None:
        self._cycle = itertools.cycle(urls)
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            return next(self._cycle)


class User:
    """One simulated person: a requests session with the signed cookie and their own draft."""

    def __init__(
        self,
        number: int,
        stack: Stack,
        cookie: str,
        results: Results,
        think: tuple[float, float] = THINK,
    ) -> None:
        self.rng = random.Random(number)
        self.think = think
        self.idea = stack.draft_ideas[number % len(stack.draft_ideas)]
        self.ideas = stack.ideas
        self.results = results
        self.next_url = RoundRobin(stack.urls)
        self.http = requests.Session()
        self.http.headers["User-Agent"] = UA
        for url in stack.urls:
            host = url.split("//", 1)[1].split(":")[0]
            self.http.cookies.set("session", cookie, domain=host)
        self.token = ""

    def timed(
        self, kind: str, call: Callable[[], requests.Response], ok=(200, 302)
    ) -> requests.Response | None:
        started = time.perf_counter()
        wall = time.time()
        try:
            response = call()
        except requests.RequestException as exc:
            self.results.add(
                Sample(
                    kind, wall, (time.perf_counter() - started) * 1000, False, type(exc).__name__
                )
            )
            return None
        good = response.status_code in ok
        detail = "" if good else f"HTTP {response.status_code}"
        self.results.add(Sample(kind, wall, (time.perf_counter() - started) * 1000, good, detail))
        return response

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.next_url() + path, timeout=30, allow_redirects=False, **kw)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.next_url() + path, data=data, timeout=30, allow_redirects=False)

    def run(self, deadline: float) -> None:
        kinds, weights = zip(*MIX, strict=True)
        # People arrive over the first pause, not all in the same millisecond.
        time.sleep(self.rng.uniform(0, self.think[1]))
        while time.time() < deadline:
            kind = self.rng.choices(kinds, weights)[0]
            getattr(self, "do_" + kind.replace(" ", "_"))(deadline)
            time.sleep(self.rng.uniform(*self.think))  # a person reads before the next click

    def do_board(self, _deadline: float) -> None:
        query = self.rng.choice(["", "?q=l%C3%A4rcentrum", "?skede=drafting", ""])
        self.timed("board", lambda: self.get("/tavla" + query))

    def do_idea_page(self, _deadline: float) -> None:
        idea = self.rng.randint(1, self.ideas)
        self.timed("idea page", lambda: self.get(f"/ideer/{idea}"))

    def do_idea_list(self, _deadline: float) -> None:
        page = self.rng.randint(1, 50)
        self.timed("idea list", lambda: self.get(f"/ideer?sida={page}"))

    def do_healthz(self, _deadline: float) -> None:
        self.timed("healthz", lambda: self.get("/healthz"))

    def do_section_save(self, _deadline: float) -> None:
        key = self.rng.choice(["sammanfattning", "syfte", "malgrupp"])
        path = f"/ideer/{self.idea}/ansokan/avsnitt/{key}"
        page = self.timed("section page", lambda: self.get(path))
        if page is None or page.status_code != 200:
            return
        token = _csrf(page.text)
        base = BASE_ID.search(page.text)
        words = " ".join(self.rng.choices(WORDS, k=self.rng.randint(40, 160)))
        words = words[:SECTION_LIMIT].rsplit(" ", 1)[0]  # a valid save, within the limit
        data = {
            "csrf_token": token,
            "text": words,
            "base_revision_id": base.group(1) if base else "",
        }
        response = self.timed("section save", lambda: self.post(path, data), ok=(302,))
        if response is not None and response.status_code == 302:
            with self.results.lock:
                self.results.saves[self.idea] += 1

    def do_check(self, _deadline: float) -> None:
        self.timed("check", lambda: self.get(f"/ideer/{self.idea}/ansokan"))

    def do_export(self, deadline: float) -> None:
        word = self.timed("word page", lambda: self.get(f"/jobb/ide/{self.idea}/word"))
        if word is None or word.status_code != 200:
            return
        data = {
            "export-csrf_token": _csrf(word.text),
            "csrf_token": _csrf(word.text),
            "export-revision": "-1",
        }
        started = time.perf_counter()
        response = self.timed(
            "export start", lambda: self.post(f"/jobb/ide/{self.idea}/export", data), ok=(302,)
        )
        if response is None or response.status_code != 302:
            return
        job_path = response.headers["Location"].split("127.0.0.1", 1)[-1]
        job_path = job_path[job_path.index("/jobb") :]
        limit = min(deadline + 30, time.time() + 60)
        while time.time() < limit:
            status = self.timed(
                "job status", lambda: self.get(job_path.rstrip("/") + "/status.json")
            )
            if status is None or status.status_code != 200:
                return
            state = status.json()
            if state["finished"]:
                if state["status"] != "done":
                    self.results.add(
                        Sample("export done", time.time(), 0, False, str(state.get("error")))
                    )
                    return
                download = state["download_url"]
                self.timed("export download", lambda url=download: self.get(url))
                self.results.add(
                    Sample("export done", time.time(), (time.perf_counter() - started) * 1000, True)
                )
                return
            time.sleep(0.5)
        self.results.add(Sample("export done", time.time(), 0, False, "not finished in time"))


WORDS = (
    "projektet deltagare kvinnor män jämställdhet tillgänglighet lärcentrum inlandet arbete "
    "kompetens analys mål aktiviteter uppföljning könsuppdelad statistik diskriminering"
).split()


def _csrf(page: str) -> str:
    match = CSRF.search(page)
    return (match.group(1) or match.group(2)) if match else ""


def run_users(
    stack: Stack,
    users: int,
    seconds: float,
    results: Results,
    think: tuple[float, float] = THINK,
) -> float:
    """Run the users until the deadline; returns the wall time the run took."""
    cookie = stack.cookie()
    people = [User(n, stack, cookie, results, think) for n in range(users)]
    deadline = time.time() + seconds
    threads = [threading.Thread(target=p.run, args=(deadline,), daemon=True) for p in people]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return time.perf_counter() - started


def report(results: Results, wall: float, *, since: float | None = None) -> tuple[int, dict]:
    """Print the table; returns the error count and {kind: p95}."""
    samples = [s for s in results.samples if since is None or s.started >= since]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    errors = [s for s in samples if not s.ok]
    requests_done = sum(1 for s in samples if s.kind != "export done")
    print(f"\n{requests_done} requests in {wall:.1f} s: {requests_done / wall:.1f} requests/s")
    print(f"{'kind':16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    p95s = {}
    for kind in sorted(by_kind):
        values = [s.ms for s in by_kind[kind] if s.ok] or [0.0]
        p95s[kind] = percentile(values, 0.95)
        print(
            f"{kind:16} {len(by_kind[kind]):6d} {statistics.median(values):8.1f} "
            f"{p95s[kind]:8.1f} {percentile(values, 0.99):8.1f} "
            f"{sum(1 for s in by_kind[kind] if not s.ok):7d}"
        )
    slow = [s for s in samples if s.ok and s.ms > 1000]
    if samples:
        first = min(s.started for s in samples)
        early = sum(1 for s in slow if s.started - first < 10)
        print(f"requests over 1 s: {len(slow)} ({early} of them in the first 10 s)")
    print(f"errors: {len(errors)}")
    for sample in errors[:10]:
        print(f"  {sample.kind}: {sample.detail}")
    return len(errors), p95s


@contextlib.contextmanager
def running_stack(args) -> Iterator[Stack]:
    stack = Stack(
        ideas=args.ideas,
        users=args.users,
        two_web=args.two_web,
        port=args.port,
        redis=args.redis,
        web_workers=args.web_workers,
    )
    try:
        stack.prepare()
        stack.start()
        yield stack
    finally:
        stack.stop()


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--two-web", action="store_true", help="two gunicorns, two rq workers")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers each")
    parser.add_argument(
        "--think",
        type=lambda value: tuple(float(v) for v in value.split(",")),
        default=THINK,
        help="a user's pause between clicks, MIN,MAX seconds (default 1,5)",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    return parser


def main() -> int:
    args = parser().parse_args()
    with running_stack(args) as stack:
        mode = "two web instances, two workers" if args.two_web else "one web instance, one worker"
        print(
            f"{args.users} users for {args.seconds:.0f} s against {', '.join(stack.urls)} ({mode}),"
            f" {args.think[0]:g}-{args.think[1]:g} s between a user's clicks"
        )
        results = Results()
        wall = run_users(stack, args.users, args.seconds, results, args.think)
        errors, p95s = report(results, wall)
    ok = errors == 0
    for kind, target in TARGETS.items():
        met = p95s.get(kind, 0) < target
        ok &= met
        verdict = "meets" if met else "MISSES"
        print(f"{kind} p95 {p95s.get(kind, 0):.0f} ms {verdict} the {target:.0f} ms target")
    print("verdict:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
