"""What one notification says: a summary, its details and a link, in the recipient's language.

Everything is read when the mail is written, from the row that records the event. A notice the
recipient may no longer read (the idea left their organisation, an internal comment to someone
outside the team) or has turned off since says nothing and is not sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.jobs.models import Job, JobKind
from drafting.komplettering import since_request
from drafting.models import Draft, SectionComment, SignOff
from drafting.revisions import get_draft, template_for
from pipeline.models import Comment, ProjectIdea, Role, StageChange, User, Visibility
from pipeline.notifications import Kind, Mode, Notification
from pipeline.notifications.recording import modes
from pipeline.stages import Stage

# The most comments a Komplettering mail lists; the review page has the rest.
COMMENTS_LISTED = 20


@dataclass
class Item:
    """One notice as a mail shows it."""

    summary: str
    link: str
    details: list[str] = field(default_factory=list)


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link built on BASE_URL (never on a request's Host header)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _name(user: User | None) -> str:
    return user.name if user is not None else _("Någon")


def _idea_link(idea: ProjectIdea, anchor: str | None = None) -> str:
    return external_url("ideas.show", idea_id=idea.id, _anchor=anchor)


def _review_link(session: Session, idea: ProjectIdea) -> str:
    draft = get_draft(session, idea)
    if draft is None:
        return _idea_link(idea)
    return external_url("drafts.overview", idea_id=idea.id)


def _section_title(draft: Draft, key: str, locale: str) -> str:
    section = template_for(draft).section(key)
    return section.title(locale) if section is not None else key


def _quoted(text: str) -> list[str]:
    return ["    " + line for line in text.strip().splitlines() if line.strip()]


def _stage(session: Session, n: Notification, change: StageChange, locale: str) -> Item:
    idea = n.idea
    if n.kind == Kind.CHANGES_REQUESTED:
        return _changes_requested(session, n, change, locale)
    summary = _(
        "%(actor)s flyttade %(title)s från %(source)s till %(target)s.",
        actor=_name(change.user),
        title=idea.title,
        source=change.from_stage.label_for(locale) if change.from_stage else "–",
        target=change.to_stage.label_for(locale),
    )
    details = []
    if change.comment:
        details += [_("Kommentar:"), *_quoted(change.comment)]
    link = _idea_link(idea)
    draft = get_draft(session, idea)
    if (
        change.from_stage == Stage.CHANGES_REQUESTED
        and change.to_stage == Stage.REVIEW
        and draft is not None
    ):
        since = since_request(session, idea, draft)
        if since is not None and since.changed:
            details.append(
                _(
                    "Ändringarna sedan kompletteringen begärdes, per avsnitt: %(url)s",
                    url=external_url(
                        "drafts.compare",
                        idea_id=idea.id,
                        fran=since.revision_then,
                        till=since.revision_now,
                    ),
                )
            )
        link = external_url("drafts.overview", idea_id=idea.id)
    return Item(summary, link, details)


def _changes_requested(session: Session, n: Notification, change: StageChange, locale: str) -> Item:
    idea = n.idea
    summary = _(
        "%(actor)s begär komplettering av %(title)s.", actor=_name(change.user), title=idea.title
    )
    details = []
    if idea.changes_due_on is not None:
        details.append(_("Sista dag: %(date)s", date=format_date(idea.changes_due_on, "long")))
    if change.comment:
        details += [_("Kommentar:"), *_quoted(change.comment)]
    listed = _shared_comments(session, idea, locale)
    if listed:
        details += ["", _("Stödteamets kommentarer:"), *listed]
    return Item(summary, _review_link(session, idea), details)


def _shared_comments(session: Session, idea: ProjectIdea, locale: str) -> list[str]:
    """The team's open shared comments on the draft and its shared comments on the idea."""
    lines: list[str] = []
    draft = get_draft(session, idea)
    if draft is not None:
        rows = session.scalars(
            select(SectionComment)
            .where(
                SectionComment.draft_id == draft.id,
                SectionComment.visibility == Visibility.SHARED,
                SectionComment.resolved_at.is_(None),
            )
            .order_by(SectionComment.id)
            .limit(COMMENTS_LISTED)
        )
        for row in rows:
            lines.append(f"- {_section_title(draft, row.section_key, locale)}:")
            if row.quote:
                lines.append("    » " + row.quote)
            lines += _quoted(row.body)
    idea_comments = session.scalars(
        select(Comment)
        .join(User, User.id == Comment.author_id)
        .where(
            Comment.idea_id == idea.id,
            Comment.visibility == Visibility.SHARED,
            User.role.in_((Role.SUPPORT, Role.ADMIN)),
        )
        .order_by(Comment.id.desc())
        .limit(max(COMMENTS_LISTED - len(lines), 0))
    ).all()
    for row in reversed(idea_comments):
        lines.append("- " + _("Om idén (%(author)s):", author=_name(row.author)))
        lines += _quoted(row.body)
    return lines


