"""Signed, expiring links for password resets and invitations.

A token names the account and a fingerprint of its current password hash, so it stops
working as soon as the password is set: every link is single-use.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from pipeline.models import User

RESET_SALT = "framsyn.password-reset"
INVITE_SALT = "framsyn.invitation"
RESET_MAX_AGE = 60 * 60  # one hour
INVITE_MAX_AGE = 7 * 24 * 60 * 60  # seven days


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def fingerprint(user: User) -> str:
    """A short digest of the password hash (or of its absence) that changes with it."""
    material = f"{user.id}:{user.password_hash or 'none'}"
    return hashlib.sha256(material.encode()).hexdigest()[:20]


def make_token(user: User, salt: str) -> str:
    """A signed token for `user` for the purpose named by `salt`."""
    return _serializer(salt).dumps({"u": user.id, "f": fingerprint(user)})


def load_token(session: Session, token: str, salt: str, max_age: int) -> User | None:
    """The active user the token names, if it is genuine, fresh and still unused."""
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except BadSignature:  # also covers SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.is_active or data.get("f") != fingerprint(user):
        return None
    return user


def reset_token(user: User) -> str:
    return make_token(user, RESET_SALT)


def invitation_token(user: User) -> str:
    return make_token(user, INVITE_SALT)


def user_for_reset(session: Session, token: str) -> User | None:
    return load_token(session, token, RESET_SALT, RESET_MAX_AGE)


def user_for_invitation(session: Session, token: str) -> User | None:
    user = load_token(session, token, INVITE_SALT, INVITE_MAX_AGE)
    return user if user is not None and user.password_hash is None else None
