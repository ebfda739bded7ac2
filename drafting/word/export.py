"""Export a draft, as it was at any revision, to a Word document.

`collect` gathers what the document shows (in Swedish, free of database objects) and
`drafting.word.rendering.render` writes it on the shipped template; `export_draft` does both.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.budget.store import budget_context, cost_model_for, current_budget
from drafting.budget.tables import budget_tables
from drafting.models import CheckRun, Draft
from drafting.revisions import get_draft, section_texts
from drafting.templates import DEFAULT_TEMPLATE, Template, load_template
from drafting.word.rendering import (
    DOCX_TYPE,
    AppendixPrinciple,
    ExportComment,
    ExportContent,
    ExportSection,
    clean,
    render,
)
from pipeline.errors import InvalidData
from pipeline.i18n import Text, _t
from pipeline.i18n import render as in_words
from pipeline.models import ProjectIdea, User
from pipeline.queries import get_idea


def slug(text: str, fallback: str = "ansokan") -> str:
    """A safe ASCII file-name part: "Unga i Åsele!" -> "unga-i-asele"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return value[:60].strip("-") or fallback


UNSET = "Ej angivet"  # a figure nobody gave: not 0


def sek(amount: int | None) -> str:
    """An amount in kronor as the project bank writes it: "652 091 kr"."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


@dataclass(frozen=True)
class ExportedFile:
    name: str
    data: bytes
    revision: int
    has_internal_comments: bool = False
    content_type: str = DOCX_TYPE


# --- Gathering --------------------------------------------------------------------------------


def _period(idea: ProjectIdea) -> str:
    if idea.period_start and idea.period_end:
        return f"{idea.period_start.isoformat()} till {idea.period_end.isoformat()}"
    if idea.period_start:
        return f"från {idea.period_start.isoformat()}"
    return ""


def metadata_rows(idea: ProjectIdea) -> list[tuple[str, str]]:
    """The project-bank table: label and value, in the order the ESF project bank shows them."""
    call = idea.call
    regions = sorted({m.region for m in idea.municipalities})
    rows = [
        ("Programområde", idea.programme_area or (call.programme_area if call else "")),
        ("Projektägare", idea.lead_organisation.name if idea.lead_organisation else ""),
        (
            "Organisationsnummer",
            (idea.lead_organisation.org_number or "") if idea.lead_organisation else "",
        ),
        ("Kontaktperson", idea.contact_name),
        ("E-post", idea.contact_email),
        ("Telefon", idea.contact_phone),
        ("Sökt ESF-stöd", sek(idea.esf_share) or UNSET),
        ("Total projektbudget", sek(idea.budget_total) or UNSET),
        ("Projektperiod", _period(idea)),
        ("Region", call.region if call else ", ".join(regions)),
        ("Kommuner", ", ".join(m.name for m in idea.municipalities)),
        ("Deltagande aktörer", ", ".join(o.name for o in idea.partner_organisations)),
    ]
    if call is not None:
        rows.insert(0, ("Utlysning", f"{call.name} ({call.diarienummer})"))
    return [(label, clean(value)) for label, value in rows]


def _check_run_for(session: Session, draft: Draft, revision: int) -> CheckRun:
    """The stored check of that revision, or a fresh (unsaved) one."""
    stored = session.scalars(
        select(CheckRun)
        .where(CheckRun.draft_id == draft.id, CheckRun.revision_number == revision)
        .order_by(CheckRun.id.desc())
        .limit(1)
    ).first()
    if stored is not None:
        return stored
    from drafting.checker import check_sections

    result = check_sections(section_texts(session, draft, revision), draft.template_key)
    return CheckRun.from_result(draft.id, revision, draft.template_key, result.to_dict())


def _text_of(value: Any) -> str:
    if isinstance(value, Text):
        return in_words(value, "sv")
    if isinstance(value, dict):
        return str(value.get("sv") or value.get("en") or "")
    return "" if value is None else str(value)


def _get(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


def _findings(result: Any, principle: str, template: Template) -> list[str]:
    """The principle's own findings, each once: one line per rule and message, with the
    sections it was found in (in template order) after it.

    The checker reports a finding per sentence, so one observation can come many times and
    from sections named after other principles; the appendix says it once, under its principle.
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    for finding in _get(result, "findings", None) or []:
        if str(_get(finding, "principle", "")) != principle:
            continue
        message = _get(finding, "message_sv", None) or _text_of(_get(finding, "message", None))
        if not message:
            continue
        sections = grouped.setdefault((str(_get(finding, "rule_id", "")), message), [])
        key = str(_get(finding, "section", "") or "")
        if template.section(key) is not None and key not in sections:
            sections.append(key)
    lines = []
    for (_rule, message), keys in grouped.items():
        titles = [s.title_sv for s in template.sections if s.key in keys]
        where = f" ({'Avsnitt' if len(titles) == 1 else 'Avsnitten'}: {', '.join(titles)})"
        lines.append(clean(message + (where if titles else "")))
    return lines


