"""The Word page and job pages, inline and on the real Redis with real RQ workers."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from docx import Document
from redis import Redis
from sqlalchemy import func, select

from drafting.jobs.functions import create_job
from drafting.jobs.models import Job, JobKind, JobStatus, StoredFile
from pipeline.models import Role, utcnow
from tests.conftest import service_url
from tests.drafting.test_export import make_draft
from tests.drafting.test_import import docx_bytes, renamed_pdf
from tests.factories import make_org, make_user
from web import queue, worker
from web.auth.passwords import hash_password

PASSWORD = "ett långt lösenord 42"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _nlp_loaded():
    """Load the Swedish pipeline once, outside requests (an import hook warns on first load)."""
    import warnings

    from drafting.checker.nlp import get_nlp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        get_nlp()


def sessions(app):
    return app.extensions["framsyn.sessions"]


@pytest.fixture
def world(app):
    """A committed idea with a draft; its author, a team member and a stranger with passwords."""
    with sessions(app)() as session:
        actor, idea, draft = make_draft(session)
        team = make_user(session, Role.SUPPORT)
        stranger = make_user(session, organisation=make_org(session))
        for user in (actor, team, stranger):
            user.password_hash = hash_password(PASSWORD)
        session.commit()
        return {"actor": actor, "idea": idea, "draft": draft, "team": team, "stranger": stranger}


def login(client, user) -> None:
    client.post("/konto/logga-ut")
    response = client.post("/konto/logga-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def job_row(app, job_id: int) -> Job:
    with sessions(app)() as session:
        return session.get(Job, job_id)


def job_id_from(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def start_export(client, idea_id: int, **form) -> int:
    data = {"export-revision": "-1", **form}
    return job_id_from(client.post(f"/jobb/ide/{idea_id}/export", data=data))


# --- Inline (no REDIS_URL) --------------------------------------------------------------------


def test_inline_export_page_progress_and_download(app, client, world):
    login(client, world["actor"])
    page = client.get(f"/jobb/ide/{world['idea'].id}/word")
    assert page.status_code == 200 and "Exportera till Word" in page.get_data(as_text=True)
    job_id = start_export(client, world["idea"].id, **{"export-appendix": "y"})
    assert job_row(app, job_id).status == JobStatus.DONE
    html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
    assert "Klart" in html and f"/jobb/{job_id}/fil" in html and "js/jobs.js" in html
    assert "<script>" not in html  # the CSP allows no inline script
    status = client.get(f"/jobb/{job_id}/status.json").get_json()
    assert status["status"] == "done" and status["progress"] == 100 and status["finished"]
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert "-rev2-" in download.headers["Content-Disposition"]
    document = Document(io.BytesIO(download.data))
    assert document.paragraphs[0].text == world["idea"].title


def test_other_organisations_see_neither_job_nor_file(app, client, world):
    login(client, world["actor"])
    job_id = start_export(client, world["idea"].id)
    login(client, world["stranger"])
    for url in (f"/jobb/{job_id}", f"/jobb/{job_id}/status.json", f"/jobb/{job_id}/fil"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/jobb/ide/{world['idea'].id}/word").status_code == 404
    login(client, world["team"])
    assert client.get(f"/jobb/{job_id}/fil").status_code == 200


def test_inline_import_shows_what_changed(app, client, world):
    login(client, world["actor"])

    def build(document):
        document.add_heading("3. Syfte", 1)
        document.add_paragraph("Syftet skrivet i Word.")
        document.add_heading("Övrigt", 1)
        document.add_paragraph("Kvar.")

    response = client.post(
        f"/jobb/ide/{world['idea'].id}/import",
        data={
            "import-document": (io.BytesIO(docx_bytes(build)), "ansokan.docx"),
            "import-unmatched_target": "budget",
        },
        content_type="multipart/form-data",
    )
    job_id = job_id_from(response)
    html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
    assert "Resultat av importen" in html and "Syfte" in html and "Övrigt" in html
    assert "Budget och medfinansiering" in html
    job = job_row(app, job_id)
    assert job.result["changed"] == ["syfte", "budget"] and job.input_file_id is None


def test_a_bad_upload_is_refused_on_the_form_and_nothing_is_queued(app, client, world):
    login(client, world["actor"])
    with sessions(app)() as session:
        before = session.scalar(select(func.count(Job.id)))
    response = client.post(
        f"/jobb/ide/{world['idea'].id}/import",
        data={"import-document": (io.BytesIO(renamed_pdf()), "ansokan.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Filen är en PDF med filändelsen .docx" in response.get_data(as_text=True)
    with sessions(app)() as session:
        assert session.scalar(select(func.count(Job.id))) == before
        assert session.scalar(select(func.count(StoredFile.id))) == 0


@pytest.mark.parametrize("csrf", [False, True])
def test_an_upload_over_the_request_limit_gets_the_forms_message(app, client, world, csrf):
    login(client, world["actor"])
    app.config["WTF_CSRF_ENABLED"] = csrf  # CSRFProtect reads the body first when it is on
    # The body is built here: the test client would spool a large upload to a temporary
    # file that nobody closes when the app (rightly) never reads it.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="import-document"; '
        b'filename="ansokan.docx"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        f"/jobb/ide/{world['idea'].id}/import",
        data=body,
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Filen är större än 10 MB" in page
    assert 'name="import-unmatched_target"' in page  # the form is there to try again
    with sessions(app)() as session:
        assert session.scalar(select(func.count(StoredFile.id))) == 0


def test_an_oversized_post_elsewhere_gets_the_plain_413_page(app, client, world):
    login(client, world["actor"])
    response = client.post(
        f"/ideer/{world['idea'].id}/kommentera",
        data={"body": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)},
    )
    assert response.status_code == 413


def test_a_failed_job_gives_the_reason_and_can_be_retried(app, client, world, monkeypatch):
    import drafting.word.export

    login(client, world["actor"])
    real = drafting.word.export.render
    monkeypatch.setattr(drafting.word.export, "render", lambda content: 1 / 0)
    job_id = start_export(client, world["idea"].id)
    html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
    assert "Jobbet misslyckades" in html and "Ett oväntat fel inträffade" in html
    assert f"/jobb/{job_id}/forsok-igen" in html and 'name="csrf_token"' in html
    monkeypatch.setattr(drafting.word.export, "render", real)
    assert job_id_from(client.post(f"/jobb/{job_id}/forsok-igen")) == job_id
    job = job_row(app, job_id)
    assert (job.status, job.attempt) == (JobStatus.DONE, 2)


def _abandon(app, job_id: int) -> None:
    """Leave an inline job as a web process that died mid-job would: running past the limit."""
    with sessions(app)() as session:
        job = session.get(Job, job_id)
        job.status = JobStatus.RUNNING
        job.step = "rendering"
        job.started_at = utcnow() - dt.timedelta(hours=1)
        job.finished_at = None
        session.commit()


def test_polling_an_abandoned_job_reports_it_failed_and_writes_nothing(app, client, world):
    login(client, world["actor"])
    job_id = start_export(client, world["idea"].id)
    _abandon(app, job_id)
    status = client.get(f"/jobb/{job_id}/status.json").get_json()
    assert status["status"] == "failed" and status["finished"]
    assert "slutade svara" in status["error"]
    html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
    assert "Misslyckades" in html and f"/jobb/{job_id}/forsok-igen" in html
    assert job_row(app, job_id).status == JobStatus.RUNNING  # GET changed nothing
    assert job_id_from(client.post(f"/jobb/{job_id}/forsok-igen")) == job_id
    job = job_row(app, job_id)
    assert (job.status, job.attempt) == (JobStatus.DONE, 2)


def test_fail_stale_jobs_command_fails_what_a_dead_worker_left(app, world):
    with sessions(app)() as session:
        job = create_job(
            session, kind=JobKind.EXPORT, user=world["actor"], idea_id=world["idea"].id
        )
        session.commit()
        job_id = job.id
    _abandon(app, job_id)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["fail-stale-jobs"])
    assert result.exit_code == 0 and "Jobs failed as abandoned: 1." in result.output
    job = job_row(app, job_id)
    assert job.status == JobStatus.FAILED and job.error is not None


def test_english_status_json(app, client, world):
    login(client, world["actor"])
    client.post("/sprak", data={"locale": "en"})
    job_id = start_export(client, world["idea"].id)
    assert client.get(f"/jobb/{job_id}/status.json").get_json()["status_label"] in (
        "Done",
        "Klart",  # before `make translations` has compiled the catalog
    )


# --- Redis ------------------------------------------------------------------------------------


def redis_app(sqlite_url: str, redis_url: str, queue_name: str, **extra):
    from web import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": sqlite_url,
        "REDIS_URL": redis_url,
        "JOB_QUEUE": queue_name,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        **extra,
    }
    return create_app(config)


def test_redis_down_gives_a_clear_page_not_a_500(app, world, sqlite_url):
    down = redis_app(sqlite_url, "redis://127.0.0.1:1/0", "framsyn-down")
    client = down.test_client()
    login(client, world["actor"])
    response = client.post(f"/jobb/ide/{world['idea'].id}/export", data={"export-revision": "-1"})
    assert response.status_code == 503
    assert "Köservern svarar inte" in response.get_data(as_text=True)
    with sessions(down)() as session:
        job = session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.status == JobStatus.FAILED and "Redis" in job.error.sv
        job.status, job.rq_id = JobStatus.QUEUED, "framsyn-gone"
        session.commit()
    page = client.get(f"/jobb/{job.id}")
    assert page.status_code == 200 and "Köservern svarar inte just nu" in page.get_data(
        as_text=True
    )
    down.extensions["framsyn.engine"].dispose()


@pytest.fixture
def redis_url() -> str:
    url = service_url("TEST_REDIS_URL")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(f"Redis is not answering: {exc}")
    return url


@pytest.fixture
def rq_app(redis_url, sqlite_url, world):
    """An app on the same SQLite file as `world`, queueing on a queue private to this test."""
    name = f"framsyn-test-{uuid.uuid4().hex[:12]}"
    application = redis_app(sqlite_url, redis_url, name)
    yield application
    from rq import Queue

    Queue(name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)
    application.extensions["framsyn.engine"].dispose()


def burst(application) -> None:
    with application.app_context():
        simple = worker.FramsynSimpleWorker([queue.queue()], connection=queue.connection())
        simple.work(burst=True)


@pytest.mark.redis
def test_simple_worker_runs_the_queued_export(rq_app, world):
    client = rq_app.test_client()
    login(client, world["actor"])
    job_id = start_export(client, world["idea"].id, **{"export-comments": "y"})
    job = job_row(rq_app, job_id)
    assert job.status == JobStatus.QUEUED and job.rq_id.startswith("framsyn-")
    html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
    assert "I kö" in html and "Uppdatera sidan" in html
    burst(rq_app)
    assert job_row(rq_app, job_id).status == JobStatus.DONE
    assert client.get(f"/jobb/{job_id}/fil").status_code == 200


def worker_process(rq_app, redis_url: str, *args: str, env: dict | None = None):
    """`rq worker` in its own process and session, on the test's database and queue."""
    environment = {
        **os.environ,
        "DATABASE_URL": rq_app.config["DATABASE_URL"],
        "REDIS_URL": redis_url,
        "SECRET_KEY": "worker-test-secret-of-at-least-32-chars",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "web")]),
        **(env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("rq")),
        "worker",
        "--url",
        redis_url,
        *args,
        rq_app.config["JOB_QUEUE"],
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.mark.redis
@pytest.mark.slow
def test_a_separate_rq_worker_process_runs_the_job(rq_app, world, redis_url):
    client = rq_app.test_client()
    login(client, world["actor"])
    job_id = start_export(client, world["idea"].id)
    process = worker_process(
        rq_app, redis_url, "--burst", "--worker-class", "web.worker.FramsynWorker"
    )
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()
    assert job_row(rq_app, job_id).status == JobStatus.DONE, output.decode()
    assert client.get(f"/jobb/{job_id}/fil").status_code == 200


