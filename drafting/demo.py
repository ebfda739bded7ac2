"""Demo drafts: FRAMSYN ESF on the 2007-2013 template, and ESF+ drafts of varied quality for
demo ideas in the drafting and review stages.

Loading is idempotent: an idea that already has a draft is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from drafting.budget.demo import SEED_BUDGET, esf_plus_budget, write_budget
from drafting.check_runs import run_check
from drafting.models import Draft, RevisionSource, SectionRevision, SignOff
from drafting.templates import Template, load_template
from pipeline.demo import SEED_TITLE, read_seed
from pipeline.models import ProjectIdea, Role, User, utcnow
from pipeline.services import log_activity

FILLER = {
    "sammanfattning": "Projektet samlar kommuner, lärcentra och Arbetsförmedlingen kring en "
    "gemensam väg till arbete för deltagare som i dag står långt från arbetsmarknaden.",
    "syfte": "Syftet är att fler deltagare ska nå arbete eller studier genom samordnade insatser.",
    "malgrupp": "Målgruppen är arbetslösa vuxna i de deltagande kommunerna, 60 deltagare.",
    "tidplan": "Analys- och planeringsfas januari–mars 2027, genomförande april 2027–juni 2029 "
    "och avslut hösten 2029.",
    "organisation_kompetens": "Projektet leds av en projektledare på heltid och en styrgrupp "
    "med representanter för de deltagande organisationerna.",
    "samverkan": "Kommunerna, lärcentra och Arbetsförmedlingen samverkar i en gemensam "
    "arbetsgrupp som möts varje månad.",
    "budget": "Den totala budgeten fördelas på personal, externa tjänster och lokaler; "
    "kommunerna medfinansierar med arbetstid.",
    "spridning_implementering": "Resultaten sprids genom regionens nätverk för "
    "kompetensförsörjning och arbetssätten förs in i kommunernas ordinarie verksamhet.",
}

ANALYSIS = (
    "I Lycksele är 62 procent av de långtidsarbetslösa kvinnor, jämfört med 38 procent män, och "
    "kvinnorna har oftare ofrivillig deltid. Vår jämställdhetsanalys med könsuppdelad statistik "
    "visar att kvinnor möter hinder i form av könssegregerade yrkesval. Personer med "
    "funktionsnedsättning möter hinder i lokaler och information; en tillgänglighetsinventering "
    "av lokalerna visade trappor utan ramp. Utrikes födda riskerar indirekt diskriminering vid "
    "rekrytering, och vi har kartlagt risker för diskriminering enligt diskrimineringsgrunderna."
)
GOALS = (
    "Jämställdhetsmål: andelen kvinnor som går till arbete ska öka till 50 procent, mätt med en "
    "indikator uppdelad på kön. Allt material ska finnas i lättläst format och alla lokaler ska "
    "vara tillgänglighetsanpassade."
)
ACTIVITIES = (
    "Vi använder 3R-metoden i planeringen. Personalen går en normkritisk utbildning om "
    "diskriminering och aktiva åtgärder. Vi tar fram material på lättläst svenska, bokar "
    "teckenspråkstolk och budgeterar för hörslinga."
)
FOLLOWUP = (
    "Resultaten följs upp könsuppdelat varje kvartal och utvärderas externt. Vi följer upp hur "
    "deltagare med funktionsnedsättning når arbete och om någon grupp diskrimineras."
)
WEAK = (
    "Projektet kommer att beakta jämställdhet, tillgänglighet och likabehandling. Alla är "
    "välkomna och anpassningar görs vid behov."
)
HP_SUMMARY = (
    "Principerna finns i analysen, målen, aktiviteterna och uppföljningen; se respektive avsnitt."
)


def complete_sections(template_key: str = "esf_plus") -> dict[str, str]:
    """An ESF+ draft with every section filled and the three principles concrete or better."""
    texts = {s.key: FILLER.get(s.key, HP_SUMMARY) for s in load_template(template_key).sections}
    texts.update(
        bakgrund_problemanalys=ANALYSIS,
        mal_resultat=GOALS,
        aktiviteter_metod=ACTIVITIES,
        uppfoljning_utvardering=FOLLOWUP,
        hp_jamstalldhet="Se jämställdhetsanalysen, jämställdhetsmålen och 3R-metoden ovan.",
        hp_tillganglighet="Se tillgänglighetsinventeringen, lättläst material och tolk ovan.",
        hp_likabehandling="Se kartläggningen av risker och den normkritiska utbildningen ovan.",
    )
    return texts


def weak_sections(template_key: str = "esf_plus") -> dict[str, str]:
    """An ESF+ draft with every section filled but the principles only declared."""
    texts = {s.key: FILLER.get(s.key, WEAK) for s in load_template(template_key).sections}
    texts.update(
        bakgrund_problemanalys="Många i kommunen står långt från arbetsmarknaden. " + WEAK,
        mal_resultat="Fler ska komma i arbete.",
        aktiviteter_metod="Vägledning, praktik och studiebesök.",
        uppfoljning_utvardering="Projektet följs upp av styrgruppen.",
    )
    return texts


def partial_sections() -> dict[str, str]:
    """An ESF+ draft that has only just been started."""
    return {
        "sammanfattning": FILLER["sammanfattning"],
        "bakgrund_problemanalys": "Ungdomsarbetslösheten i kommunerna är hög. " + WEAK,
    }


@dataclass(frozen=True)
class DemoDraft:
    """Which demo idea gets which draft."""

    title: str
    versions: tuple[str, ...]  # the texts written one after another: "weak", "complete", ...
    signed_off: bool = False


DEMO_DRAFTS = (
    DemoDraft("Omsorgslyftet Lycksele – från vårdbiträde till undersköterska", ("complete",)),
    DemoDraft(
        "Året runt i fjällen – kompetens och helårsanställningar i besöksnäringen", ("weak",)
    ),
    DemoDraft(
        "Språk i arbete – arbetsplatsförlagd SFI för utrikes födda kvinnor i Umeå",
        ("weak", "complete"),
    ),
    DemoDraft("Nästa steg – unga i Åsele och Dorotea på väg mot arbete", ("partial",)),
    DemoDraft("Steget vidare – långtidsarbetslösa i Skellefteå tillbaka till arbete", ("weak",)),
    DemoDraft("Jobbspår Nordmaling – från försörjningsstöd till anställning", ("complete",), True),
)


def _texts(kind: str, template_key: str) -> dict[str, str]:
    if kind == "complete":
        return complete_sections(template_key)
    if kind == "weak":
        return weak_sections(template_key)
    return partial_sections()


def _author(session: Session, idea: ProjectIdea) -> User | None:
    return (
        session.scalars(
            select(User)
            .where(User.organisation_id == idea.lead_organisation_id, User.role == Role.ACTOR)
            .order_by(User.id)
        ).first()
        or session.scalars(select(User).where(User.role == Role.SUPPORT)).first()
    )


def write_sections(
    session: Session,
    draft: Draft,
    texts: dict[str, str],
    author: User | None,
    source: RevisionSource = RevisionSource.IMPORT,
) -> int:
    """Write texts as revisions without the editor's checks (demo and import); returns count."""
    template = load_template(draft.template_key)
    written = 0
    current: dict[str, SectionRevision] = {}
    for rev in session.scalars(
        select(SectionRevision)
        .where(SectionRevision.draft_id == draft.id)
        .order_by(SectionRevision.number)
    ):
        current[rev.section_key] = rev
    for key in template.keys:
        text = (texts.get(key) or "").strip()
        section = template.section(key)
        if not text or section is None:
            continue
        text = text[: section.max_chars]
        before = current.get(key)
        if before is not None and before.text == text:
            continue
        draft.revision_count += 1
        session.add(
            SectionRevision(
                draft=draft,
                section_key=key,
                number=draft.revision_count,
                text=text,
                author=author,
                base_revision_id=before.id if before is not None else None,
                source=source,
                created_at=utcnow(),
            )
        )
        session.flush()
        written += 1
    return written


