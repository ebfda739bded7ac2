"""The audit log in words: every event, every detail field and its values in Swedish and English.

The log stores codes (`draft.sign_off`, `from_stage: "review"`); the page and the CSV's text
columns show these labels instead. An unknown code is shown as it is, so nothing is hidden.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from drafting import review
from drafting.sign_offs import void_reason_label
from drafting.templates import available_templates, load_template
from pipeline.i18n import Text
from pipeline.models import Role
from pipeline.notifications import Kind, Mode
from pipeline.stages import Stage
from web.i18n import locale
from web.i18n import text as in_words

ACTION_LABELS = {
    "auth.login": _l("Inloggning"),
    "auth.reset_requested": _l("Begärde nytt lösenord"),
    "idea.create": _l("Skapade en idé"),
    "idea.update": _l("Ändrade en idé"),
    "idea.stage": _l("Flyttade en idé till ett annat skede"),
    "idea.link_regional": _l("Lade en idé i ett regionalt projekt"),
    "idea.reviewer": _l("Valde granskare för en idé"),
    "idea.reviewer_cleared": _l("Tog bort granskaren från en idé när personen togs bort"),
    "idea.unlink_regional": _l("Tog en idé ur ett regionalt projekt"),
    "comment.create": _l("Kommenterade en idé"),
    "user.invite": _l("Bjöd in en person"),
    "user.reinvite": _l("Skickade en ny inbjudan"),
    "user.update": _l("Ändrade en användare (namn, roll, organisation eller status)"),
    "user.password": _l("Bytte lösenord"),
    "user.sign_out_everywhere": _l("Loggade ut överallt"),
    "person.export": _l("Hämtade en persons uppgifter"),
    "person.remove": _l("Tog bort en person"),
    "file.download": _l("Laddade ner en fil"),
    "job.export": _l("Startade en export till Word"),
    "job.import": _l("Startade en import från Word"),
    "job.recheck_call": _l("Startade en ny kontroll av en utlysnings ansökningar"),
    "audit.export": _l("Laddade ner händelseloggen"),
    "demo.load": _l("Läste in demodata"),
    "draft.create": _l("Påbörjade en ansökan"),
    "draft.save": _l("Sparade ett avsnitt"),
    "draft.restore": _l("Återställde en tidigare text i ett avsnitt"),
    "draft.import": _l("Importerade ansökan från Word"),
    "draft.budget_save": _l("Sparade budgeten"),
    "draft.budget_restore": _l("Återställde en tidigare budget"),
    "draft.budget_import": _l("Importerade budgeten från Excel"),
    "draft.comment": _l("Kommenterade ett avsnitt"),
    "draft.comment_resolve": _l("Markerade en avsnittskommentar som löst"),
    "draft.comment_reopen": _l("Öppnade en avsnittskommentar igen"),
    "draft.level_override": _l("Bedömde en princips nivå"),
    "draft.checklist_override": _l("Bedömde en fråga i checklistan"),
    "draft.sign_off": _l("Godkände ansökan"),
    "draft.sign_off_revoke": _l("Återkallade godkännandet"),
    "draft.sign_off_void": _l("Godkännandet upphörde att gälla"),
    "example.mark": _l("Markerade ett avsnitt som gott exempel"),
    "example.withdraw": _l("Drog tillbaka ett gott exempel"),
    "organisation.create": _l("Registrerade en organisation"),
    "organisation.update": _l("Ändrade en organisation"),
    "call.create": _l("Registrerade en utlysning"),
    "call.update": _l("Ändrade en utlysning"),
    "municipality.create": _l("Registrerade en kommun"),
    "municipality.rename": _l("Bytte namn på en kommun"),
    "account.notifications": _l("Ändrade sina val av e-postmeddelanden"),
}

FIELD_LABELS = {
    "title": _l("Titel"),
    "from_stage": _l("Från skede"),
    "to_stage": _l("Till skede"),
    "visibility": _l("Synlighet"),
    "changed": _l("Ändrat"),
    "regional_project_id": _l("Regionalt projekt (id)"),
    "reviewer_id": _l("Granskare (id)"),
    "changes_due_on": _l("Sista dag för kompletteringen"),
    "email": _l("E-post"),
    "role": _l("Roll"),
    "ended": _l("Avslutade inloggningar"),
    "person_id": _l("Person (id)"),
    "name": _l("Namn"),
    "diarienummer": _l("Diarienummer"),
    "template": _l("Mall"),
    "section": _l("Avsnitt"),
    "number": _l("Revision"),
    "chars": _l("Tecken"),
    "lines": _l("Rader"),
    "restored_from": _l("Återställd från revision"),
    "principle": _l("Princip"),
    "level": _l("Nivå"),
    "reason": _l("Skäl"),
    "item": _l("Fråga"),
    "met": _l("Bedömning"),
    "auto_met": _l("Kontrollens bedömning"),
    "unmatched": _l("Okända rubriker"),
    "target": _l("Avsnitt för text under okända rubriker"),
    "unmatched_target": _l("Avsnitt för text under okända rubriker"),
    "revision": _l("Revision"),
    "appendix": _l("Bilaga om principerna"),
    "comments": _l("Kommentarer i Word"),
    "filters": _l("Filter"),
    # Fields named in "changed" (ideas, users, organisations, calls, kommuner).
    "summary": _l("Sammanfattning"),
    "background": _l("Problem och bakgrund"),
    "purpose": _l("Syfte"),
    "target_groups": _l("Målgrupper"),
    "participants_women": _l("Deltagare, kvinnor"),
    "participants_men": _l("Deltagare, män"),
    "participants_total": _l("Deltagare totalt"),
    "lead_organisation_id": _l("Projektägare (id)"),
    "partners": _l("Samverkansparter (id)"),
    "municipalities": _l("Kommuner (id)"),
    "programme_area": _l("Programområde"),
    "call_id": _l("Utlysning (id)"),
    "budget_total": _l("Total budget (kr)"),
    "esf_share": _l("Sökt ESF-stöd (kr)"),
    "period_start": _l("Projektet startar"),
    "period_end": _l("Projektet slutar"),
    "contact_name": _l("Kontaktperson"),
    "contact_email": _l("Kontaktpersonens e-post"),
    "contact_phone": _l("Kontaktpersonens telefon"),
    "organisation_id": _l("Organisation (id)"),
    "is_active": _l("Aktiv"),
    "type": _l("Typ"),
    "municipality_id": _l("Kommun (id)"),
    "org_number": _l("Organisationsnummer"),
    "opens": _l("Öppnar"),
    "closes": _l("Stänger"),
    "region": _l("Region"),
    "specific_objective": _l("Specifikt mål"),
    "template_key": _l("Mall"),
    # Fields named in "changed" of account.notifications: one per kind of notification.
    **{f"notify_{kind.value}": kind.label for kind in Kind},
}

ENTITY_LABELS = {
    "ProjectIdea": _l("Idé"),
    "User": _l("Användare"),
    "Comment": _l("Kommentar"),
    "Organisation": _l("Organisation"),
    "Call": _l("Utlysning"),
    "Municipality": _l("Kommun"),
    "Draft": _l("Ansökan"),
    "SectionRevision": _l("Revision"),
    "SectionComment": _l("Avsnittskommentar"),
    "LevelOverride": _l("Nivåbedömning"),
    "ChecklistOverride": _l("Checklistbedömning"),
    "SignOff": _l("Godkännande"),
    "GoodExample": _l("Gott exempel"),
    "Job": _l("Jobb"),
    "StoredFile": _l("Fil"),
}


def action_label(action: str) -> str:
    """An event's name in the current language (the code itself when it is unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def entity_label(entity_type: str | None) -> str:
    """What kind of thing an event was about."""
    label = ENTITY_LABELS.get(entity_type or "")
    return str(label) if label is not None else (entity_type or "")


