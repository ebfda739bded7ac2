"""The stages of a project idea, the one transition table and the guard registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from pipeline.i18n import Text, _t, _tp, render

if TYPE_CHECKING:
    from pipeline.models import ProjectIdea, User


class Stage(StrEnum):
    """Where an idea is on its way from first idea to a closed ESF project."""

    IDEA = "idea"
    PRESTUDY = "prestudy"
    DRAFTING = "drafting"
    REVIEW = "review"
    CHANGES_REQUESTED = "changes_requested"
    READY = "ready"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    REJECTED = "rejected"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"
    PARKED = "parked"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> Text:
        """The stage's name in Swedish and English."""
        return STAGE_LABELS[self]

    def label_for(self, locale: str | None) -> str:
        """The stage's name in `locale`."""
        return render(STAGE_LABELS[self], locale)

    @property
    def is_final(self) -> bool:
        """True when nothing more happens to an idea in this stage."""
        return self in FINAL_STAGES


STAGE_LABELS: dict[Stage, Text] = {
    Stage.IDEA: _t("Idé"),
    Stage.PRESTUDY: _t("Förstudie"),
    Stage.DRAFTING: _t("Ansökan skrivs"),
    Stage.REVIEW: _t("Granskning"),
    Stage.CHANGES_REQUESTED: _t("Komplettering"),
    Stage.READY: _t("Klar att skicka in"),
    Stage.SUBMITTED: _t("Inskickad"),
    Stage.GRANTED: _t("Beviljad"),
    Stage.REJECTED: _t("Avslag"),
    Stage.IMPLEMENTATION: _t("Genomförande"),
    Stage.CLOSED: _t("Avslutad"),
    Stage.PARKED: _t("Vilande"),
    Stage.WITHDRAWN: _t("Avbruten"),
}

# The board shows stages in this order.
BOARD_ORDER: tuple[Stage, ...] = tuple(Stage)

# Stages in which an idea is still being prepared; these can be parked.
OPEN_STAGES = frozenset(
    {
        Stage.IDEA,
        Stage.PRESTUDY,
        Stage.DRAFTING,
        Stage.REVIEW,
        Stage.CHANGES_REQUESTED,
        Stage.READY,
    }
)
FINAL_STAGES = frozenset({Stage.CLOSED, Stage.WITHDRAWN})
# Stages from which a draft application exists (the drafting module's concern).
DRAFT_STAGES = frozenset(
    {
        Stage.DRAFTING,
        Stage.REVIEW,
        Stage.CHANGES_REQUESTED,
        Stage.READY,
        Stage.SUBMITTED,
        Stage.GRANTED,
        Stage.REJECTED,
        Stage.IMPLEMENTATION,
        Stage.CLOSED,
    }
)

ACTOR = "actor"
SUPPORT = "support"
ADMIN = "admin"
ROLES = (ACTOR, SUPPORT, ADMIN)
TEAM = frozenset({SUPPORT, ADMIN})
EVERYONE = frozenset({ACTOR, SUPPORT, ADMIN})


@dataclass(frozen=True)
class Transition:
    """One allowed move, who may make it and the guards that must pass."""

    source: Stage
    target: Stage
    roles: frozenset[str]
    action: Text
    guards: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[Stage, Stage]:
        return (self.source, self.target)


S = Stage
_PARK = _t("Parkera (vilande)")
_RESUME = _t("Återuppta")
_WITHDRAW = _tp("transition", "Avbryt")

_TABLE: list[Transition] = [
    Transition(
        S.IDEA,
        S.PRESTUDY,
        TEAM,
        _t("Starta förstudie"),
        ("has_lead_organisation", "has_municipality"),
    ),
    Transition(
        S.IDEA,
        S.DRAFTING,
        TEAM,
        _t("Börja skriva ansökan"),
        ("has_lead_organisation", "has_municipality"),
    ),
    Transition(
        S.PRESTUDY,
        S.DRAFTING,
        TEAM,
        _t("Börja skriva ansökan"),
        ("has_lead_organisation", "has_municipality"),
    ),
    Transition(S.DRAFTING, S.REVIEW, EVERYONE, _t("Skicka till granskning")),
    Transition(S.REVIEW, S.CHANGES_REQUESTED, TEAM, _t("Begär komplettering")),
    Transition(S.REVIEW, S.DRAFTING, TEAM, _t("Tillbaka till skrivande")),
    Transition(
        S.CHANGES_REQUESTED,
        S.REVIEW,
        EVERYONE,
        _t("Skicka till granskning igen"),
    ),
    Transition(S.REVIEW, S.READY, TEAM, _t("Godkänn: klar att skicka in")),
    Transition(
        S.READY,
        S.SUBMITTED,
        EVERYONE,
        _t("Registrera inskickad ansökan"),
        ("has_submission_date", "has_esf_diarienummer"),
    ),
    Transition(
        S.SUBMITTED,
        S.GRANTED,
        TEAM,
        _t("Registrera beviljande"),
        ("has_granted_amount",),
    ),
    Transition(S.SUBMITTED, S.REJECTED, TEAM, _t("Registrera avslag")),
    Transition(S.REJECTED, S.DRAFTING, TEAM, _t("Skriv om inför ny utlysning")),
    Transition(S.GRANTED, S.IMPLEMENTATION, TEAM, _t("Starta genomförande")),
    Transition(S.IMPLEMENTATION, S.CLOSED, TEAM, _t("Avsluta projektet")),
    *[Transition(s, S.PARKED, EVERYONE, _PARK) for s in S if s in OPEN_STAGES],
    *[
        Transition(S.PARKED, s, EVERYONE, _RESUME, ("returns_to_parked_from",))
        for s in S
        if s in OPEN_STAGES
    ],
    *[
        Transition(s, S.WITHDRAWN, EVERYONE, _WITHDRAW)
        for s in S
        if s in OPEN_STAGES | {S.PARKED, S.SUBMITTED}
    ],
]

