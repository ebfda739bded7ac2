"""The domain's tables as typed SQLAlchemy 2.x models."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pipeline.db import Base, UTCDateTime
from pipeline.i18n import Text as L10n
from pipeline.i18n import _t
from pipeline.stages import TEAM, Stage


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def str_enum(enum_cls: type[Enum], name: str) -> SAEnum:
    """A portable enum column stored as its values and guarded by a named CHECK constraint."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Role(StrEnum):
    """What a user may do in Framsyn."""

    ACTOR = "actor"
    SUPPORT = "support"
    ADMIN = "admin"

    @property
    def label(self) -> L10n:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ACTOR: _t("Lokal aktör"),
    Role.SUPPORT: _t("Regionens stödteam"),
    Role.ADMIN: _t("Administratör"),
}


class OrgType(StrEnum):
    """The kinds of organisation that take part in ESF projects."""

    KOMMUN = "kommun"
    ARBETSFORMEDLINGEN = "arbetsformedlingen"
    FORSAKRINGSKASSAN = "forsakringskassan"
    LARCENTRUM = "larcentrum"
    SAMORDNINGSFORBUND = "samordningsforbund"
    REGION = "region"
    FORETAG = "foretag"
    IDEELL = "ideell"
    ANNAN = "annan"

    @property
    def label(self) -> L10n:
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS = {
    OrgType.KOMMUN: _t("Kommun"),
    OrgType.ARBETSFORMEDLINGEN: _t("Arbetsförmedlingen"),
    OrgType.FORSAKRINGSKASSAN: _t("Försäkringskassan"),
    OrgType.LARCENTRUM: _t("Lärcentrum"),
    OrgType.SAMORDNINGSFORBUND: _t("Samordningsförbund"),
    OrgType.REGION: _t("Region"),
    OrgType.FORETAG: _t("Företag"),
    OrgType.IDEELL: _t("Ideell organisation"),
    OrgType.ANNAN: _t("Annan"),
}


class Municipality(Base):
    """A kommun of the configured region."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"


class Organisation(Base):
    """A kommun, authority, learning centre, company or association."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "org_type"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL")
    )
    org_number: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    municipality: Mapped[Municipality | None] = relationship()
    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class User(Base):
    """A person who signs in: a local actor, a support-team member or an admin."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.ACTOR)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    invited_by: Mapped[User | None] = relationship(remote_side=[id])

    # The protocol a session layer expects of a signed-in user (no web import needed here).
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The id a session cookie refers to."""
        return str(self.id)

    @property
    def is_team(self) -> bool:
        """True for the region's support team and admins, who see the whole pipeline."""
        return self.role.value in TEAM

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


