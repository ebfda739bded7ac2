"""Password hashing with argon2 and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.i18n import Text

_hasher = PasswordHasher()
MIN_LENGTH = 12


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches the stored hash (False for no hash at all)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, email: str = "") -> list[Text]:
    """What is wrong with a new password, per the rules (long enough, not the e-mail)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            Text(
                f"Lösenordet måste ha minst {MIN_LENGTH} tecken.",
                f"The password must have at least {MIN_LENGTH} characters.",
            )
        )
    if email and password.lower() == email.lower():
        problems.append(
            Text(
                "Lösenordet får inte vara din e-postadress.",
                "The password must not be your e-mail address.",
            )
        )
    if password and len(set(password)) < 4:
        problems.append(Text("Lösenordet är för enkelt.", "The password is too simple."))
    return problems
