"""Result types of the checker: levels, findings, per-principle results and checklists."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

_LABELS = {
    "absent": ("Saknas", "Absent"),
    "mentioned": ("Nämns", "Mentioned"),
    "concrete": ("Konkret", "Concrete"),
    "integrated": ("Integrerad", "Integrated"),
}
_ORDER = ("absent", "mentioned", "concrete", "integrated")


class Level(str, Enum):  # noqa: UP042 - a plain str mix-in, as the public API states
    """How well a principle is covered, ordered from ABSENT to INTEGRATED."""

    ABSENT = "absent"
    MENTIONED = "mentioned"
    CONCRETE = "concrete"
    INTEGRATED = "integrated"

    @property
    def rank(self) -> int:
        """Position in the order absent < mentioned < concrete < integrated."""
        return _ORDER.index(self.value)

    def label(self, locale: str = "sv") -> str:
        """Return the label shown to users ("Saknas", "Nämns", "Konkret", "Integrerad")."""
        sv, en = _LABELS[self.value]
        return en if locale.startswith("en") else sv

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Finding:
    """One remark on the draft; offsets are character positions in the section's text."""

    rule_id: str
    principle: str | None
    severity: str
    message_sv: str
    message_en: str
    section: str | None = None
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    source_url: str | None = None

    def message(self, locale: str = "sv") -> str:
        """Return the message in ``locale``."""
        return self.message_en if locale.startswith("en") else self.message_sv


@dataclass(frozen=True)
class Evidence:
    """A sentence in a section that supports a judgement."""

    section: str
    sentence: str


@dataclass(frozen=True)
class EvidenceItem:
    """A sentence that a level rests on: where it is, what it does and the rules behind it."""

    section: str
    start: int
    end: int
    sentence: str
    function: str
    rule_id: str
    rule_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistItem:
    """An assessor's question with the automatic answer and an optional human override."""

    key: str
    question_sv: str
    question_en: str
    auto_status: str
    status: str
    evidence: tuple[Evidence, ...] = ()
    overridden: bool = False
    override_reason: str = ""

    def question(self, locale: str = "sv") -> str:
        """Return the question in ``locale``."""
        return self.question_en if locale.startswith("en") else self.question_sv


@dataclass
class PrincipleResult:
    """Coverage of one principle: level, where it appears, cues found and checklist."""

    principle: str
    level: Level
    sections: list[str] = field(default_factory=list)
    cues: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    chain: dict[str, bool] = field(default_factory=dict)
    checklist: list[ChecklistItem] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)

    def kinds(self) -> set[str]:
        """Return every cue kind found in any section."""
        return {kind for by_kind in self.cues.values() for kind in by_kind}


def _item_from_dict(data: dict[str, Any]) -> ChecklistItem:
    """Rebuild a ChecklistItem from its dict form."""
    evidence = tuple(Evidence(**e) for e in data.get("evidence", ()))
    return ChecklistItem(**{**data, "evidence": evidence})


@dataclass
class CheckResult:
    """Everything the checker found in one draft."""

    levels: dict[str, Level]
    principles: dict[str, PrincipleResult]
    findings: list[Finding]
    readability: dict[str, float]
    template: str = ""

    def summary(self) -> dict[str, str]:
        """Return {principle: level value}."""
        return {key: level.value for key, level in self.levels.items()}

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "template": self.template,
            "levels": self.summary(),
            "principles": {
                key: {**asdict(result), "level": result.level.value}
                for key, result in self.principles.items()
            },
            "findings": [asdict(f) for f in self.findings],
            "readability": dict(self.readability),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        """Rebuild a CheckResult from :meth:`to_dict` output."""
        principles = {
            key: PrincipleResult(
                principle=raw["principle"],
                level=Level(raw["level"]),
                sections=list(raw.get("sections", [])),
                cues={
                    s: {k: list(v) for k, v in kinds.items()} for s, kinds in raw["cues"].items()
                },
                chain=dict(raw.get("chain", {})),
                checklist=[_item_from_dict(item) for item in raw.get("checklist", [])],
                evidence=[EvidenceItem(**item) for item in raw.get("evidence", [])],
            )
            for key, raw in data.get("principles", {}).items()
        }
        return cls(
            levels={key: Level(value) for key, value in data.get("levels", {}).items()},
            principles=principles,
            findings=[Finding(**f) for f in data.get("findings", [])],
            readability={k: float(v) for k, v in data.get("readability", {}).items()},
            template=data.get("template", ""),
        )
