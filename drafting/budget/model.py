"""A draft's budget as data: cost lines per phase and category, co-financing lines, the
flat rates and the ESF support computed from them.

Money is whole öre (int) everywhere and hours are Decimals; no float ever touches an amount.
A budget is stored as JSON (``Budget.to_dict``) and read back with ``Budget.from_dict``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from drafting.budget.costmodel import CostModel

TAGS = ("jamstalldhet", "tillganglighet", "likabehandling")
MAX_ORE = 10**13  # 100 000 000 000 kr: well above any ESF project, well inside BIGINT
MAX_HOURS = Decimal(1_000_000)
SCHEMA_VERSION = 1
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"^\d{1,15}(\.\d{1,2})?$")


class BudgetDataError(ValueError):
    """Stored or imported budget data does not have the budget's shape."""


def ore(value: Decimal) -> int:
    """Round a kronor-and-öre Decimal amount *in öre* to a whole öre, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(text: str | None) -> int | None:
    """Swedish or plain amounts in kronor ("12 345,50", "12345.5", "12 345 kr") to öre.

    None for an empty field; ValueError for anything that is not a non-negative amount.
    """
    cleaned = _SPACES.sub("", (text or "")).removesuffix("kr").removesuffix("SEK")
    if not cleaned:
        return None
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    try:
        kronor = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not kronor.is_finite() or kronor < 0 or kronor.as_tuple().exponent < -2:
        raise ValueError(text)
    amount = ore(kronor * 100)
    if amount > MAX_ORE:
        raise ValueError(text)
    return amount


def parse_hours(text: str | None) -> Decimal | None:
    """Hours ("120", "37,5") as a Decimal with at most two decimals; None when empty."""
    cleaned = _SPACES.sub("", text or "").replace(",", ".")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    try:
        hours = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not hours.is_finite() or hours < 0 or hours > MAX_HOURS or hours.as_tuple().exponent < -2:
        raise ValueError(text)
    return hours.quantize(Decimal("0.01"))


def format_money(amount: int | None, *, decimals: bool = False) -> str:
    """Öre as Swedish kronor: 65209100 -> "652 091" (with ",00" when `decimals`)."""
    if amount is None:
        return ""
    sign = "−" if amount < 0 else ""
    kronor, rest = divmod(abs(amount), 100)
    text = f"{kronor:,}".replace(",", "\u00a0")
    if decimals or rest:
        text += f",{rest:02d}"
    return sign + text


def format_hours(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    text = f"{hours.normalize():f}"
    return text.replace(".", ",")


def format_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",") + " %"


@dataclass(frozen=True)
class CostLine:
    """One cost. A staff line is hours × hourly rate; the rate may come from an annual cost."""

    phase: str
    category: str
    description: str = ""
    amount: int | None = None  # öre; typed for direct lines, computed for staff lines
    hours: Decimal | None = None
    hourly_rate: int | None = None  # öre per hour
    annual_cost: int | None = None  # öre per year (ESF+: the rate is this ÷ 1 720)
    tags: tuple[str, ...] = ()

    def rate(self, model: CostModel) -> int | None:
        """The hourly rate: typed, or the annual gross cost ÷ the model's hours per year."""
        if self.annual_cost is not None and model.hours_per_year:
            return ore(Decimal(self.annual_cost) / model.hours_per_year)
        return self.hourly_rate

    def total(self, model: CostModel) -> int:
        category = model.category(self.category)
        if category is not None and category.kind == "staff":
            rate = self.rate(model)
            if self.hours is not None and rate is not None:
                return ore(self.hours * rate)
        return self.amount or 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "category": self.category,
            "description": self.description,
            "amount": self.amount,
            "hours": None if self.hours is None else str(self.hours),
            "hourly_rate": self.hourly_rate,
            "annual_cost": self.annual_cost,
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class CofinancingLine:
    """One co-financing contribution: its kind, who gives it, the phase and the amount."""

    phase: str
    kind: str
    financier: str = ""
    amount: int | None = None
    owner: bool = False  # given by the project owner itself

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "kind": self.kind,
            "financier": self.financier,
            "amount": self.amount,
            "owner": self.owner,
        }


