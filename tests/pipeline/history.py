"""A database with a history: the demo data plus drafts, revisions, comments, jobs and files."""

from __future__ import annotations

from sqlalchemy import select

from drafting.jobs.files import store_file
from drafting.jobs.functions import create_job
from drafting.jobs.models import FilePurpose, JobKind, JobStatus
from drafting.models import LevelOverride, RevisionSource
from drafting.review import checklists, set_checklist_override
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from drafting.section_comments import add_section_comment
from pipeline.accounts import invite_user
from pipeline.db import make_engine, make_session_factory
from pipeline.demo import load_demo_data
from pipeline.models import OutboxMessage, ProjectIdea, Role, User, Visibility, utcnow
from pipeline.services import add_comment
from pipeline.stages import Stage

SECRET_NAME = "Ylva Raderasdotter"
SECRET_EMAIL = "ylva.raderas@example.se"
SECRET_PHONE = "070-123 45 67"


def fake_hash(password: str) -> str:
    return f"hash:{password}"


def fill_history(url: str, *, drafts: bool = True) -> dict[str, int]:
    """Load the demo and write a generated history by one extra actor; returns some ids."""
    engine = make_engine(url)
    session = make_session_factory(engine)()
    try:
        load_demo_data(session, fake_hash)
        session.commit()
        if drafts:
            from drafting.demo import load_demo_drafts

            load_demo_drafts(session)
            session.commit()
        team = session.scalars(select(User).where(User.role == Role.SUPPORT)).first()
        admin = session.scalars(select(User).where(User.role == Role.ADMIN)).first()
        idea = session.scalars(
            select(ProjectIdea)
            .where(
                ProjectIdea.lead_organisation_id.is_not(None), ProjectIdea.stage == Stage.DRAFTING
            )
            .order_by(ProjectIdea.id)
        ).first()
        person = invite_user(
            session,
            admin,
            name=SECRET_NAME,
            email=SECRET_EMAIL,
            role=Role.ACTOR,
            organisation_id=idea.lead_organisation_id,
        )
        person.password_hash = fake_hash("x")
        idea.contact_name = SECRET_NAME
        idea.contact_email = SECRET_EMAIL.upper()
        idea.contact_phone = SECRET_PHONE
        draft = get_or_create_draft(session, person, idea)
        for round_ in range(3):
            for key in ("sammanfattning", "syfte"):
                base = latest_revision(session, draft, key)
                save_section(
                    session,
                    person,
                    draft,
                    key,
                    f"Text {round_} för {key}: åäö “citat” <b>fet</b>\n\nrad två",
                    base.id if base else None,
                    source=RevisionSource.EDITOR,
                    check=round_ == 2,
                )
        add_section_comment(session, person, draft, "syfte", "Kan vi skärpa syftet?")
        add_section_comment(
            session, team, draft, "syfte", "Internt: fråga Ylva", visibility=Visibility.INTERNAL
        )
        add_comment(session, person, idea, f"Hälsningar {SECRET_NAME}, {SECRET_PHONE}")
        principle, rows = next(iter(checklists(session, draft).items()))
        set_checklist_override(session, team, draft, principle, rows[0].key, True, "Bedömt.")
        session.add(
            LevelOverride(
                draft_id=draft.id, principle=principle, level=None, reason="Tillbaka", user=team
            )
        )
        session.add_all(
            [
                OutboxMessage(
                    to=SECRET_EMAIL,
                    subject="Välkommen till Framsyn",
                    body_text=f"Hej {SECRET_NAME}!\nDin inbjudan: https://x/konto/inbjudan/abc",
                ),
                OutboxMessage(
                    to="karin@example.se",
                    subject=f"{SECRET_NAME} har lämnat en kommentar",
                    body_text=f"{SECRET_NAME} ({SECRET_EMAIL}) skrev en kommentar.",
                    sent_at=utcnow(),
                ),
            ]
        )
        upload = store_file(
            session,
            name="Ylvas ansökan.docx",
            content_type="application/octet-stream",
            data=bytes(range(256)) * 4,
            purpose=FilePurpose.UPLOAD,
            idea_id=idea.id,
            created_by=person,
        )
        result = store_file(
            session,
            name="export.docx",
            content_type="application/octet-stream",
            data=b"PK\x03\x04\x00\xff" * 10,
            purpose=FilePurpose.EXPORT,
            idea_id=idea.id,
            created_by=team,
        )
        job = create_job(
            session,
            kind=JobKind.IMPORT,
            user=person,
            idea_id=idea.id,
            params={"unmatched_target": "syfte"},
            input_file=upload,
        )
        job.status = JobStatus.DONE
        job.result_file_id = result.id
        job.result = {"sections": ["syfte"], "note": "ÅÄÖ"}
        session.commit()
        return {"person": person.id, "idea": idea.id, "draft": draft.id, "admin": admin.id}
    finally:
        session.close()
        engine.dispose()
