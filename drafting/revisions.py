"""Drafts and their revisions: start a draft, save a section without losing anyone's update,
restore an old text, and run the checker after each save (drafting.check_runs stores the runs,
drafting.diffs compares revisions).

Every service takes an explicit actor, checks permissions, flushes and never commits.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drafting.errors import TemplateError
from drafting.models import Draft, RevisionSource, SectionRevision
from drafting.templates import DEFAULT_TEMPLATE, Section, Template, load_template
from pipeline.errors import InvalidData, NotAllowed, NotFound, PipelineError
from pipeline.i18n import Bilingual, _t
from pipeline.models import ProjectIdea, User, utcnow
from pipeline.services import log_activity
from pipeline.stages import DRAFT_STAGES, Stage

# Stages in which the draft's text may change; from Klar att skicka in on it is fixed.
EDITABLE_STAGES = frozenset({Stage.DRAFTING, Stage.REVIEW, Stage.CHANGES_REQUESTED})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class DraftNotStarted(PipelineError):
    """The idea has not reached the stage where its application is written."""

    status = 409

    @classmethod
    def before_drafting(cls) -> DraftNotStarted:
        return cls(
            _t("Ansökan påbörjas när idén når skedet {stage}.").format(stage=Stage.DRAFTING.label)
        )


class SectionTooLong(InvalidData):
    """A text is longer than its section allows; carries the text so nothing is lost."""

    def __init__(self, section: Section, text: str) -> None:
        self.section = section
        self.text_value = text
        self.used = len(text)
        self.limit = section.max_chars
        super().__init__(
            _t(
                "Avsnittet ”{section}” får vara högst {limit} tecken. Texten har {used} tecken; "
                "korta den med {over} tecken. Inget är sparat, men din text finns kvar nedan."
            ).format(
                section=Bilingual(section.title_sv, section.title_en),
                limit=self.limit,
                used=self.used,
                over=self.used - self.limit,
            )
        )


class EditConflict(PipelineError):
    """Someone saved the section after the editor loaded it; carries both texts."""

    status = 409

    def __init__(
        self, section: Section, theirs: SectionRevision | None, yours: str, base_id: int | None
    ) -> None:
        self.section = section
        self.theirs = theirs
        self.yours = yours
        self.base_id = base_id
        who = theirs.author.name if theirs is not None and theirs.author is not None else "?"
        super().__init__(
            _t(
                "{who} sparade avsnittet ”{section}” medan du skrev. Jämför texterna och spara en "
                "sammanslagen version."
            ).format(who=who, section=Bilingual(section.title_sv, section.title_en))
        )


def append_revision(session: Session, actor: User, draft: Draft, revision: object) -> None:
    """Store `revision` (of a section or of the budget) as the draft's next revision.

    Sections and the budget share one numbering: a save of either is one revision of the whole
    draft, so it also voids the draft's sign-offs, visibly.
    """
    from drafting.sign_offs import NEW_REVISION, void_sign_offs  # sign_offs imports this module

    draft.revision_count += 1
    now = utcnow()
    revision.number = draft.revision_count
    revision.created_at = now
    draft.updated_at = now
    session.add(revision)
    session.flush()
    void_sign_offs(session, actor, draft, NEW_REVISION)


def clean_text(text: str | None) -> str:
    """Unify line breaks, drop control characters (keeping newline and tab), trim the ends."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def template_for(draft: Draft) -> Template:
    """The application template the draft is written on."""
    return load_template(draft.template_key)


def template_key_for(idea: ProjectIdea) -> str:
    key = idea.call.template_key if idea.call is not None else DEFAULT_TEMPLATE
    try:
        load_template(key)
    except TemplateError:
        return DEFAULT_TEMPLATE
    return key


def require_view(idea: ProjectIdea, actor: User) -> None:
    if not idea.can_view(actor):
        raise NotFound(_t("Idén finns inte eller så saknar du behörighet att se den."))


def require_edit(draft: Draft, actor: User) -> None:
    """Raise unless `actor` may change the draft's text now."""
    idea = draft.idea
    require_view(idea, actor)
    if not idea.can_edit(actor):
        raise NotAllowed(_t("Du kan läsa ansökan men inte ändra den."))
    if idea.stage not in EDITABLE_STAGES:
        raise InvalidData(
            _t("Ansökan kan inte ändras i skedet {stage}.").format(stage=idea.stage.label)
        )


def can_edit_draft(draft: Draft, actor: User) -> bool:
    """True if `actor` may change the draft's text now."""
    return draft.idea.can_edit(actor) and draft.idea.stage in EDITABLE_STAGES


def get_draft(session: Session, idea: ProjectIdea) -> Draft | None:
    """The idea's draft, if one has been started."""
    return session.scalars(select(Draft).where(Draft.idea_id == idea.id)).one_or_none()


def get_or_create_draft(session: Session, actor: User, idea: ProjectIdea) -> Draft:
    """The idea's draft; started, with its first check run, on the call's template when the
    idea is in a drafting stage (called when the idea enters drafting, and by the explicit
    "Börja skriva ansökan" post for ideas that reached the stage without a draft)."""
    require_view(idea, actor)
    draft = get_draft(session, idea)
    if draft is not None:
        return draft
    if idea.stage not in DRAFT_STAGES:
        raise DraftNotStarted.before_drafting()
    draft = Draft(idea=idea, template_key=template_key_for(idea), revision_count=0)
    try:
        with session.begin_nested():
            session.add(draft)
            session.flush()
    except IntegrityError:  # someone else started it at the same moment
        existing = get_draft(session, idea)
        if existing is None:
            raise
        return existing
    log_activity(session, actor, "draft.create", draft, idea=idea, template=draft.template_key)
    from drafting.check_runs import run_check  # check_runs imports this module

    run_check(session, draft)
    return draft


