"""Removing a person: what drafting keeps that may carry their name.

Exports and uploads live in the database for a few days; a removed person's uploads and every
file of the ideas they wrote in (a Word export carries comment authors and revision texts) are
deleted. They can be made again from the anonymised data.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from drafting.examples.erasure import redact_good_examples
from drafting.jobs.models import StoredFile
from drafting.models import Draft, SectionComment, SectionRevision
from pipeline.models import Comment, User
from pipeline.personal_data import Identifiers, scrub_text_columns


def delete_stored_files(session: Session, person: User, _who: Identifiers) -> int:
    """Delete the person's stored files and those of ideas they contributed to."""
    drafts_written = select(Draft.idea_id).where(
        Draft.id.in_(select(SectionRevision.draft_id).where(SectionRevision.author_id == person.id))
        | Draft.id.in_(select(SectionComment.draft_id).where(SectionComment.author_id == person.id))
    )
    commented = select(Comment.idea_id).where(Comment.author_id == person.id)
    result = session.execute(
        delete(StoredFile)
        .where(
            or_(
                StoredFile.created_by_id == person.id,
                StoredFile.idea_id.in_(drafts_written),
                StoredFile.idea_id.in_(commented),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def redact_section_comments(session: Session, _person: User, who: Identifiers) -> int:
    """Take their name, address and phone out of section comments and quoted passages."""
    return scrub_text_columns(session, (SectionComment.body, SectionComment.quote), who.strings())


ERASERS = (delete_stored_files, redact_section_comments, redact_good_examples)
