"""Application templates: ordered sections with guidance, stored as TOML data files."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from drafting.errors import TemplateError

DEFAULT_TEMPLATE = "esf_plus"
ROLES = frozenset(
    {
        "analysis",
        "goals",
        "target_group",
        "activities",
        "organisation",
        "budget",
        "followup",
        "other",
    }
)
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION_REQUIRED: dict[str, type] = {
    "key": str,
    "title_sv": str,
    "title_en": str,
    "guidance_sv": str,
    "guidance_en": str,
    "mandatory": bool,
    "max_chars": int,
    "role": str,
}


@dataclass(frozen=True)
class Section:
    """One section of an application template."""

    key: str
    title_sv: str
    title_en: str
    guidance_sv: str
    guidance_en: str
    mandatory: bool
    max_chars: int
    role: str
    parent: str | None = None
    principle: str | None = None
    organisation_list: bool = False
    aliases: tuple[str, ...] = ()

    def title(self, locale: str = "sv") -> str:
        """Return the section title in ``locale`` ("sv" or "en")."""
        return self.title_en if locale.startswith("en") else self.title_sv

    def guidance(self, locale: str = "sv") -> str:
        """Return the guidance text in ``locale`` ("sv" or "en")."""
        return self.guidance_en if locale.startswith("en") else self.guidance_sv


@dataclass(frozen=True)
class Template:
    """An application template: metadata and its ordered sections."""

    key: str
    name_sv: str
    name_en: str
    period: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def name(self, locale: str = "sv") -> str:
        """Return the template name in ``locale``."""
        return self.name_en if locale.startswith("en") else self.name_sv

    def section(self, key: str) -> Section | None:
        """Return the section with ``key``, or None."""
        return next((s for s in self.sections if s.key == key), None)

    @property
    def keys(self) -> tuple[str, ...]:
        """Section keys in template order."""
        return tuple(s.key for s in self.sections)

    def children(self, key: str) -> tuple[Section, ...]:
        """Return the subsections of the section ``key``."""
        return tuple(s for s in self.sections if s.parent == key)


def _check_type(where: str, name: str, value: Any, expected: type) -> None:
    """Raise TemplateError unless ``value`` has the expected type (bool is not int)."""
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise TemplateError(f"{where}: '{name}' must be {expected.__name__}, got {value!r}")


def _parse_section(where: str, raw: Any) -> Section:
    """Validate one raw section table and build a Section."""
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: a section must be a table, got {raw!r}")
    for name, expected in _SECTION_REQUIRED.items():
        if name not in raw:
            raise TemplateError(f"{where}: section is missing '{name}'")
        _check_type(where, name, raw[name], expected)
    key = raw["key"]
    where = f"{where} section '{key}'"
    if not _KEY.match(key):
        raise TemplateError(f"{where}: key must be ascii snake_case")
    if raw["role"] not in ROLES:
        raise TemplateError(f"{where}: unknown role {raw['role']!r} (known: {sorted(ROLES)})")
    if raw["max_chars"] <= 0:
        raise TemplateError(f"{where}: max_chars must be positive")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise TemplateError(f"{where}: aliases must be a list of strings")
    for name in ("parent", "principle"):
        if name in raw:
            _check_type(where, name, raw[name], str)
    if "organisation_list" in raw:
        _check_type(where, "organisation_list", raw["organisation_list"], bool)
    unknown = (
        set(raw)
        - set(_SECTION_REQUIRED)
        - {
            "aliases",
            "parent",
            "principle",
            "organisation_list",
        }
    )
    if unknown:
        raise TemplateError(f"{where}: unknown fields {sorted(unknown)}")
    return Section(
        key=key,
        title_sv=raw["title_sv"],
        title_en=raw["title_en"],
        guidance_sv=raw["guidance_sv"],
        guidance_en=raw["guidance_en"],
        mandatory=raw["mandatory"],
        max_chars=raw["max_chars"],
        role=raw["role"],
        parent=raw.get("parent"),
        principle=raw.get("principle"),
        organisation_list=raw.get("organisation_list", False),
        aliases=tuple(aliases),
    )


def parse_template(data: dict[str, Any], where: str = "template") -> Template:
    """Validate the parsed TOML of a template and build a Template."""
    for name in ("key", "name_sv", "name_en", "period"):
        if name not in data:
            raise TemplateError(f"{where}: missing '{name}'")
        _check_type(where, name, data[name], str)
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise TemplateError(f"{where}: needs a non-empty [[sections]] list")
    sections = tuple(_parse_section(where, raw) for raw in raw_sections)
    keys = [s.key for s in sections]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise TemplateError(f"{where}: duplicate section keys {duplicates}")
    for section in sections:
        if section.parent is not None and section.parent not in keys:
            raise TemplateError(
                f"{where}: section '{section.key}' has unknown parent '{section.parent}'"
            )
    return Template(data["key"], data["name_sv"], data["name_en"], data["period"], sections)


def available_templates() -> tuple[str, ...]:
    """Return the keys of the templates shipped with the package."""
    folder = resources.files("drafting") / "templates"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml")))


@functools.cache
def load_template(key: str) -> Template:
    """Load and validate the template ``key``; raise TemplateError if unknown or malformed."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise TemplateError(f"invalid template key {key!r}")
    path = resources.files("drafting") / "templates" / f"{key}.toml"
    if not path.is_file():
        raise TemplateError(f"unknown template {key!r} (available: {available_templates()})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template {key!r}: malformed TOML: {exc}") from exc
    template = parse_template(data, where=f"template {key!r}")
    if template.key != key:
        raise TemplateError(f"template {key!r}: file declares key {template.key!r}")
    return template