def seed_sections(template: Template) -> dict[str, str]:
    """The FRAMSYN ESF project description, keyed by the template's sections."""
    seed = read_seed()
    texts: dict[str, str] = {}
    for heading, text in seed.sections.items():
        for section in template.sections:
            names = {section.title_sv.lower(), *(a.lower() for a in section.aliases)}
            if heading.lower() in names:
                texts[section.key] = text
                break
    return texts


def _new_draft(session: Session, idea: ProjectIdea, template_key: str) -> Draft | None:
    if session.scalars(select(Draft.id).where(Draft.idea_id == idea.id)).first() is not None:
        return None
    draft = Draft(idea=idea, template_key=template_key, revision_count=0)
    session.add(draft)
    session.flush()
    return draft


def load_demo_drafts(session: Session) -> int:
    """Give the seed project and some demo ideas their drafts (flushes, never commits)."""
    added = 0
    seed_idea = session.scalars(select(ProjectIdea).where(ProjectIdea.title == SEED_TITLE)).first()
    if seed_idea is not None:
        draft = _new_draft(session, seed_idea, "esf_2007")
        if draft is not None:
            texts = seed_sections(load_template("esf_2007"))
            write_sections(session, draft, texts, _author(session, seed_idea))
            write_budget(session, draft, SEED_BUDGET, _author(session, seed_idea))
            run_check(session, draft)
            log_activity(session, None, "demo.load", draft, idea=seed_idea)
            added += 1
    support = session.scalars(select(User).where(User.role == Role.SUPPORT)).first()
    for spec in DEMO_DRAFTS:
        idea = session.scalars(select(ProjectIdea).where(ProjectIdea.title == spec.title)).first()
        if idea is None:
            continue
        key = idea.call.template_key if idea.call is not None else "esf_plus"
        draft = _new_draft(session, idea, key)
        if draft is None:
            continue
        author = _author(session, idea)
        for kind in spec.versions:
            write_sections(session, draft, _texts(kind, key), author, RevisionSource.EDITOR)
            run_check(session, draft)
        if key == "esf_plus" and spec.versions[-1] == "complete":
            write_budget(session, draft, esf_plus_budget(idea), author)
            run_check(session, draft)
        if spec.signed_off and support is not None:
            session.add(
                SignOff(draft_id=draft.id, user=support, revision_number=draft.revision_count)
            )
        log_activity(session, None, "demo.load", draft, idea=idea)
        added += 1
    session.flush()
    return added