def _comment(session: Session, n: Notification, comment: Comment, locale: str) -> Item:
    summary = _(
        "%(actor)s kommenterade %(title)s.", actor=_name(comment.author), title=n.idea.title
    )
    details = []
    if comment.visibility == Visibility.INTERNAL:
        details.append(_("Intern kommentar: bara stödteamet ser den."))
    details += _quoted(comment.body)
    return Item(summary, _idea_link(n.idea, "kommentarer"), details)


def _section_comment(
    session: Session, n: Notification, comment: SectionComment, locale: str
) -> Item:
    draft = session.get(Draft, comment.draft_id)
    summary = _(
        "%(actor)s kommenterade avsnittet %(section)s i ansökan för %(title)s.",
        actor=_name(comment.author),
        section=_section_title(draft, comment.section_key, locale),
        title=n.idea.title,
    )
    details = []
    if comment.visibility == Visibility.INTERNAL:
        details.append(_("Intern kommentar: bara stödteamet ser den."))
    if comment.quote:
        details.append("» " + comment.quote)
    details += _quoted(comment.body)
    link = external_url("drafts.section", idea_id=n.idea_id, key=comment.section_key)
    return Item(summary, link, details)


def _sign_off(session: Session, n: Notification, row: SignOff, locale: str) -> Item:
    summary = _(
        "%(actor)s godkände ansökan för %(title)s (revision %(number)s).",
        actor=_name(row.user),
        title=n.idea.title,
        number=row.revision_number,
    )
    return Item(summary, external_url("drafts.overview", idea_id=n.idea_id))


def _job(session: Session, n: Notification, job: Job, locale: str) -> Item:
    result = job.result or {}
    starter = session.get(User, job.user_id) if job.user_id is not None else None
    if job.kind == JobKind.IMPORT:
        summary = _(
            "%(actor)s läste in ett Word-dokument i ansökan för %(title)s.",
            actor=_name(starter),
            title=n.idea.title,
        )
        changed = len(result.get("changed") or [])
        details = [_("Avsnitt som ändrades: %(n)s", n=changed)]
        return Item(summary, external_url("drafts.overview", idea_id=n.idea_id), details)
    summary = _(
        "%(actor)s exporterade ansökan för %(title)s till Word (revision %(number)s).",
        actor=_name(starter),
        title=n.idea.title,
        number=result.get("revision", "–"),
    )
    return Item(summary, external_url("jobs.show", job_id=job.id))


SUBJECTS = {
    StageChange.__tablename__: (StageChange, _stage),
    Comment.__tablename__: (Comment, _comment),
    SectionComment.__tablename__: (SectionComment, _section_comment),
    SignOff.__tablename__: (SignOff, _sign_off),
    Job.__tablename__: (Job, _job),
}


def _internal(subject: object) -> bool:
    """A team-only event: an internal comment, or an export that carries internal comments."""
    if isinstance(subject, Job):
        return subject.result_file is not None and subject.result_file.team_only
    return getattr(subject, "visibility", None) == Visibility.INTERNAL


def compose(session: Session, n: Notification, locale: str) -> Item | None:
    """The notice as the recipient reads it, or None when it may not (or need not) be sent."""
    recipient = n.recipient
    if not recipient.is_active or not n.idea.can_view(recipient):
        return None
    if modes(session, [recipient.id], n.kind)[recipient.id] == Mode.OFF:
        return None  # turned off since the event
    model, build = SUBJECTS.get(n.subject, (None, None))
    if model is None:
        return None
    subject = session.get(model, n.subject_id)
    if subject is None:
        return None
    if _internal(subject) and not recipient.is_team:
        return None
    return build(session, n, subject, locale)
