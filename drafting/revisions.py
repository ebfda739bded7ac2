"""Drafts and their revisions: create a draft, save a section without losing anyone's update,
restore an old text, compare revisions and run the checker after each save.

Every service takes an explicit actor, checks permissions, flushes and never commits.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drafting.checker import CheckResult, check_sections
from drafting.errors import TemplateError
from drafting.models import CheckRun, Draft, RevisionSource, SectionRevision
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
    """The idea's draft; started on the call's template when the idea is in a drafting stage."""
    require_view(idea, actor)
    draft = get_draft(session, idea)
    if draft is not None:
        return draft
    if idea.stage not in DRAFT_STAGES:
        raise DraftNotStarted(
            _t("Ansökan påbörjas när idén når skedet {stage}.").format(stage=Stage.DRAFTING.label)
        )
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
    return draft


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
    draft.revision_count += 1
    now = utcnow()
    revision = SectionRevision(
        draft=draft,
        section_key=section_key,
        number=draft.revision_count,
        text=text,
        author=actor,
        base_revision_id=latest_id,
        source=source,
        restored_from=restored_from,
        created_at=now,
    )
    draft.updated_at = now
    session.add(revision)
    session.flush()
    # A sign-off is of one revision of the whole draft: the new one voids it, visibly.
    from drafting.sign_offs import NEW_REVISION, void_sign_offs  # sign_offs imports this module

    void_sign_offs(session, actor, draft, NEW_REVISION)
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


# --- Comparing revisions ----------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class SectionDiff:
    """How one section's text changed between two revisions of the draft."""

    section: Section | None
    key: str
    old: str
    new: str
    html: Markup
    added_words: int
    removed_words: int

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def title(self, locale: str = "sv") -> str:
        return self.section.title(locale) if self.section is not None else self.key


@dataclass
class DraftDiff:
    """The differences between the draft at revision `old` and at revision `new`."""

    old: int
    new: int
    sections: list[SectionDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[SectionDiff]:
        return [s for s in self.sections if s.changed]

    def summary(self, locale: str = "sv") -> str:
        """One line per changed section: words added and removed."""
        if not self.changed:
            return "Inga skillnader." if locale != "en" else "No differences."
        lines = []
        for s in self.changed:
            if locale == "en":
                lines.append(f"{s.title('en')}: +{s.added_words} words, −{s.removed_words} words")
            else:
                lines.append(f"{s.title('sv')}: +{s.added_words} ord, −{s.removed_words} ord")
        return "\n".join(lines)


def _words(tokens: Iterable[str]) -> int:
    return sum(1 for t in tokens if t.strip() and (t[0].isalnum() or t[0] == "_"))


def diff_texts(old: str, new: str) -> tuple[Markup, int, int]:
    """A word-level diff as escaped HTML with <del> and <ins>, and the words added/removed."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            removed += _words(a[i1:i2])
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            added += _words(b[j1:j2])
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(parts)), added, removed


def diff_revisions(session: Session, actor: User, draft: Draft, old: int, new: int) -> DraftDiff:
    """Compare the whole draft at two revision numbers, section by section."""
    require_view(draft.idea, actor)
    for number in (old, new):
        if not 0 <= number <= draft.revision_count:
            raise InvalidData(
                _t("Revision {n} finns inte; ansökan har revisionerna 1–{last}.").format(
                    n=number, last=draft.revision_count
                )
            )
    before = section_texts(session, draft, old)
    after = section_texts(session, draft, new)
    template = template_for(draft)
    keys = list(template.keys) + sorted((set(before) | set(after)) - set(template.keys))
    result = DraftDiff(old, new)
    for key in keys:
        a, b = before.get(key, ""), after.get(key, "")
        html, added, removed = diff_texts(a, b)
        result.sections.append(SectionDiff(template.section(key), key, a, b, html, added, removed))
    return result


# --- The checker ------------------------------------------------------------------------------


def run_check(session: Session, draft: Draft) -> CheckRun:
    """Check the draft as it is now and store the result against its revision number."""
    result = check_sections(section_texts(session, draft), draft.template_key)
    run = CheckRun.from_result(draft.id, draft.revision_count, draft.template_key, result.to_dict())
    session.add(run)
    session.flush()
    return run


def latest_check(session: Session, draft: Draft) -> CheckRun | None:
    """The most recent check run of the draft."""
    return session.scalars(
        select(CheckRun).where(CheckRun.draft_id == draft.id).order_by(CheckRun.id.desc()).limit(1)
    ).first()


def current_check(session: Session, draft: Draft) -> CheckRun:
    """A check run that reflects the draft's latest revision (run now if missing or stale)."""
    run = latest_check(session, draft)
    if run is None or run.revision_number != draft.revision_count:
        run = run_check(session, draft)
    return run


def check_result(run: CheckRun) -> CheckResult:
    """The stored result as the checker's own object."""
    return CheckResult.from_dict(run.result)


@dataclass(frozen=True)
class LevelChange:
    """A principle's level changed with a revision."""

    principle: str
    old: str | None
    new: str
    number: int


def level_history(session: Session, draft: Draft) -> list[LevelChange]:
    """Every change of a principle's level across the stored check runs, oldest first."""
    runs = session.scalars(
        select(CheckRun)
        .where(CheckRun.draft_id == draft.id)
        .order_by(CheckRun.revision_number, CheckRun.id)
    )
    changes: list[LevelChange] = []
    previous: dict[str, str] = {}
    for run in runs:
        for principle, level in (run.levels or {}).items():
            if previous.get(principle) != level:
                changes.append(
                    LevelChange(principle, previous.get(principle), level, run.revision_number)
                )
                previous[principle] = level
    return changes