def appendix_for(session: Session, draft: Draft, revision: int) -> list[AppendixPrinciple]:
    """Each principle's level, checklist status and findings for the draft at `revision`."""
    from drafting import review
    from drafting.check_runs import check_result

    run = _check_run_for(session, draft, revision)
    template = load_template(draft.template_key)
    result = check_result(run)
    lists = review.checklists(session, draft, run)
    principles = []
    for level in review.principle_levels(session, draft, run):
        rows = [
            (clean(in_words(r.question, "sv")), r.met, r.decision is not None)
            for r in lists.get(level.principle, [])
        ]
        principles.append(
            AppendixPrinciple(
                name=in_words(review.principle_label(level.principle), "sv"),
                level=in_words(review.level_label(level.level), "sv"),
                judged_by_team=level.overridden,
                checklist=rows,
                findings=_findings(result, level.principle, template),
            )
        )
    return principles


def collect(
    session: Session,
    actor: User,
    idea_id: int,
    *,
    revision: int | None = None,
    appendix: bool = False,
    comments: bool = False,
    today: dt.date | None = None,
) -> ExportContent:
    """What the document shows for the idea's draft at `revision` (default: the latest)."""
    idea = get_idea(session, actor, idea_id)
    draft = get_draft(session, idea)
    latest = draft.revision_count if draft is not None else 0
    number = latest if revision is None else revision
    if not 0 <= number <= latest:
        raise InvalidData(
            _t("Revision {n} finns inte; ansökan har revisionerna 0–{last}.").format(
                n=number, last=latest
            )
        )
    template = load_template(draft.template_key if draft is not None else DEFAULT_TEMPLATE)
    texts = section_texts(session, draft, number) if draft is not None else {}
    sections = [
        ExportSection(s.key, s.title_sv, 2 if s.parent else 1, clean(texts.get(s.key, "")))
        for s in template.sections
    ]
    content = ExportContent(
        title=clean(idea.title),
        owner=clean(idea.lead_organisation.name if idea.lead_organisation else ""),
        period=_period(idea),
        template_name=template.name_sv,
        revision=number,
        date=today or dt.date.today(),
        author=clean(actor.name or ""),
        metadata=metadata_rows(idea),
        sections=sections,
        idea_id=idea.id,
        org_number=clean(
            (idea.lead_organisation.org_number or "") if idea.lead_organisation else ""
        ),
    )
    if draft is not None:
        _add_budget(session, draft, template, number, content)
    if appendix:
        if draft is None or number == 0:
            content.appendix = []
            content.appendix_note = "Ansökan har ingen text att kontrollera ännu."
        else:
            content.appendix = appendix_for(session, draft, number)
    if comments and draft is not None:
        from drafting.section_comments import section_comments

        for comment in section_comments(session, actor, draft, include_resolved=False):
            content.comments.append(
                ExportComment(
                    section_key=comment.section_key,
                    author=clean(comment.author.name if comment.author else "Framsyn"),
                    body=clean(comment.body),
                    quote=clean(comment.quote),
                    internal=comment.visibility.value == "internal",
                )
            )
    return content


def _add_budget(
    session: Session, draft: Draft, template: Template, number: int, content: ExportContent
) -> None:
    """The structured budget at revision `number`, as tables after the budget section."""
    model = cost_model_for(draft)
    budget = current_budget(session, draft, number)
    if model is None or budget.is_empty:
        return
    section = next((s for s in template.sections if s.role == "budget"), template.sections[-1])
    content.budget_section = section.key
    tables = budget_tables(budget, model, budget_context(draft, model).terms)
    content.budget_tables = [(t.title, t.rows) for t in tables]


def file_name(content: ExportContent) -> str:
    """ "<project>-rev<N>-<date>.docx", safe ASCII."""
    return f"{slug(content.title)}-rev{content.revision}-{content.date.isoformat()}.docx"


def export_draft(
    session: Session,
    actor: User,
    idea_id: int,
    *,
    revision: int | None = None,
    appendix: bool = False,
    comments: bool = False,
    today: dt.date | None = None,
) -> ExportedFile:
    """Export the idea's draft (at `revision`) as .docx bytes with a telling file name."""
    content = collect(
        session,
        actor,
        idea_id,
        revision=revision,
        appendix=appendix,
        comments=comments,
        today=today,
    )
    return ExportedFile(
        name=file_name(content),
        data=render(content),
        revision=content.revision,
        has_internal_comments=any(c.internal for c in content.comments),
    )