class LoginSession(Base):
    """One sign-in of one person: the key its session and remember cookies carry.

    Only a digest of the key is stored. Ending the row (deleting it) ends that sign-in on
    every copy of its cookies; see pipeline/login_sessions.py.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Call(Base):
    """An utlysning: a call for applications from the ESF Council."""

    __tablename__ = "call"
    __table_args__ = (CheckConstraint("closes >= opens", name="closes_after_opens"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    diarienummer: Mapped[str] = mapped_column(String(40), unique=True)
    programme_area: Mapped[str] = mapped_column(String(120))
    specific_objective: Mapped[str | None] = mapped_column(String(120))
    opens: Mapped[dt.date] = mapped_column(Date)
    closes: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(80))
    template_key: Mapped[str] = mapped_column(String(40), default="esf_plus")

    def __repr__(self) -> str:
        return f"<Call {self.diarienummer}>"


idea_municipality = Table(
    "idea_municipality",
    Base.metadata,
    Column("idea_id", ForeignKey("project_idea.id", ondelete="CASCADE"), primary_key=True),
    Column("municipality_id", ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
    # A kommun's ideas from the index alone: the kommun filter and the per-kommun reports
    # (migration 0019).
    Index("ix_idea_municipality_municipality_id", "municipality_id", "idea_id"),
)


class IdeaPartner(Base):
    """A partner organisation on an idea; `can_edit` gives its members the right to edit."""

    __tablename__ = "idea_partner"
    # An organisation's ideas, from the index alone: the reports count partner roles per
    # kommun and organisation type (migration 0019).
    __table_args__ = (Index("ix_idea_partner_organisation_id", "organisation_id", "idea_id"),)

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    can_edit: Mapped[bool] = mapped_column(Boolean, default=True)

    organisation: Mapped[Organisation] = relationship()


# The columns of an idea that the balance, participant and coverage reports add up, indexed
# together so that they are read from the index alone: on SQLite they sit behind the texts'
# overflow pages (migration 0019).
IDEA_FIGURES = (
    "stage",
    "call_id",
    "programme_area",
    "lead_organisation_id",
    "esf_share",
    "esf_granted",
    "submitted_on",
    "participants_women",
    "participants_men",
    "participants_total",
    "id",
)


class ProjectIdea(Base):
    """A local (or regional) project idea on its way to an ESF application."""

    __tablename__ = "project_idea"
    __table_args__ = (
        CheckConstraint("participants_women >= 0", name="women_not_negative"),
        CheckConstraint("participants_men >= 0", name="men_not_negative"),
        CheckConstraint(
            "participants_total IS NULL OR participants_total >= "
            "coalesce(participants_women, 0) + coalesce(participants_men, 0)",
            name="total_covers",
        ),
        CheckConstraint("budget_total >= 0", name="budget_not_negative"),
        CheckConstraint("esf_share >= 0 AND esf_share <= budget_total", name="esf_within_budget"),
        CheckConstraint("esf_granted >= 0", name="granted_not_negative"),
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_ordered",
        ),
        CheckConstraint("regional_project_id IS NULL OR regional_project_id <> id", name="no_self"),
        # A board column's order (stage_changed_at, id) within its stage, and the last edit:
        # the board's Fritext numbers its matches in this order without sorting them, and
        # whether an idea has stalled is read from the index alone (migration 0025).
        Index("ix_project_idea_stage_changed", "stage", "stage_changed_at", "id", "updated_at"),
        # The list by last edit, in its order (updated_at, id), and the ideas edited longest
        # ago (the stalled list's bound).
        Index("ix_project_idea_updated", "updated_at", "id", "stage", "stage_changed_at"),
        # The few regional projects by title (the list's "gather" choices), not every idea.
        Index(
            "ix_project_idea_regional_title",
            "title",
            "id",
            sqlite_where=text("is_regional IS 1"),
            postgresql_where=text("is_regional IS true"),
        ),
        # Partial: nearly every idea has no reviewer and no regional project, and a full index
        # of NULLs told the planner (after ANALYZE) that a value matched every row.
        Index(
            "ix_project_idea_reviewer",
            "reviewer_id",
            "stage",
            sqlite_where=text("reviewer_id IS NOT NULL"),
            postgresql_where=text("reviewer_id IS NOT NULL"),
        ),
        Index(
            "ix_project_idea_regional_project_id",
            "regional_project_id",
            sqlite_where=text("regional_project_id IS NOT NULL"),
            postgresql_where=text("regional_project_id IS NOT NULL"),
        ),
        # The newest ideas first: the team's inbox and the regional candidates' pool.
        Index("ix_project_idea_created", "created_at", "id"),
        # The programme areas in use, for the filters (read with a loose index scan).
        Index("ix_project_idea_programme_area", "programme_area"),
        Index("ix_project_idea_figures", *IDEA_FIGURES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    target_groups: Mapped[str] = mapped_column(Text, default="")
    participants_women: Mapped[int | None] = mapped_column(Integer)
    participants_men: Mapped[int | None] = mapped_column(Integer)
    participants_total: Mapped[int | None] = mapped_column(Integer)
    lead_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    programme_area: Mapped[str] = mapped_column(String(120), default="")
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("call.id", ondelete="SET NULL"), index=True
    )
    budget_total: Mapped[int | None] = mapped_column(Integer)
    esf_share: Mapped[int | None] = mapped_column(Integer)
    esf_granted: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"), default=Stage.IDEA)
    stage_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    parked_from: Mapped[Stage | None] = mapped_column(str_enum(Stage, "parked_from"))
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    esf_diarienummer: Mapped[str | None] = mapped_column(String(40))
    is_regional: Mapped[bool] = mapped_column(Boolean, default=False)
    regional_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_idea.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The support-team member who reviews the idea, and when the requested changes are due.
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    changes_due_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # The content's version: update_idea raises it, an edit names the one it started from.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Every UPDATE names the version it read, so a concurrent edit fails instead of winning.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    # The comment of the move being made, for the guards to read; not a column.
    move_comment = ""

    lead_organisation: Mapped[Organisation | None] = relationship()
    call: Mapped[Call | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=idea_municipality, order_by=Municipality.name
    )
    partners: Mapped[list[IdeaPartner]] = relationship(cascade="all, delete-orphan")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    regional_project: Mapped[ProjectIdea | None] = relationship(
        remote_side=[id], back_populates="member_ideas"
    )
    member_ideas: Mapped[list[ProjectIdea]] = relationship(
        back_populates="regional_project", order_by="ProjectIdea.title"
    )
    history: Mapped[list[StageChange]] = relationship(
        back_populates="idea", order_by="StageChange.id", cascade="all, delete-orphan"
    )

    def changes_overdue(self, today: dt.date) -> bool:
        """Komplettering was requested by a date that has passed."""
        return (
            self.stage == Stage.CHANGES_REQUESTED
            and self.changes_due_on is not None
            and self.changes_due_on < today
        )

    @property
    def partner_organisations(self) -> list[Organisation]:
        return [p.organisation for p in self.partners]

    @property
    def is_final(self) -> bool:
        """True when the idea has reached a stage nothing follows."""
        return self.stage.is_final

    def organisation_ids(self, *, editing: bool = False) -> set[int]:
        """The organisations whose members may see (or, with `editing`, edit) this idea."""
        ids = {p.organisation_id for p in self.partners if p.can_edit or not editing}
        if self.lead_organisation_id is not None:
            ids.add(self.lead_organisation_id)
        return ids

    def can_view(self, user: User) -> bool:
        """True if `user` may see this idea."""
        if user.is_team:
            return True
        return user.organisation_id is not None and user.organisation_id in self.organisation_ids()

    def can_edit(self, user: User) -> bool:
        """True if `user` may change this idea's content."""
        if user.is_team:
            return True
        return user.organisation_id is not None and user.organisation_id in self.organisation_ids(
            editing=True
        )

    def __repr__(self) -> str:
        return f"<ProjectIdea {self.id} {self.title!r} {self.stage.value}>"


