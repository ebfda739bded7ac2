"""Stored check runs: run the checker on a draft, read the latest run and the level history.

A run is stored when the text changes (a save, an import, a re-check job) and when the draft is
started, so a page only reads. ``current_check`` never writes: when the stored run is older
than the draft (a text saved without a check), it works the result out in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.checker import CheckResult, check_sections
from drafting.checker.rules import principle_keys
from drafting.models import CheckRun, Draft
from drafting.revisions import section_texts


def _checked(session: Session, draft: Draft) -> CheckRun:
    result = check_sections(section_texts(session, draft), draft.template_key)
    return CheckRun.from_result(
        draft.id, draft.revision_count, draft.template_key, result.to_dict()
    )


def run_check(session: Session, draft: Draft) -> CheckRun:
    """Check the draft as it is now and store the result against its revision number."""
    run = _checked(session, draft)
    session.add(run)
    session.flush()
    return run


def latest_check(session: Session, draft: Draft) -> CheckRun | None:
    """The most recent stored check run of the draft."""
    return session.scalars(
        select(CheckRun).where(CheckRun.draft_id == draft.id).order_by(CheckRun.id.desc()).limit(1)
    ).first()


def current_check(session: Session, draft: Draft) -> CheckRun:
    """A check run that reflects the draft's latest revision, without writing: the stored one,
    or one worked out now and not added to the session when none is stored for it."""
    run = latest_check(session, draft)
    if run is None or run.revision_number != draft.revision_count:
        run = _checked(session, draft)
    return run


def check_result(run: CheckRun) -> CheckResult:
    """The stored result as the checker's own object."""
    return CheckResult.from_dict(run.full_result())


@dataclass(frozen=True)
class LevelChange:
    """A principle's level changed with a revision."""

    principle: str
    old: str | None
    new: str
    number: int


def level_history(session: Session, draft: Draft) -> list[LevelChange]:
    """Every change of a principle's level across the stored check runs, oldest first."""
    rows = session.execute(
        select(CheckRun.revision_number, CheckRun.levels)
        .where(CheckRun.draft_id == draft.id)
        .order_by(CheckRun.revision_number, CheckRun.id)
    )
    changes: list[LevelChange] = []
    previous: dict[str, str] = {}
    order = {key: n for n, key in enumerate(principle_keys())}
    for number, levels in rows:
        # In the principles' order: JSONB (PostgreSQL) keeps an object's keys in its own.
        for principle in sorted(levels or {}, key=lambda k: (order.get(k, len(order)), k)):
            level = levels[principle]
            if previous.get(principle) != level:
                changes.append(LevelChange(principle, previous.get(principle), level, number))
                previous[principle] = level
    return changes