@dataclass(frozen=True)
class Participants:
    """Planned participants: by sex (non-binary where the template asks) and per group."""

    women: int | None = None
    men: int | None = None
    non_binary: int | None = None
    total: int | None = None
    groups: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return (
            all(v is None for v in (self.women, self.men, self.non_binary, self.total))
            and not self.groups
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "women": self.women,
            "men": self.men,
            "non_binary": self.non_binary,
            "total": self.total,
            "groups": dict(self.groups),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Participants:
        def count(value: Any) -> int | None:
            return None if value is None else _count(value)

        return cls(
            women=count(raw.get("women")),
            men=count(raw.get("men")),
            non_binary=count(raw.get("non_binary")),
            total=count(raw.get("total")),
            groups={_str(k): _count(v) for k, v in raw.get("groups", {}).items()},
        )


@dataclass(frozen=True)
class Budget:
    options: tuple[str, ...] = ()
    months: dict[str, int] = field(default_factory=dict)  # phase key -> months
    costs: tuple[CostLine, ...] = ()
    cofinancing: tuple[CofinancingLine, ...] = ()
    participants: Participants = field(default_factory=Participants)

    @property
    def is_empty(self) -> bool:
        return not self.costs and not self.cofinancing and self.participants.is_empty

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "options": list(self.options),
            "months": dict(self.months),
            "costs": [c.to_dict() for c in self.costs],
            "cofinancing": [c.to_dict() for c in self.cofinancing],
            "participants": self.participants.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Budget:
        """Read stored JSON back; BudgetDataError if it does not have the budget's shape."""
        if not isinstance(data, dict) or data.get("version") != SCHEMA_VERSION:
            raise BudgetDataError("not a budget of a known version")
        try:
            return cls(
                options=tuple(_str(o) for o in data.get("options", [])),
                months={_str(k): _count(v) for k, v in data.get("months", {}).items()},
                costs=tuple(_cost(raw) for raw in data.get("costs", [])),
                cofinancing=tuple(_cofin(raw) for raw in data.get("cofinancing", [])),
                participants=Participants.from_dict(data.get("participants") or {}),
            )
        except (KeyError, TypeError, AttributeError, ValueError, InvalidOperation) as exc:
            raise BudgetDataError(str(exc)) from exc


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number, got {value!r}")
    return value


def _money(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ORE:
        raise ValueError(f"expected an amount in öre, got {value!r}")
    return value


def _cost(raw: dict[str, Any]) -> CostLine:
    hours = raw.get("hours")
    tags = tuple(_str(t) for t in raw.get("tags", []))
    if set(tags) - set(TAGS):
        raise ValueError(f"unknown tags {sorted(set(tags) - set(TAGS))}")
    return CostLine(
        phase=_str(raw["phase"]),
        category=_str(raw["category"]),
        description=_str(raw.get("description", "")),
        amount=_money(raw.get("amount")),
        hours=None if hours is None else parse_hours(_str(hours)),
        hourly_rate=_money(raw.get("hourly_rate")),
        annual_cost=_money(raw.get("annual_cost")),
        tags=tags,
    )


def _cofin(raw: dict[str, Any]) -> CofinancingLine:
    owner = raw.get("owner", False)
    if not isinstance(owner, bool):
        raise TypeError("owner must be true or false")
    return CofinancingLine(
        phase=_str(raw["phase"]),
        kind=_str(raw["kind"]),
        financier=_str(raw.get("financier", "")),
        amount=_money(raw.get("amount")),
        owner=owner,
    )


# --- Totals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseTotals:
    phase: str
    by_category: dict[str, int]  # typed and computed categories, in öre
    staff: int
    direct: int  # direct costs other than staff
    flat: int
    in_kind: int  # contributions in kind (they are costs of the project as well)
    cofinancing: int

    @property
    def costs(self) -> int:
        return self.staff + self.direct + self.flat + self.in_kind


@dataclass(frozen=True)
class Totals:
    phases: tuple[PhaseTotals, ...]
    by_category: dict[str, int]
    by_kind: dict[str, int]
    total: int
    cofinancing: int
    esf_support: int

    @property
    def esf_share(self) -> Decimal | None:
        """The ESF support as a percentage of the total, or None for an empty budget."""
        if self.total <= 0:
            return None
        return Decimal(self.esf_support) * 100 / Decimal(self.total)

    @property
    def cofinancing_share(self) -> Decimal | None:
        if self.total <= 0:
            return None
        return Decimal(self.cofinancing) * 100 / Decimal(self.total)

    def phase(self, key: str) -> PhaseTotals | None:
        return next((p for p in self.phases if p.phase == key), None)


def flat_amount(rate_percent: Decimal, base: int) -> int:
    """A flat rate of `base` öre, rounded half up to whole öre (computed, never typed)."""
    return ore(Decimal(base) * rate_percent / 100)


def used_phases(budget: Budget, model: CostModel) -> list[str]:
    """The model's phases that the budget uses, in the model's order, unknown ones last."""
    seen = {c.phase for c in budget.costs} | {c.phase for c in budget.cofinancing}
    seen |= {k for k, v in budget.months.items() if v}
    known = [p.key for p in model.phases if p.key in seen]
    return known + sorted(seen - set(known))


def compute(budget: Budget, model: CostModel) -> Totals:
    """Every total of the budget: per phase and category, flat rates, co-financing, ESF."""
    phases = []
    for key in used_phases(budget, model):
        by_category: dict[str, int] = {}
        staff = direct = 0
        for line in (c for c in budget.costs if c.phase == key):
            amount = line.total(model)
            by_category[line.category] = by_category.get(line.category, 0) + amount
            category = model.category(line.category)
            if category is not None and category.kind == "staff":
                staff += amount
            else:
                direct += amount
        flat = 0
        for option_key in budget.options:
            option = model.option(option_key)
            if option is None:
                continue
            base = staff if option.base == "staff" else staff + direct
            amount = flat_amount(option.rate_percent, base)
            by_category[option.category] = by_category.get(option.category, 0) + amount
            flat += amount
        lines = [c for c in budget.cofinancing if c.phase == key]
        in_kind = sum(c.amount or 0 for c in lines if _in_kind(model, c.kind))
        phases.append(
            PhaseTotals(
                key,
                by_category,
                staff,
                direct,
                flat,
                in_kind,
                sum(c.amount or 0 for c in lines),
            )
        )
    by_category: dict[str, int] = {}
    for phase in phases:
        for category, amount in phase.by_category.items():
            by_category[category] = by_category.get(category, 0) + amount
    by_kind: dict[str, int] = {}
    for line in budget.cofinancing:
        by_kind[line.kind] = by_kind.get(line.kind, 0) + (line.amount or 0)
    total = sum(p.costs for p in phases)
    cofinancing = sum(by_kind.values())
    return Totals(tuple(phases), by_category, by_kind, total, cofinancing, total - cofinancing)


def _in_kind(model: CostModel, kind_key: str) -> bool:
    kind = model.cofinancing_kind(kind_key)
    return kind is not None and kind.in_kind
