"""A person's data: the export holds everything about them; removal leaves no trace of them."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

import drafting
from drafting.jobs.models import Job, StoredFile
from drafting.models import SectionComment, SectionRevision
from pipeline import backup
from pipeline.accounts import invite_user
from pipeline.db import make_engine, make_session_factory
from pipeline.errors import InvalidData, NotAllowed
from pipeline.models import ActivityLog, Comment, OutboxMessage, ProjectIdea, Role, User
from pipeline.personal_data import (
    REMOVED_NAME,
    export_person,
    is_removed,
    remove_person,
)
from pipeline.reviewers import assign_reviewer
from tests.pipeline.history import SECRET_EMAIL, SECRET_NAME, SECRET_PHONE, fill_history

drafting.install()  # the gate and the erasers, as the app factory attaches them


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("pd") / "filled.db"
    shutil.copy(sqlite_template, path)
    ids = fill_history(f"sqlite:///{path}")
    return path, ids


@pytest.fixture
def db(filled, tmp_path: Path):
    """A session on a private copy of the filled database, and its URL."""
    path = tmp_path / "copy.db"
    shutil.copy(filled[0], path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    session = make_session_factory(engine)()
    yield session, url, filled[1]
    session.close()
    engine.dispose()


def test_export_holds_the_account_and_everything_they_did(db) -> None:
    session, _url, ids = db
    person = session.get(User, ids["person"])
    data = export_person(session, person, person)
    session.commit()
    json.dumps(data)  # all JSON-ready
    assert data["account"]["email"] == SECRET_EMAIL
    assert "password_hash" not in data["account"]
    records = data["records"]
    assert len(records["section_revision"]["author_id"]) == 6
    assert len(records["section_comment"]["author_id"]) == 1
    assert len(records["comment"]["author_id"]) == 1
    assert len(records["job"]["user_id"]) == 1
    assert records["stored_file"]["created_by_id"][0]["name"] == "Ylvas ansökan.docx"
    assert "data" not in records["stored_file"]["created_by_id"][0]  # no file bytes
    assert any(
        r["action"] == "draft.save" or r["action"] for r in records["activity_log"]["user_id"]
    )
    assert [i["id"] for i in data["ideas_as_contact"]] == [ids["idea"]]
    assert [m["subject"] for m in data["mail_to_you"]] == ["Välkommen till Framsyn"]
    # The export itself is logged.
    logged = session.scalars(select(ActivityLog).where(ActivityLog.action == "person.export"))
    assert [e.entity_id for e in logged] == [person.id]


def test_only_the_person_and_admins_may_export(db) -> None:
    session, _url, ids = db
    person = session.get(User, ids["person"])
    admin = session.get(User, ids["admin"])
    support = session.scalars(select(User).where(User.role == Role.SUPPORT)).first()
    assert export_person(session, admin, person)["account"]["id"] == person.id
    with pytest.raises(NotAllowed):
        export_person(session, support, person)
    other = session.scalars(
        select(User).where(User.role == Role.ACTOR, User.id != person.id)
    ).first()
    with pytest.raises(NotAllowed):
        export_person(session, other, person)


def test_removal_anonymises_and_keeps_the_history(db) -> None:
    session, _url, ids = db
    person = session.get(User, ids["person"])
    admin = session.get(User, ids["admin"])
    revisions_before = session.scalars(
        select(SectionRevision.id).where(SectionRevision.author_id == person.id)
    ).all()
    removal = remove_person(session, admin, person)
    session.commit()
    assert (person.name, person.email) == (REMOVED_NAME, f"removed-{person.id}@invalid")
    assert person.password_hash is None and not person.is_active and is_removed(person)
    assert person.invited_by_id is None and person.invited_at is None
    # Contributions stay, still pointing at the (anonymised) account.
    assert (
        session.scalars(
            select(SectionRevision.id).where(SectionRevision.author_id == person.id)
        ).all()
        == revisions_before
    )
    assert session.scalar(select(Comment.id).where(Comment.author_id == person.id))
    assert session.scalar(select(SectionComment.id).where(SectionComment.author_id == person.id))
    idea = session.get(ProjectIdea, ids["idea"])
    assert (idea.contact_name, idea.contact_email, idea.contact_phone) == ("", "", "")
    assert removal.contacts_cleared == 1 and removal.mail_deleted == 1
    assert removal.mail_redacted == 1 and removal.log_entries_redacted >= 1
    # Files that may carry their name are gone; the job row stays without them.
    assert session.scalars(select(StoredFile)).all() == []
    job = session.scalars(select(Job).where(Job.user_id == person.id)).one()
    session.refresh(job)
    assert job.input_file_id is None and job.result_file_id is None
    with pytest.raises(InvalidData):
        remove_person(session, admin, person)


def test_only_admins_remove_and_never_themselves(db) -> None:
    session, _url, ids = db
    person = session.get(User, ids["person"])
    admin = session.get(User, ids["admin"])
    support = session.scalars(select(User).where(User.role == Role.SUPPORT)).first()
    with pytest.raises(NotAllowed):
        remove_person(session, support, person)
    with pytest.raises(NotAllowed):
        remove_person(session, person, person)
    with pytest.raises(NotAllowed):
        remove_person(session, admin, admin)


def test_a_backup_after_removal_holds_none_of_their_personal_fields(db, tmp_path) -> None:
    session, url, ids = db
    before = tmp_path / "before.zip"
    backup.write_backup(url, before)
    assert SECRET_EMAIL.encode() in _archive_text(before).lower()  # the check can see it

    remove_person(session, session.get(User, ids["admin"]), session.get(User, ids["person"]))
    session.commit()
    after = tmp_path / "after.zip"
    backup.write_backup(url, after)
    everything = _archive_text(after)
    for secret in (SECRET_EMAIL, SECRET_NAME, SECRET_PHONE, "Ylvas ansökan"):
        assert secret.lower().encode() not in everything.lower(), secret
    assert b'"to":"karin@example.se"' in everything  # others' mail is kept
    assert session.scalars(select(OutboxMessage.to)).all() == ["karin@example.se"]


def _archive_text(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return b"\n".join(zf.read(name) for name in zf.namelist())


def test_a_removed_reviewer_is_listed_in_the_export_and_cleared_from_ideas(db) -> None:
    session, _url, ids = db
    admin = session.get(User, ids["admin"])
    reviewer = invite_user(
        session,
        admin,
        name="Greta Granskarsson",
        email="greta.granskar@example.se",
        role=Role.SUPPORT,
        organisation_id=None,
    )
    ideas = session.scalars(select(ProjectIdea).order_by(ProjectIdea.id).limit(2)).all()
    for idea in ideas:
        assign_reviewer(session, admin, idea, reviewer)
    session.commit()

    listed = export_person(session, reviewer, reviewer)["ideas_to_review"]
    assert [i["id"] for i in listed] == [i.id for i in ideas]
    assert listed[0]["title"] == ideas[0].title and listed[0]["stage"] == ideas[0].stage.value

    removal = remove_person(session, admin, reviewer)
    session.commit()
    assert removal.reviews_cleared == 2
    session.expire_all()
    assert [session.get(ProjectIdea, i.id).reviewer_id for i in ideas] == [None, None]
    assert (
        session.scalar(select(ProjectIdea.id).where(ProjectIdea.reviewer_id == reviewer.id)) is None
    )
    logged = session.scalars(
        select(ActivityLog).where(ActivityLog.action == "idea.reviewer_cleared")
    ).all()
    assert sorted(e.idea_id for e in logged) == [i.id for i in ideas]
    assert export_person(session, admin, reviewer)["ideas_to_review"] == []
