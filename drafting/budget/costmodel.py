"""Cost models: a template's cost categories, flat-rate options, phases and kinds of
co-financing, and each call's co-financing requirement, stored as TOML beside the templates
(``drafting/templates/budget/<template>.toml``).

What the sources leave open is data here, never code: a call entry can set its own
requirement and narrow the options.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from drafting.errors import TemplateError
from drafting.templates import available_templates

CATEGORY_KINDS = frozenset({"staff", "direct", "flat"})
BASES = frozenset({"staff", "direct"})
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class CostModelError(TemplateError):
    """A cost model file is unknown or malformed."""


@dataclass(frozen=True)
class Named:
    """Something with a key and a Swedish and English name."""

    key: str
    name_sv: str
    name_en: str

    def name(self, locale: str = "sv") -> str:
        return self.name_en if (locale or "").startswith("en") else self.name_sv


@dataclass(frozen=True)
class Category(Named):
    """A kostnadsslag; `kind` is staff (hours × rate), direct (an amount) or flat (computed)."""

    kind: str = "direct"


@dataclass(frozen=True)
class FlatOption(Named):
    """A simplified cost option: `rate_percent` of the `base` costs, computed into `category`."""

    rate_percent: Decimal = Decimal(0)
    base: str = "staff"
    category: str = ""
    other_direct_costs: bool = True
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phase(Named):
    optional: bool = False
    months_min: int | None = None
    months_max: int | None = None
    participant_allowance: bool = True


@dataclass(frozen=True)
class CofinancingKind(Named):
    cash: bool = True
    owner: bool = False
    participant_allowance: bool = False

    @property
    def in_kind(self) -> bool:
        return not self.cash


@dataclass(frozen=True)
class CallTerms:
    """What one call (or the template's default) requires of a budget."""

    required_percent: Decimal
    options: tuple[str, ...]
    note_sv: str = ""
    note_en: str = ""
    diarienummer: str | None = None

    def note(self, locale: str = "sv") -> str:
        return self.note_en if (locale or "").startswith("en") else self.note_sv


@dataclass(frozen=True)
class ParticipantSpec:
    """Which participant figures the template asks for: non-binary, and the groups (age bands
    and output-indicator categories) counted as parts of the total."""

    non_binary: bool = False
    groups: tuple[Named, ...] = ()

    def group(self, key: str) -> Named | None:
        return next((g for g in self.groups if g.key == key), None)


@dataclass(frozen=True)
class CostModel:
    template: str
    period: str
    confirmed: bool
    hours_per_year: int | None
    categories: tuple[Category, ...]
    options: tuple[FlatOption, ...]
    phases: tuple[Phase, ...]
    cofinancing_kinds: tuple[CofinancingKind, ...]
    default_terms: CallTerms
    calls: dict[str, CallTerms] = field(default_factory=dict)
    participants: ParticipantSpec = field(default_factory=ParticipantSpec)

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)

    def option(self, key: str) -> FlatOption | None:
        return next((o for o in self.options if o.key == key), None)

    def phase(self, key: str) -> Phase | None:
        return next((p for p in self.phases if p.key == key), None)

    def cofinancing_kind(self, key: str) -> CofinancingKind | None:
        return next((k for k in self.cofinancing_kinds if k.key == key), None)

    @property
    def typed_categories(self) -> tuple[Category, ...]:
        """The categories a person types lines into (every kind but flat)."""
        return tuple(c for c in self.categories if c.kind != "flat")

    def terms(self, diarienummer: str | None) -> CallTerms:
        """The terms of the call with `diarienummer`, or the template's default."""
        if diarienummer and diarienummer in self.calls:
            return self.calls[diarienummer]
        return self.default_terms


# --- Parsing ----------------------------------------------------------------------------------


def _str(where: str, raw: dict[str, Any], name: str, default: str | None = None) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise CostModelError(f"{where}: '{name}' must be a non-empty string, got {value!r}")
    return value


