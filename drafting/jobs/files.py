"""Files kept in the database: store, hand out only to those allowed, purge when expired.

Web processes and workers may run on different machines that share only the database, so no
file ever lives on a local disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, undefer

from drafting.jobs.models import FilePurpose, StoredFile
from pipeline.errors import NotFound
from pipeline.i18n import _t
from pipeline.models import User, utcnow
from pipeline.queries import get_idea

DEFAULT_RETENTION = dt.timedelta(days=7)

_GONE = _t(
    "Filen finns inte längre eller så saknar du behörighet att hämta den. Skapa den på nytt."
)


def store_file(
    session: Session,
    *,
    name: str,
    content_type: str,
    data: bytes,
    purpose: FilePurpose,
    idea_id: int | None,
    created_by: User | None,
    team_only: bool = False,
    retention: dt.timedelta = DEFAULT_RETENTION,
    now: dt.datetime | None = None,
) -> StoredFile:
    """Add a file row (flushed, not committed)."""
    now = now or utcnow()
    stored = StoredFile(
        name=name,
        content_type=content_type,
        data=data,
        purpose=purpose,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        idea_id=idea_id,
        created_by_id=created_by.id if created_by is not None else None,
        team_only=team_only,
        created_at=now,
        expires_at=now + retention,
    )
    session.add(stored)
    session.flush()
    return stored


def can_download(session: Session, actor: User, stored: StoredFile) -> bool:
    """True if `actor` may fetch the file: they see its idea, and team-only files are for the team.

    Uploads are only ever handed back to whoever uploaded them (and the team).
    """
    if stored.team_only and not actor.is_team:
        return False
    if stored.purpose == FilePurpose.UPLOAD and not (
        actor.is_team or stored.created_by_id == actor.id
    ):
        return False
    if stored.idea_id is not None:
        try:
            get_idea(session, actor, stored.idea_id)
        except NotFound:
            return False
    elif not actor.is_team and stored.created_by_id != actor.id:
        return False
    return True


def file_for_download(
    session: Session, actor: User, file_id: int, *, now: dt.datetime | None = None
) -> StoredFile:
    """The file with its bytes if `actor` may download it now; NotFound otherwise."""
    stored = session.scalars(
        select(StoredFile).where(StoredFile.id == file_id).options(undefer(StoredFile.data))
    ).one_or_none()
    if stored is None or stored.expires_at <= (now or utcnow()):
        raise NotFound(_GONE)
    if not can_download(session, actor, stored):
        raise NotFound(_GONE)
    return stored


def purge_expired(session: Session, *, now: dt.datetime | None = None) -> int:
    """Delete the files whose retention has run out; return how many (flushes, no commit)."""
    result = session.execute(
        delete(StoredFile)
        .where(StoredFile.expires_at <= (now or utcnow()))
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0