TRANSITIONS: dict[tuple[Stage, Stage], Transition] = {t.key: t for t in _TABLE}
assert len(TRANSITIONS) == len(_TABLE), "duplicate transition in the table"


def transition(source: Stage, target: Stage) -> Transition | None:
    """The table entry for a move, or None when the move does not exist."""
    return TRANSITIONS.get((source, target))


def moves_from(source: Stage) -> list[Transition]:
    """Every move out of `source`, in board order of the target."""
    return sorted(
        (t for t in TRANSITIONS.values() if t.source == source),
        key=lambda t: BOARD_ORDER.index(t.target),
    )


# --- Guards -----------------------------------------------------------------------------------

GuardFn = Callable[["ProjectIdea", "User", Transition], "Text | None"]
GUARDS: dict[str, GuardFn] = {}
# The drafting layer's gate on the moves into review and to Klar att skicka in. The pipeline
# names the gates so that a move whose gate was never installed (``drafting.install()``, which
# the app factory and the worker call) fails loudly instead of going ahead unchecked.
_EXTRA_GUARDS: dict[tuple[Stage, Stage], list[str]] = {
    (Stage.DRAFTING, Stage.REVIEW): ["draft_sections_complete"],
    (Stage.CHANGES_REQUESTED, Stage.REVIEW): [
        "draft_sections_complete",
        "draft_changed_or_replied",
    ],
    (Stage.REVIEW, Stage.READY): [
        "draft_principles_concrete",
        "draft_budget_valid",
        "draft_signed_off",
    ],
}


class GuardNotInstalled(RuntimeError):
    """A move names a guard that no layer has registered (a set-up error, not a user's)."""


def guard(name: str, *, on: Iterable[tuple[Stage, Stage]] = ()) -> Callable[[GuardFn], GuardFn]:
    """Register a guard under `name`; `on` also attaches it to those moves.

    A guard is called as ``fn(idea, actor, move)`` and returns None when the move may go
    ahead, or a Text saying what is missing.
    Adding a guard to a move is one decorator: ``@guard("x", on=[(Stage.A, Stage.B)])``.
    """

    def register(fn: GuardFn) -> GuardFn:
        if name in GUARDS and GUARDS[name] is not fn:
            raise ValueError(f"guard {name!r} is registered twice")
        GUARDS[name] = fn
        for key in on:
            if key not in TRANSITIONS:
                raise ValueError(f"guard {name!r} names a move that does not exist: {key}")
            names = _EXTRA_GUARDS.setdefault(key, [])
            if name not in names:
                names.append(name)
        return fn

    return register


def guard_names(move: Transition) -> tuple[str, ...]:
    """The names of all guards on a move: the table's and those attached later."""
    return move.guards + tuple(_EXTRA_GUARDS.get(move.key, ()))


def failed_guards(idea: ProjectIdea, move: Transition, actor: User) -> list[Text]:
    """Run every guard of `move` and return the messages of those that fail."""
    messages = []
    for name in guard_names(move):
        check = GUARDS.get(name)
        if check is None:
            raise GuardNotInstalled(
                f"the guard {name!r} of the move {move.source.value} -> {move.target.value} is "
                "not installed: call drafting.install() before moving ideas"
            )
        message = check(idea, actor, move)
        if message is not None:
            messages.append(message)
    return messages


# --- After a move -----------------------------------------------------------------------------

MoveHook = Callable[["ProjectIdea", "User", Transition], None]
AFTER_MOVE: dict[str, MoveHook] = {}


def after_move(name: str) -> Callable[[MoveHook], MoveHook]:
    """Register `fn(idea, actor, move)` to run in the same transaction after every stage move.

    Other layers use it for what a move implies in their data (a sign-off a move voids).
    """

    def register(fn: MoveHook) -> MoveHook:
        if name in AFTER_MOVE and AFTER_MOVE[name] is not fn:
            raise ValueError(f"move hook {name!r} is registered twice")
        AFTER_MOVE[name] = fn
        return fn

    return register


def run_after_move(idea: ProjectIdea, actor: User, move: Transition) -> None:
    """Call every registered move hook."""
    for fn in AFTER_MOVE.values():
        fn(idea, actor, move)