@pytest.mark.redis
@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_no_file_and_the_job_can_be_retried(
    rq_app, world, redis_url, tmp_path
):
    client = rq_app.test_client()
    login(client, world["actor"])
    job_id = start_export(client, world["idea"].id)
    pidfile = tmp_path / "horse.pid"
    process = worker_process(
        rq_app,
        redis_url,
        "--worker-class",
        "test_jobs_slow_worker.SlowWorker",
        env={"FRAMSYN_TEST_PIDFILE": str(pidfile)},
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if pidfile.exists() and job_row(rq_app, job_id).status == JobStatus.RUNNING:
                break
            assert process.poll() is None, process.stdout.read().decode()
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started the job")
        horse = int(pidfile.read_text())
        os.kill(horse, signal.SIGKILL)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
    job = job_row(rq_app, job_id)
    assert job.status == JobStatus.RUNNING  # what the dead worker left
    # Until RQ's started-job entry of the dead work horse expires, the job is running.
    assert client.get(f"/jobb/{job_id}/status.json").get_json()["status"] == "running"
    expire_started(rq_app, job.rq_id)
    status = client.get(f"/jobb/{job_id}/status.json").get_json()
    assert status["status"] == "running" and "körs igen" in status["step_label"]
    assert job_row(rq_app, job_id).status == JobStatus.RUNNING  # the page only reads
    assert client.get(f"/jobb/{job_id}/fil").status_code == 404
    with sessions(rq_app)() as session:
        assert session.scalar(select(func.count(StoredFile.id))) == 0
    # A new worker: RQ's registry cleanup queues the job again and its run takes the row over.
    burst(rq_app)
    job = job_row(rq_app, job_id)
    assert (job.status, job.attempt) == (JobStatus.DONE, 1)
    assert client.get(f"/jobb/{job_id}/fil").status_code == 200


def expire_started(application, rq_id: str) -> None:
    """Make RQ's started-job entry of `rq_id` expire, as it does about a minute after a dead
    work horse's last heartbeat (the test does not wait that minute)."""
    from rq.registry import StartedJobRegistry

    with application.app_context():
        registry = StartedJobRegistry(queue=queue.queue())
        entries = [
            e for e in registry.connection.zrange(registry.key, 0, -1)
            if registry.parse_job_id(e) == rq_id
        ]  # fmt: skip
        assert entries, "the job is not in RQ's started-job registry"
        registry.connection.zadd(registry.key, {e: time.time() - 1 for e in entries})


@pytest.mark.redis
def test_an_abandoned_job_with_no_retry_left_fails_and_the_owner_retries_it(
    redis_url, sqlite_url, world
):
    from rq.job import Job as RQJob
    from rq.job import JobStatus as RQStatus
    from rq.registry import StartedJobRegistry

    name = f"framsyn-test-{uuid.uuid4().hex[:12]}"
    application = redis_app(sqlite_url, redis_url, name, JOB_RETRIES=0)
    try:
        client = application.test_client()
        login(client, world["actor"])
        job_id = start_export(client, world["idea"].id)
        rq_id = job_row(application, job_id).rq_id
        with application.app_context():
            # As a work horse that took the job and was killed leaves it.
            rq_job = RQJob.fetch(rq_id, connection=queue.connection())
            queue.queue().remove(rq_job)
            rq_job.set_status(RQStatus.STARTED)
            registry = StartedJobRegistry(queue=queue.queue())
            registry.connection.zadd(registry.key, {f"{rq_id}:killed": time.time() + 60})
        with sessions(application)() as session:
            session.get(Job, job_id).status = JobStatus.RUNNING
            session.commit()
        assert client.get(f"/jobb/{job_id}/status.json").get_json()["status"] == "running"
        expire_started(application, rq_id)
        html = client.get(f"/jobb/{job_id}").get_data(as_text=True)
        assert "Misslyckades" in html and "arbetsprocessen slutade svara" in html
        assert job_row(application, job_id).status == JobStatus.RUNNING  # the page only reads
        with application.app_context():
            result = application.test_cli_runner().invoke(args=["fail-stale-jobs"])
        assert result.exit_code == 0 and "Jobs failed as abandoned: 1." in result.output
        assert job_row(application, job_id).status == JobStatus.FAILED
        assert job_id_from(client.post(f"/jobb/{job_id}/forsok-igen")) == job_id
        burst(application)
        job = job_row(application, job_id)
        assert (job.status, job.attempt) == (JobStatus.DONE, 2)
    finally:
        from rq import Queue

        Queue(name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)
        application.extensions["framsyn.engine"].dispose()