def field_label(key: str) -> str:
    """A detail field's name in the current language."""
    label = FIELD_LABELS.get(key)
    if isinstance(label, Text):
        return _in_words(label)
    return str(label) if label is not None else key


def _in_words(value: Text) -> str:
    return in_words(value)


def _yes_no(value: object) -> str:
    return _("Ja") if value else _("Nej")


def _met(value: object) -> str:
    return _("Uppfyllt") if value else _("Inte uppfyllt")


def _stage(value: object) -> str:
    try:
        return _in_words(Stage(str(value)).label)
    except ValueError:
        return str(value)


def _role(value: object) -> str:
    try:
        return _in_words(Role(str(value)).label)
    except ValueError:
        return str(value)


def _level(value: object) -> str:
    return _("kontrollens nivå") if value is None else _in_words(review.level_label(str(value)))


def _visibility(value: object) -> str:
    return {"shared": _("delad med projektet"), "internal": _("intern för stödteamet")}.get(
        str(value), str(value)
    )


def _section(value: object) -> str:
    for key in available_templates():
        section = load_template(key).section(str(value))
        if section is not None:
            return section.title(locale())
    return str(value)


def _mode(value: object) -> str:
    try:
        return _in_words(Mode(str(value)).label)
    except ValueError:
        return _plain(value)


VALUE_FORMATS: dict[str, Callable[[object], str]] = {
    **{f"notify_{kind.value}": _mode for kind in Kind},
    "from_stage": _stage,
    "to_stage": _stage,
    "level": _level,
    "principle": lambda v: _in_words(review.principle_label(str(v))),
    "visibility": _visibility,
    "met": _met,
    "auto_met": _met,
    "appendix": _yes_no,
    "comments": _yes_no,
    "is_active": _yes_no,
    "role": _role,
    "section": _section,
    "target": _section,
    "unmatched_target": _section,
}


def _plain(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def value_text(action: str, key: str, value: object) -> str:
    """One detail value in words: stages, levels, principles and choices by their labels."""
    if key == "reason" and action in ("draft.sign_off_void", "draft.sign_off_revoke"):
        return _in_words(void_reason_label(str(value)))
    if key == "changed" and isinstance(value, dict):
        parts = []
        for name, change in value.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                old, new = (_format(name, v) for v in change)
                parts.append(f"{field_label(name)}: {old} → {new}")
            else:
                parts.append(f"{field_label(name)}: {_plain(change)}")
        return ", ".join(parts)
    if key in ("changed", "unmatched") and isinstance(value, list):
        return ", ".join(_section(v) if key == "changed" else _plain(v) for v in value) or "–"
    return _format(key, value)


def _format(key: str, value: object) -> str:
    fmt = VALUE_FORMATS.get(key)
    if fmt is not None and value is not None:
        return fmt(value)
    if fmt is _level:
        return fmt(value)
    return _plain(value)


def describe(details: object, action: str = "", limit: int = 300) -> str:
    """The details of an entry as short plain text in words (escaped by the template)."""
    if not details:
        return ""
    if isinstance(details, dict):
        text = "; ".join(
            f"{field_label(key)}: {value_text(action, key, value)}"
            for key, value in details.items()
        )
    else:
        text = json.dumps(details, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