def start_draft(session: Session, actor: User, idea: ProjectIdea) -> Draft:
    """Start the draft on request ("Börja skriva ansökan"): for someone who may change it now."""
    require_view(idea, actor)
    if not idea.can_edit(actor) or idea.stage not in EDITABLE_STAGES:
        raise NotAllowed(_t("Du kan inte påbörja ansökan för den här idén."))
    return get_or_create_draft(session, actor, idea)


def latest_revisions(
    session: Session, draft: Draft, upto: int | None = None
) -> dict[str, SectionRevision]:
    """Each section's latest revision (at or before revision `upto`), in one query."""
    newest = select(
        SectionRevision.section_key, func.max(SectionRevision.number).label("number")
    ).where(SectionRevision.draft_id == draft.id)
    if upto is not None:
        newest = newest.where(SectionRevision.number <= upto)
    newest = newest.group_by(SectionRevision.section_key).subquery()
    rows = session.scalars(
        select(SectionRevision)
        .join(
            newest,
            (SectionRevision.section_key == newest.c.section_key)
            & (SectionRevision.number == newest.c.number),
        )
        .where(SectionRevision.draft_id == draft.id)
    )
    return {rev.section_key: rev for rev in rows}


def section_texts(session: Session, draft: Draft, upto: int | None = None) -> dict[str, str]:
    """{section key: text} of the draft as it was at revision `upto` (default: now)."""
    return {k: r.text for k, r in latest_revisions(session, draft, upto).items()}


def latest_revision(session: Session, draft: Draft, section_key: str) -> SectionRevision | None:
    """The section's newest revision, or None if it was never saved."""
    return session.scalars(
        select(SectionRevision)
        .where(SectionRevision.draft_id == draft.id, SectionRevision.section_key == section_key)
        .order_by(SectionRevision.number.desc())
        .limit(1)
    ).first()


def revisions(session: Session, draft: Draft, section_key: str | None = None):
    """The draft's revisions, newest first (optionally of one section)."""
    query = select(SectionRevision).where(SectionRevision.draft_id == draft.id)
    if section_key is not None:
        query = query.where(SectionRevision.section_key == section_key)
    return list(session.scalars(query.order_by(SectionRevision.number.desc())))


def section_of(draft: Draft, section_key: str) -> Section:
    section = template_for(draft).section(section_key)
    if section is None:
        raise NotFound(_t("Avsnittet finns inte i mallen."))
    return section


def _lock(session: Session, draft: Draft) -> Draft:
    """Take the draft's row lock so that saves of one draft happen one after another."""
    return session.scalars(
        select(Draft)
        .where(Draft.id == draft.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def save_section(
    session: Session,
    actor: User,
    draft: Draft,
    section_key: str,
    text: str,
    base_revision_id: int | None,
    *,
    source: RevisionSource = RevisionSource.EDITOR,
    restored_from: int | None = None,
    check: bool = True,
) -> SectionRevision | None:
    """Save a section's text as a new revision; None when the text did not change.

    `base_revision_id` is the revision the editor loaded (None for a section never saved). If
    the section has a newer revision, EditConflict is raised with both texts and nothing is
    saved. A text over the section's limit raises SectionTooLong carrying the text.
    """
    require_edit(draft, actor)
    section = section_of(draft, section_key)
    text = clean_text(text)
    if len(text) > section.max_chars:
        raise SectionTooLong(section, text)
    _lock(session, draft)
    latest = latest_revision(session, draft, section_key)
    if (latest.text if latest is not None else "") == text:
        return None
    latest_id = latest.id if latest is not None else None
    if latest_id != base_revision_id:
        raise EditConflict(section, latest, text, base_revision_id)
    revision = SectionRevision(
        draft=draft,
        section_key=section_key,
        text=text,
        author=actor,
        base_revision_id=latest_id,
        source=source,
        restored_from=restored_from,
    )
    append_revision(session, actor, draft, revision)
    log_activity(
        session,
        actor,
        "draft.restore" if source == RevisionSource.RESTORE else "draft.save",
        revision,
        idea=draft.idea,
        section=section_key,
        number=revision.number,
        chars=len(text),
        **({"restored_from": restored_from} if restored_from is not None else {}),
    )
    if check:
        from drafting.check_runs import run_check

        run_check(session, draft)
    return revision


def restore_revision(
    session: Session, actor: User, draft: Draft, revision_id: int
) -> SectionRevision | None:
    """Bring back an old text of a section as a new revision (None if it is the current text)."""
    old = session.get(SectionRevision, revision_id)
    if old is None or old.draft_id != draft.id:
        raise NotFound(_t("Revisionen finns inte."))
    latest = latest_revision(session, draft, old.section_key)
    return save_section(
        session,
        actor,
        draft,
        old.section_key,
        old.text,
        latest.id if latest is not None else None,
        source=RevisionSource.RESTORE,
        restored_from=old.number,
    )
