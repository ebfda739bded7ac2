"""User accounts: who may manage whom, invitations, passwords, roles and organisations.

Every operation takes an explicit actor, checks the permission, flushes and never commits.
Password hashing belongs to the web layer; these functions take a ready hash.

Who may do what (the service layer is the authority; pages ask the same questions):

    =========================  =====  =======  =====
    action                     actor  support  admin
    =========================  =====  =======  =====
    see the admin pages          -       x       x
    invite a local actor         -       x       x
    invite support or admin      -       -       x
    edit a user's role, org,     -       -       x
    active flag or name
    manage organisations         -       x       x
    manage calls                 -       x       x
    manage the region's kommuner -       -       x
    read the mail outbox         -       -       x
    =========================  =====  =======  =====
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pipeline import login_sessions
from pipeline.errors import InvalidData, NotAllowed
from pipeline.i18n import Text, _t
from pipeline.models import Organisation, Role, User, utcnow
from pipeline.services import log_activity

NAME_MAX = 120
EMAIL_MAX = 254


class FieldConflict(InvalidData):
    """A value is already taken or otherwise wrong for one named field."""

    def __init__(self, message: Text, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def is_team(actor: User | None) -> bool:
    """Support team members and admins."""
    return actor is not None and actor.is_active and actor.role in (Role.SUPPORT, Role.ADMIN)


def is_admin(actor: User | None) -> bool:
    return actor is not None and actor.is_active and actor.role == Role.ADMIN


def may_see_admin(actor: User | None) -> bool:
    """True if `actor` may open the admin pages at all."""
    return is_team(actor)


def may_invite(actor: User | None, role: Role | None = None) -> bool:
    """Support invites local actors; admins invite anyone. With no role: may invite at all."""
    if is_admin(actor):
        return True
    return is_team(actor) and (role is None or role == Role.ACTOR)


def invitable_roles(actor: User) -> list[Role]:
    """The roles `actor` may give a new user."""
    return [role for role in Role if may_invite(actor, role)]


def may_manage_users(actor: User | None) -> bool:
    """Only admins change roles, organisations and whether an account is active."""
    return is_admin(actor)


def may_manage_organisations(actor: User | None) -> bool:
    return is_team(actor)


def may_manage_calls(actor: User | None) -> bool:
    return is_team(actor)


def may_manage_municipalities(actor: User | None) -> bool:
    return is_admin(actor)


def may_read_outbox(actor: User | None) -> bool:
    return is_admin(actor)


def require(allowed: bool) -> None:
    """Raise NotAllowed unless `allowed`."""
    if not allowed:
        raise NotAllowed(_t("Du har inte behörighet att göra det här."))


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and in lower case."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The account with this e-mail address, whatever its case."""
    wanted = normalise_email(email)
    return session.scalars(select(User).where(func.lower(User.email) == wanted)).one_or_none()


def email_taken(session: Session, email: str, *, except_id: int | None = None) -> bool:
    """True if another account already uses `email`."""
    user = find_user_by_email(session, email)
    return user is not None and user.id != except_id


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise FieldConflict(_t("Fyll i ett namn."), field="name")
    if len(name) > NAME_MAX:
        raise FieldConflict(
            _t("Namnet får vara högst {limit} tecken.").format(limit=NAME_MAX),
            field="name",
        )
    return name


def _check_organisation(session: Session, role: Role, organisation_id: int | None) -> None:
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise FieldConflict(_t("Organisationen finns inte."), field="organisation_id")
    if role == Role.ACTOR and organisation_id is None:
        raise FieldConflict(
            _t("En lokal aktör behöver tillhöra en organisation."),
            field="organisation_id",
        )


def invite_user(
    session: Session,
    actor: User,
    *,
    name: str,
    email: str,
    role: Role,
    organisation_id: int | None,
    locale: str | None = None,
) -> User:
    """Create an account without a password; the invitation link lets the person set one."""
    require(may_invite(actor, role))
    name = _clean_name(name)
    email = normalise_email(email)
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        raise FieldConflict(
            _t("Skriv e-postadressen som namn@exempel.se."),
            field="email",
        )
    if email_taken(session, email):
        raise FieldConflict(
            _t("Det finns redan ett konto med den e-postadressen."),
            field="email",
        )
    _check_organisation(session, role, organisation_id)
    user = User(
        name=name,
        email=email,
        role=role,
        organisation_id=organisation_id,
        password_hash=None,
        locale=locale,
        is_active=True,
        invited_at=utcnow(),
        invited_by_id=actor.id,
    )
    session.add(user)
    log_activity(session, actor, "user.invite", user, email=email, role=role.value)
    return user


def renew_invitation(session: Session, actor: User, user: User) -> User:
    """Mark a new invitation for someone who has not yet set a password."""
    require(may_invite(actor, user.role))
    if user.password_hash is not None:
        raise InvalidData(_t("Personen har redan valt ett lösenord."))
    user.invited_at = utcnow()
    user.invited_by_id = actor.id
    log_activity(session, actor, "user.reinvite", user)
    return user


def set_password(session: Session, actor: User, user: User, password_hash: str) -> None:
    """Store a new password hash; people set only their own (a token or a session proves it).

    Every sign-in of the account ends, the one that made the change included: whoever goes
    on signs in again (the web layer does it at once for the browser that made the change).
    """
    require(actor.id == user.id and user.is_active)
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    login_sessions.end_all(session, user)
    log_activity(session, actor, "user.password", user)


def end_sign_ins(session: Session, actor: User, user: User, *, keep: str | None = None) -> int:
    """Sign `user` out everywhere (people do it for themselves, admins for anyone)."""
    require(actor.id == user.id or may_manage_users(actor))
    ended = login_sessions.end_all(session, user, keep=keep)
    log_activity(session, actor, "user.sign_out_everywhere", user, ended=ended)
    return ended


def update_user(
    session: Session,
    actor: User,
    user: User,
    *,
    name: str,
    role: Role,
    organisation_id: int | None,
    is_active: bool,
) -> dict[str, list[object]]:
    """Change a user's name, role, organisation and active flag; returns what changed."""
    require(may_manage_users(actor))
    name = _clean_name(name)
    _check_organisation(session, role, organisation_id)
    if user.id == actor.id and (role != Role.ADMIN or not is_active):
        raise FieldConflict(
            _t("Du kan inte ta bort din egen administratörsbehörighet eller stänga ditt konto."),
            field="role" if role != Role.ADMIN else "is_active",
        )
    changed: dict[str, list[object]] = {}
    for attr, new in (
        ("name", name),
        ("role", role),
        ("organisation_id", organisation_id),
        ("is_active", is_active),
    ):
        old = getattr(user, attr)
        if old != new:
            changed[attr] = [_plain(old), _plain(new)]
            setattr(user, attr, new)
    if changed:
        if changed.keys() & {"role", "organisation_id", "is_active"}:
            # What the person may see has changed: their open sessions end with it.
            login_sessions.end_all(session, user)
        log_activity(session, actor, "user.update", user, changed=changed)
    return changed


def list_users(session: Session, actor: User) -> list[User]:
    """Every account, by name, for the team's user list."""
    require(may_see_admin(actor))
    query = (
        select(User)
        .options(selectinload(User.organisation))
        .order_by(func.lower(User.name), User.id)
    )
    return list(session.scalars(query))


def _plain(value: object) -> object:
    return value.value if isinstance(value, Role) else value
