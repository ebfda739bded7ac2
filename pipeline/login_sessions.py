"""Sign-ins that can end: one row per sign-in, named by a random key its cookies carry.

A session cookie and a remember-me cookie are signed, so they cannot be forged, but a signed
cookie alone can be replayed forever. Each sign-in therefore gets a random key; the cookies
carry "<user id>:<key>", the database keeps a digest of the key, and every request looks the
row up. Deleting the row ends the sign-in on every copy of its cookies: on sign-out, on
"sign out everywhere", on a password change or reset, on a change of role, organisation or
active flag, and when a person is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pipeline.models import LoginSession, User, utcnow

# A sign-in lasts at most this long, with or without "remember me".
MAX_AGE = dt.timedelta(days=30)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, user: User, *, remember: bool, now: dt.datetime | None = None) -> str:
    """Record a new sign-in of `user` and return its key (flushes)."""
    now = now or utcnow()
    # The person's own expired sign-ins go now, so the table stays small without a cron job.
    session.execute(
        delete(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    key = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user.id,
            key_digest=_digest(key),
            remember=remember,
            created_at=now,
            expires_at=now + MAX_AGE,
        )
    )
    session.flush()
    return key


def cookie_value(user: User, key: str) -> str:
    """What the session and remember cookies carry for this sign-in."""
    return f"{user.id}:{key}"


def begin(session: Session, user: User, *, remember: bool = False) -> str:
    """Start a sign-in of `user` and return what its cookies carry (flushes)."""
    return cookie_value(user, start(session, user, remember=remember))


def split_cookie_value(value: str) -> tuple[str, str] | None:
    """(user id text, key) from a cookie value, or None when it has not that shape."""
    user_id, sep, key = value.partition(":")
    if not sep or not key or len(key) > 100:
        return None
    return user_id, key


def user_for(
    session: Session, user_id: int, key: str, now: dt.datetime | None = None
) -> User | None:
    """The active user whose unexpired sign-in `key` is, or None."""
    now = now or utcnow()
    row = session.execute(
        select(User, LoginSession.expires_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.key_digest == _digest(key), User.id == user_id)
    ).one_or_none()
    if row is None:
        return None
    user, expires_at = row
    if expires_at <= now or not user.is_active:
        return None
    return user


def is_remembered(session: Session, key: str) -> bool:
    """True if the sign-in with this key chose "remember me"."""
    query = select(LoginSession.remember).where(LoginSession.key_digest == _digest(key))
    return bool(session.scalar(query))


def end(session: Session, key: str) -> None:
    """End one sign-in (sign-out)."""
    session.execute(
        delete(LoginSession)
        .where(LoginSession.key_digest == _digest(key))
        .execution_options(synchronize_session=False)
    )


def end_all(session: Session, user: User, *, keep: str | None = None) -> int:
    """End every sign-in of `user`, except the one whose key is `keep`; returns how many."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.key_digest != _digest(keep))
    return session.execute(query.execution_options(synchronize_session=False)).rowcount or 0


def purge_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Delete the rows of sign-ins that have expired; returns how many."""
    now = now or utcnow()
    query = delete(LoginSession).where(LoginSession.expires_at <= now)
    return session.execute(query.execution_options(synchronize_session=False)).rowcount or 0