def _bool(where: str, raw: dict[str, Any], name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise CostModelError(f"{where}: '{name}' must be true or false, got {value!r}")
    return value


def _int(where: str, raw: dict[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise CostModelError(f"{where}: '{name}' must be a positive integer, got {value!r}")
    return value


def _percent(where: str, raw: dict[str, Any], name: str) -> Decimal:
    """A percentage written as a string ("46", "12.5"), so TOML floats never reach money."""
    value = raw.get(name)
    if not isinstance(value, str):
        raise CostModelError(f"{where}: '{name}' must be a string such as \"46\", got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise CostModelError(f"{where}: '{name}' is not a number: {value!r}") from exc
    if not number.is_finite() or not 0 <= number <= 100:
        raise CostModelError(f"{where}: '{name}' must be between 0 and 100, got {value!r}")
    return number


def _keys(where: str, value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CostModelError(f"{where}: '{name}' must be a list of keys")
    return tuple(value)


def _named(where: str, raw: Any, known: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise CostModelError(f"{where}: an entry must be a table, got {raw!r}")
    key = _str(where, raw, "key")
    if not _KEY.match(key):
        raise CostModelError(f"{where}: key {key!r} must be ascii snake_case")
    unknown = set(raw) - known - {"key", "name_sv", "name_en"}
    if unknown:
        raise CostModelError(f"{where} '{key}': unknown fields {sorted(unknown)}")
    return {
        "key": key,
        "name_sv": _str(f"{where} '{key}'", raw, "name_sv"),
        "name_en": _str(f"{where} '{key}'", raw, "name_en"),
    }


def _list(where: str, data: dict[str, Any], name: str, *, empty: bool = False) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list) or (not value and not empty):
        raise CostModelError(f"{where}: needs a non-empty [[{name}]] list")
    return value


def _unique(where: str, name: str, items: tuple[Named, ...]) -> None:
    keys = [i.key for i in items]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise CostModelError(f"{where}: duplicate {name} keys {duplicates}")


def _terms(where: str, raw: Any, options: set[str], default: tuple[str, ...]) -> CallTerms:
    if not isinstance(raw, dict):
        raise CostModelError(f"{where}: must be a table")
    unknown = set(raw) - {"diarienummer", "required_percent", "options", "note_sv", "note_en"}
    if unknown:
        raise CostModelError(f"{where}: unknown fields {sorted(unknown)}")
    chosen = _keys(where, raw.get("options", list(default)), "options")
    if set(chosen) - options:
        raise CostModelError(f"{where}: unknown options {sorted(set(chosen) - options)}")
    return CallTerms(
        required_percent=_percent(where, raw, "required_percent"),
        options=chosen,
        note_sv=_str(where, raw, "note_sv", ""),
        note_en=_str(where, raw, "note_en", ""),
        diarienummer=raw.get("diarienummer"),
    )


def parse_cost_model(data: dict[str, Any], where: str = "cost model") -> CostModel:
    """Validate the parsed TOML of a cost model and build a CostModel."""
    known = {
        "template",
        "period",
        "confirmed",
        "hours_per_year",
        "default_options",
        "cofinancing",
        "categories",
        "options",
        "phases",
        "cofinancing_kinds",
        "calls",
        "participants",
    }
    if set(data) - known:
        raise CostModelError(f"{where}: unknown fields {sorted(set(data) - known)}")
    categories = tuple(
        Category(
            **_named(f"{where} category", raw, {"kind"}),
            kind=_str(f"{where} category", raw, "kind"),
        )
        for raw in _list(where, data, "categories")
    )
    for category in categories:
        if category.kind not in CATEGORY_KINDS:
            raise CostModelError(f"{where} category '{category.key}': unknown kind")
    options = tuple(_option(where, raw) for raw in _list(where, data, "options", empty=True))
    phases = tuple(_phase(where, raw) for raw in _list(where, data, "phases"))
    kinds = tuple(
        CofinancingKind(
            **_named(f"{where} kind", raw, {"cash", "owner", "participant_allowance"}),
            cash=_bool(where, raw, "cash", True),
            owner=_bool(where, raw, "owner", False),
            participant_allowance=_bool(where, raw, "participant_allowance", False),
        )
        for raw in _list(where, data, "cofinancing_kinds")
    )
    for name, items in (
        ("category", categories),
        ("option", options),
        ("phase", phases),
        ("kind", kinds),
    ):
        _unique(where, name, items)
    _check_references(where, categories, options, kinds)
    option_keys = {o.key for o in options}
    defaults = _keys(where, data.get("default_options", []), "default_options")
    default_terms = _terms(f"{where} [cofinancing]", data.get("cofinancing"), option_keys, defaults)
    calls: dict[str, CallTerms] = {}
    for raw in _list(where, data, "calls", empty=True):
        terms = _terms(f"{where} call", raw, option_keys, defaults)
        if not terms.diarienummer or terms.diarienummer in calls:
            raise CostModelError(f"{where}: each call needs its own 'diarienummer'")
        calls[terms.diarienummer] = terms
    return CostModel(
        template=_str(where, data, "template"),
        period=_str(where, data, "period"),
        confirmed=_bool(where, data, "confirmed", False),
        hours_per_year=_int(where, data, "hours_per_year"),
        categories=categories,
        options=options,
        phases=phases,
        cofinancing_kinds=kinds,
        default_terms=default_terms,
        calls=calls,
        participants=_participants(where, data.get("participants", {})),
    )


def _participants(where: str, raw: Any) -> ParticipantSpec:
    where = f"{where} [participants]"
    if not isinstance(raw, dict) or set(raw) - {"non_binary", "groups"}:
        raise CostModelError(f"{where}: must be a table with 'non_binary' and 'groups'")
    groups = tuple(
        Named(**_named(f"{where} group", g, set())) for g in _list(where, raw, "groups", empty=True)
    )
    _unique(where, "group", groups)
    return ParticipantSpec(_bool(where, raw, "non_binary", False), groups)


def _option(where: str, raw: Any) -> FlatOption:
    fields = {"rate_percent", "base", "category", "other_direct_costs", "excludes"}
    named = _named(f"{where} option", raw, fields)
    here = f"{where} option '{named['key']}'"
    base = _str(here, raw, "base")
    if base not in BASES:
        raise CostModelError(f"{here}: base must be one of {sorted(BASES)}")
    return FlatOption(
        **named,
        rate_percent=_percent(here, raw, "rate_percent"),
        base=base,
        category=_str(here, raw, "category"),
        other_direct_costs=_bool(here, raw, "other_direct_costs", True),
        excludes=_keys(here, raw.get("excludes", []), "excludes"),
    )


def _phase(where: str, raw: Any) -> Phase:
    fields = {"optional", "months_min", "months_max", "participant_allowance"}
    named = _named(f"{where} phase", raw, fields)
    here = f"{where} phase '{named['key']}'"
    low, high = _int(here, raw, "months_min"), _int(here, raw, "months_max")
    if low is not None and high is not None and low > high:
        raise CostModelError(f"{here}: months_min is above months_max")
    return Phase(
        **named,
        optional=_bool(here, raw, "optional", False),
        months_min=low,
        months_max=high,
        participant_allowance=_bool(here, raw, "participant_allowance", True),
    )


def _check_references(
    where: str,
    categories: tuple[Category, ...],
    options: tuple[FlatOption, ...],
    kinds: tuple[CofinancingKind, ...],
) -> None:
    flat = {c.key for c in categories if c.kind == "flat"}
    if sum(1 for c in categories if c.kind == "staff") != 1:
        raise CostModelError(f"{where}: needs exactly one category of kind 'staff'")
    keys = {o.key for o in options}
    for option in options:
        if option.category not in flat:
            raise CostModelError(f"{where} option '{option.key}': category must be a flat category")
        if set(option.excludes) - keys:
            raise CostModelError(f"{where} option '{option.key}': excludes unknown options")
    used = {o.category for o in options}
    if flat - used:
        raise CostModelError(f"{where}: flat categories {sorted(flat - used)} have no option")
    if sum(1 for k in kinds if k.owner) != 1:
        raise CostModelError(f"{where}: exactly one co-financing kind is the owner's ('owner')")
    if any(k.owner and not k.cash for k in kinds):
        raise CostModelError(f"{where}: the project owner's kind must be cash")


def cost_model_keys() -> tuple[str, ...]:
    """The templates that have a cost model file."""
    folder = resources.files("drafting") / "templates" / "budget"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


@functools.cache
def load_cost_model(template_key: str) -> CostModel:
    """The cost model of the template `template_key`; CostModelError if missing or malformed."""
    if not isinstance(template_key, str) or not _KEY.match(template_key):
        raise CostModelError(f"invalid template key {template_key!r}")
    path = resources.files("drafting") / "templates" / "budget" / f"{template_key}.toml"
    if not path.is_file():
        raise CostModelError(f"template {template_key!r} has no cost model")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CostModelError(f"cost model {template_key!r}: malformed TOML: {exc}") from exc
    model = parse_cost_model(data, where=f"cost model {template_key!r}")
    if model.template != template_key:
        raise CostModelError(f"cost model {template_key!r}: file declares {model.template!r}")
    if template_key not in available_templates():
        raise CostModelError(f"cost model {template_key!r}: no such application template")
    return model