class StageChange(Base):
    """One move of an idea from one stage to another, written only by `advance_stage`."""

    __tablename__ = "stage_change"
    __table_args__ = (
        # An idea's history in order, and the changes of a period, read from the index alone
        # (the funnel's stays and flows).
        Index("ix_stage_change_idea_id", "idea_id", "created_at", "id", "to_stage"),
        Index(
            "ix_stage_change_created",
            "created_at",
            "idea_id",
            "from_stage",
            "to_stage",
            "stay_days",
        ),
        # Each stage's stays in order of length: the funnel's medians walk to the middle, and
        # its ideas out are counted from the index alone.
        Index("ix_stage_change_stays", "from_stage", "stay_days", "created_at", "idea_id"),
        # Each stage's changes of a period in order: the funnel's ideas in.
        Index("ix_stage_change_entered", "to_stage", "created_at", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("project_idea.id", ondelete="CASCADE"))
    from_stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, "from_stage"))
    to_stage: Mapped[Stage] = mapped_column(str_enum(Stage, "to_stage"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Days the idea spent in from_stage, ended by this change (NULL for its first change).
    # Kept by the database (migration 0019's triggers, after every insert and every change of
    # created_at), never written here: read it after a refresh.
    stay_days: Mapped[float | None] = mapped_column(Float)

    idea: Mapped[ProjectIdea] = relationship(back_populates="history")
    user: Mapped[User | None] = relationship()


class Visibility(StrEnum):
    """Who sees a comment."""

    SHARED = "shared"
    INTERNAL = "internal"


class Comment(Base):
    """A comment on an idea: shared with the applicant, or internal to the support team."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("project_idea.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, "visibility"), default=Visibility.SHARED
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    idea: Mapped[ProjectIdea] = relationship()
    author: Mapped[User | None] = relationship()

    def can_view(self, user: User) -> bool:
        """Internal comments are for the support team only."""
        return self.visibility == Visibility.SHARED or user.is_team


class ActivityLog(Base):
    """Who changed what, and when."""

    __tablename__ = "activity_log"
    __table_args__ = (
        Index("ix_activity_log_created", "created_at"),
        # An idea's latest activity, read from the index alone.
        Index("ix_activity_log_idea_id", "idea_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("project_idea.id", ondelete="CASCADE"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class OutboxMessage(Base):
    """An e-mail the application sent or would have sent; the admin's record of mail."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.to!r}>"


__all__ = [
    "ActivityLog",
    "Call",
    "Comment",
    "IdeaPartner",
    "LoginSession",
    "Municipality",
    "Organisation",
    "OrgType",
    "OutboxMessage",
    "ProjectIdea",
    "Role",
    "StageChange",
    "User",
    "Visibility",
    "idea_municipality",
]
