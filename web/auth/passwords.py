"""Password hashing with argon2 and the password rules (zxcvbn estimates the strength)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from pipeline.i18n import Text, _t

_hasher = PasswordHasher()
MIN_LENGTH = 12
# zxcvbn's scores run 0-4; 3 means "safely unguessable" against an online attack and a slow
# hash. Its dictionaries are English, so Swedish words that people choose are added here.
MIN_SCORE = 3
SWEDISH_WORDS = (
    "lösenord", "losenord", "framsyn", "hemligt", "hemlig", "sommar", "vinter", "hösten",
    "våren", "välkommen", "valkommen", "kommun", "region", "västerbotten", "umeå", "skellefteå",
    "sverige", "svensk", "hejhej", "abc123", "qwerty", "asdfgh",
)  # fmt: skip
ESTIMATED_CHARS = 72  # zxcvbn refuses longer input (it grows slow); the rest adds strength


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
        problems.append(_t("Lösenordet måste ha minst {length} tecken.").format(length=MIN_LENGTH))
    if email and password.lower() == email.lower():
        problems.append(_t("Lösenordet får inte vara din e-postadress."))
    if password and len(set(password)) < 4:
        problems.append(_t("Lösenordet är för enkelt."))
    elif len(password) >= MIN_LENGTH and not _strong(password, email):
        problems.append(
            _t(
                "Lösenordet är för lätt att gissa: det liknar vanliga lösenord, ord, namn, "
                "årtal eller mönster som ”abcd” och ”1234”. Välj till exempel tre eller fyra "
                "ord som inte hör ihop, med mellanslag emellan."
            )
        )
    return problems


def _strong(password: str, email: str) -> bool:
    """True if zxcvbn finds the password hard enough to guess."""
    local = email.split("@", 1)[0]
    inputs = [*SWEDISH_WORDS, email, local, *local.replace("_", ".").split(".")]
    result = zxcvbn(password[:ESTIMATED_CHARS], user_inputs=[i for i in inputs if i])
    return result["score"] >= MIN_SCORE
