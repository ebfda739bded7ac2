"""Job functions run with a session factory: status moves, files stored atomically, retries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from drafting.jobs import files
from drafting.jobs.functions import (
    ABANDONED,
    UNEXPECTED,
    JobSettings,
    create_job,
    is_stale,
    mark_failed,
    retry_job,
    run_job,
)
from drafting.jobs.models import FilePurpose, Job, JobKind, JobStatus, StoredFile
from drafting.revisions import section_texts
from pipeline.db import make_session_factory
from pipeline.errors import InvalidData, NotFound
from pipeline.i18n import LOCALES, render
from pipeline.models import Role, utcnow
from tests.drafting.test_export import make_draft
from tests.drafting.test_import import docx_bytes, zip_bomb
from tests.factories import make_org, make_user

FAST = JobSettings()


@pytest.fixture
def sessions(engine):
    return make_session_factory(engine)


@pytest.fixture
def drafted(sessions):
    """A committed idea with a draft, its author and a team member."""
    with sessions() as session:
        actor, idea, draft = make_draft(session)
        team = make_user(session, Role.SUPPORT)
        session.commit()
        return actor, idea, draft, team


def new_job(sessions, kind, user, idea, **kw) -> tuple[int, int]:
    with sessions() as session:
        job = create_job(session, kind=kind, user=user, idea_id=idea.id, **kw)
        session.commit()
        return job.id, job.attempt


def load(sessions, job_id) -> Job:
    with sessions() as session:
        return session.get(Job, job_id)


def file_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count(StoredFile.id)))


def test_export_job_stores_the_file_with_status_done(sessions, drafted):
    actor, idea, _draft, _team = drafted
    job_id, attempt = new_job(sessions, JobKind.EXPORT, actor, idea, params={"appendix": True})
    assert load(sessions, job_id).status == JobStatus.QUEUED
    heard = []
    assert run_job(job_id, attempt, sessions, FAST, lambda *p: heard.append(p)) == JobStatus.DONE
    assert heard == [(20, "rendering")]  # progress goes to the runner (RQ's job.meta)
    job = load(sessions, job_id)
    assert (job.status, job.progress, job.step) == (JobStatus.DONE, 100, "done")
    assert job.started_at <= job.finished_at
    assert job.result["name"].endswith(".docx") and job.result_file_id is not None
    with sessions() as session:
        stored = files.file_for_download(session, actor, job.result_file_id)
        assert stored.size == len(stored.data) == job.result["size"]
        assert stored.purpose == FilePurpose.EXPORT and not stored.team_only
    # An attempt runs once: a second delivery of the same RQ job does nothing.
    assert run_job(job_id, attempt, sessions, FAST) is None


def test_a_crash_mid_job_fails_it_and_leaves_no_file(sessions, drafted, monkeypatch):
    actor, idea, _draft, _team = drafted
    import drafting.word.export

    def broken(_content):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(drafting.word.export, "render", broken)
    before = file_count(sessions)
    job_id, attempt = new_job(sessions, JobKind.EXPORT, actor, idea)
    assert run_job(job_id, attempt, sessions, FAST) == JobStatus.FAILED
    job = load(sessions, job_id)
    assert job.result_file_id is None
    assert all(render(job.error, loc) == render(UNEXPECTED, loc) for loc in LOCALES)
    assert file_count(sessions) == before
    monkeypatch.undo()
    with sessions() as session:
        retry_job(session, actor, session.get(Job, job_id))
        session.commit()
    assert run_job(job_id, attempt + 1, sessions, FAST) == JobStatus.DONE


def upload(sessions, actor, idea, data: bytes) -> int:
    with sessions() as session:
        stored = files.store_file(
            session,
            name="ansokan.docx",
            content_type="application/octet-stream",
            data=data,
            purpose=FilePurpose.UPLOAD,
            idea_id=idea.id,
            created_by=actor,
        )
        session.commit()
        return stored


def test_import_job_saves_revisions_and_deletes_the_upload(sessions, drafted):
    actor, idea, draft, _team = drafted

    def build(document):
        document.add_heading("Syfte", 1)
        document.add_paragraph("Syfte från Word.")

    stored = upload(sessions, actor, idea, docx_bytes(build))
    job_id, attempt = new_job(sessions, JobKind.IMPORT, actor, idea, input_file=stored)
    assert run_job(job_id, attempt, sessions, FAST) == JobStatus.DONE
    job = load(sessions, job_id)
    assert job.result["changed"] == ["syfte"] and job.input_file_id is None
    with sessions() as session:
        assert session.get(StoredFile, stored.id) is None
        assert section_texts(session, draft)["syfte"] == "Syfte från Word."


def test_import_job_with_a_bad_file_fails_with_a_bilingual_reason(sessions, drafted):
    actor, idea, draft, _team = drafted
    stored = upload(sessions, actor, idea, zip_bomb())
    job_id, attempt = new_job(sessions, JobKind.IMPORT, actor, idea, input_file=stored)
    assert run_job(job_id, attempt, sessions, FAST) == JobStatus.FAILED
    job = load(sessions, job_id)
    assert "orimligt" in job.error.sv and "unreasonable" in job.error.en
    with sessions() as session:
        assert session.get(StoredFile, stored.id) is not None  # kept for a retry
        assert section_texts(session, draft) == section_texts(session, draft)


def test_recheck_call_is_for_the_team(sessions, drafted):
    actor, idea, _draft, team = drafted
    with sessions() as session:
        from pipeline.models import Call

        call = Call(
            name="Utlysning",
            diarienummer=f"2026/{idea.id:05d}",
            programme_area="A",
            opens=dt.date(2026, 1, 1),
            closes=dt.date(2026, 6, 1),
            region="Övre Norrland",
        )
        session.add(call)
        session.flush()
        session.get(type(idea), idea.id).call_id = call.id
        session.commit()
        call_id = call.id
    for user, expected in ((actor, JobStatus.FAILED), (team, JobStatus.DONE)):
        with sessions() as session:
            job = create_job(session, kind=JobKind.RECHECK_CALL, user=user, call_id=call_id)
            session.commit()
        assert run_job(job.id, job.attempt, sessions, FAST) == expected
    assert load(sessions, job.id).result == {"drafts": 1}


def test_stale_running_jobs_are_abandoned_and_can_be_retried(sessions, drafted):
    actor, idea, _draft, _team = drafted
    job_id, attempt = new_job(sessions, JobKind.EXPORT, actor, idea)
    with sessions() as session:
        job = session.get(Job, job_id)
        job.status = JobStatus.RUNNING
        job.started_at = utcnow() - dt.timedelta(minutes=5)
        session.commit()
        assert is_stale(job, dt.timedelta(seconds=60))
        assert not is_stale(job, dt.timedelta(minutes=10))
        with pytest.raises(InvalidData):
            retry_job(session, actor, job)
        mark_failed(session, job, ABANDONED)
        retry_job(session, actor, job)
        session.commit()
        assert (job.status, job.attempt, job.error) == (JobStatus.QUEUED, attempt + 1, None)
    # The old attempt, if its worker ever wakes up, does nothing.
    assert run_job(job_id, attempt, sessions, FAST) is None
    assert run_job(job_id, attempt + 1, sessions, FAST) == JobStatus.DONE


def test_downloads_follow_the_idea_and_expire(sessions, drafted):
    actor, idea, _draft, team = drafted
    with sessions() as session:
        stranger = make_user(session, organisation=make_org(session))
        internal = files.store_file(
            session,
            name="x.docx",
            content_type="application/octet-stream",
            data=b"team",
            purpose=FilePurpose.EXPORT,
            idea_id=idea.id,
            created_by=team,
            team_only=True,
        )
        shared = files.store_file(
            session,
            name="y.docx",
            content_type="application/octet-stream",
            data=b"shared",
            purpose=FilePurpose.EXPORT,
            idea_id=idea.id,
            created_by=actor,
            retention=dt.timedelta(seconds=-1),
        )
        session.commit()
        assert files.file_for_download(session, team, internal.id).data == b"team"
        for who, file_id in ((actor, internal.id), (stranger, internal.id), (team, shared.id)):
            with pytest.raises(NotFound):
                files.file_for_download(session, who, file_id)
        assert files.purge_expired(session) >= 1
        session.commit()
        assert session.get(StoredFile, shared.id) is None
        assert session.get(StoredFile, internal.id) is not None


def test_a_run_of_the_same_rq_job_takes_over_the_row_an_earlier_run_left(sessions, drafted):
    actor, idea, _draft, _team = drafted
    job_id, attempt = new_job(sessions, JobKind.EXPORT, actor, idea)
    with sessions() as session:
        job = session.get(Job, job_id)
        job.status, job.rq_id, job.step = JobStatus.RUNNING, "framsyn-first", "rendering"
        session.commit()
    # Inline, or another RQ job (a superseded one), does not touch a running row.
    assert run_job(job_id, attempt, sessions, FAST) is None
    assert run_job(job_id, attempt, sessions, JobSettings(rq_id="framsyn-other")) is None
    assert load(sessions, job_id).status == JobStatus.RUNNING
    # RQ running the same job again (its worker died, or it lost the database) finishes it.
    assert run_job(job_id, attempt, sessions, JobSettings(rq_id="framsyn-first")) == (
        JobStatus.DONE
    )
    assert file_count(sessions) == 1


def test_a_lost_database_is_left_to_rqs_retry_on_a_worker(sessions, drafted, monkeypatch):
    import drafting.word.export

    def lost(content):
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(drafting.word.export, "render", lost)
    actor, idea, _draft, _team = drafted
    job_id, attempt = new_job(sessions, JobKind.EXPORT, actor, idea)
    with sessions() as session:
        session.get(Job, job_id).rq_id = "framsyn-rq"
        session.commit()
    on_worker = JobSettings(retry_lost_database=True, rq_id="framsyn-rq")
    with pytest.raises(OperationalError):
        run_job(job_id, attempt, sessions, on_worker)
    assert load(sessions, job_id).status == JobStatus.RUNNING  # for the retry to take over
    # Without a retry to come, the same error fails the job with a reason.
    no_retry = JobSettings(rq_id="framsyn-rq")
    assert run_job(job_id, attempt, sessions, no_retry) == JobStatus.FAILED
    error = load(sessions, job_id).error
    assert all(render(error, loc) == render(UNEXPECTED, loc) for loc in LOCALES)
