"""What the section page and the checker's advice show of the good examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_login import current_user

from drafting import review
from drafting.checker.rules import available_principles
from drafting.examples.marking import active_example, may_mark, may_withdraw
from drafting.examples.models import GoodExample
from drafting.examples.selection import example_for_advice, examples_for_writer
from drafting.models import Draft
from drafting.revisions import latest_revision
from drafting.templates import Section, load_template
from pipeline.models import ProjectIdea, utcnow
from web import db
from web.drafts.views import marked_segments
from web.examples.forms import MarkExampleForm, WithdrawExampleForm
from web.i18n import locale

PRINCIPLE_PARAM = "princip"


@dataclass
class SectionExamples:
    """The good-example part of one section page."""

    principle: str
    principles: list[str]
    examples: list[GoodExample]
    marked: GoodExample | None
    can_mark: bool
    can_withdraw: bool
    form: MarkExampleForm | None
    withdraw_form: WithdrawExampleForm | None


def template_name(key: str) -> str:
    """An application template's name in the current language."""
    return load_template(key).name(locale())


def principle_keys() -> list[str]:
    """The mandatory principles first, then any others, as the levels show them."""
    mandatory = list(review.mandatory_principles())
    return mandatory + sorted(set(available_principles()) - set(mandatory))


def chosen_principle(section: Section, levels: list[Any]) -> str:
    """The principle the writer asked for; else the section's own; else the one the draft is
    weakest on (the first of those at the lowest level)."""
    keys = principle_keys()
    asked = request.args.get(PRINCIPLE_PARAM, "")
    if asked in keys:
        return asked
    if section.principle in keys:
        return section.principle
    ranked = [(review.level_rank(level.level), keys.index(level.principle))
              for level in levels if level.principle in keys]  # fmt: skip
    return keys[min(ranked)[1]] if ranked else keys[0]


def examples_panel(
    idea: ProjectIdea,
    draft: Draft,
    section: Section,
    levels: list[Any],
    form: MarkExampleForm | None = None,
) -> SectionExamples:
    """Up to three examples for the section and principle, and the team's mark or withdraw."""
    session = db.session()
    principle = chosen_principle(section, levels)
    marked = active_example(session, draft, section.key)
    current = latest_revision(session, draft, section.key)
    can_mark = marked is None and may_mark(current_user) and bool(current and current.text)
    if can_mark and form is None:
        form = MarkExampleForm(
            formdata=None,
            revision_id=str(current.id),
            agreed_by_name=idea.contact_name,
            agreed_by_email=idea.contact_email,
            agreed_on=utcnow().date(),
        )
    can_withdraw = marked is not None and may_withdraw(current_user, marked)
    return SectionExamples(
        principle=principle,
        principles=principle_keys(),
        examples=examples_for_writer(session, current_user, draft, section.key, principle),
        marked=marked,
        can_mark=can_mark,
        can_withdraw=can_withdraw,
        form=form if can_mark else None,
        withdraw_form=WithdrawExampleForm(formdata=None, next="avsnitt") if can_withdraw else None,
    )


def advice_example(finding: Any, draft: Draft) -> GoodExample | None:
    """The example the advice for a principle at Nämns links to (None for other findings)."""
    principle = getattr(finding, "principle", None)
    if not principle or not str(getattr(finding, "rule_id", "")).endswith(".not_concrete"):
        return None
    return example_for_advice(
        db.session(), current_user, draft, principle, getattr(finding, "section", None)
    )


def example_segments(example: GoodExample, principle: str | None = None) -> list[tuple[str, bool]]:
    """The example's text cut at the sentences that make it concrete (for one principle, or
    for all), for <mark>."""
    spans = [
        (s["start"], s["end"])
        for row in example.principles
        if principle is None or row.principle == principle
        for s in row.sentences
        if example.text[s["start"] : s["end"]] == s["sentence"]
    ]
    return marked_segments(example.text, spans)
