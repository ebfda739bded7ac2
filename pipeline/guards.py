"""The foundation's guards; the transition table in `stages` names them."""

from __future__ import annotations

from pipeline.i18n import Text, _t
from pipeline.models import ProjectIdea, User
from pipeline.stages import Transition, guard


@guard("has_lead_organisation")
def has_lead_organisation(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """The idea names the organisation that will own the project."""
    if idea.lead_organisation_id is None:
        return _t("Ange vilken organisation som är projektägare.")
    return None


@guard("has_municipality")
def has_municipality(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """The idea names at least one kommun."""
    if not idea.municipalities:
        return _t("Ange minst en kommun som idén gäller.")
    return None


@guard("has_submission_date")
def has_submission_date(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """The date the application was sent to the ESF Council is recorded."""
    if idea.submitted_on is None:
        return _t("Ange datum då ansökan skickades in till Svenska ESF-rådet.")
    return None


@guard("has_esf_diarienummer")
def has_esf_diarienummer(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """The ESF Council's case number is recorded."""
    if not (idea.esf_diarienummer or "").strip():
        return _t("Ange ansökans diarienummer hos Svenska ESF-rådet.")
    return None


@guard("has_granted_amount")
def has_granted_amount(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """The granted ESF amount is recorded."""
    if idea.esf_granted is None:
        return _t("Ange beviljat ESF-stöd i kronor.")
    return None


@guard("returns_to_parked_from")
def returns_to_parked_from(idea: ProjectIdea, actor: User, move: Transition) -> Text | None:
    """A parked idea resumes in the stage it left."""
    if idea.parked_from is not None and move.target != idea.parked_from:
        return _t("En vilande idé återupptas i det skede den lämnade: {stage}.").format(
            stage=idea.parked_from.label
        )
    return None
