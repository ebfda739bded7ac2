"""Principle rules loaded from TOML: terms, cues, weak phrases, checklists and messages."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.lang.sv.stop_words import STOP_WORDS

from drafting.errors import RulesError

# core/name: the principle's words; method: a method or concept name (about the principle,
# never concrete alone); count / target_group: women and men counted, a target group;
# context: counts only in a devoted section (or with another principle); cue: a function;
# applied: a sign that something is applied to someone or something (shared rules only).
CATEGORIES = frozenset(
    {
        "core",
        "name",
        "method",
        "count",
        "target_group",
        "context",
        "cue",
        "applied",
        "how",
        "reference",
        "false_friend",
        "weak",
        "negation",
        "hedge",
    }
)
BUDGET_TAGS = ("jamstalldhet", "tillganglighet", "likabehandling")  # drafting.budget.model.TAGS
KINDS = (
    "analysis",
    "policy",
    "goal",
    "indicator",
    "activity",
    "competence",
    "budget",
    "procurement",
    "cooperation",
    "followup",
    "evaluation",
)
MESSAGE_NAMES = (
    "missing",
    "not_concrete",
    "empty_declaration",
    "empty_declaration_info",
    "negation",
    "chain_analysis",
    "chain_goals",
    "chain_activities",
    "chain_followup",
    "example_analysis",
    "example_goals",
    "example_activities",
    "example_followup",
)
_TERM_FIELDS = ("words", "lemmas", "prefixes", "patterns")
_RULE_FIELDS = {
    "id",
    "category",
    "kind",
    "intrinsic",
    "with_other_principles",
    "suppresses_cues",
    "stands_alone",
    "min_groups",
    "window",
    "groups",
    "examples_match",
    "examples_no_match",
    *_TERM_FIELDS,
}


@dataclass(frozen=True)
class Terms:
    """One group of terms: lower-case words/phrases, lemmas, token prefix regexes, patterns."""

    words: tuple[str, ...] = ()
    lemmas: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    patterns: tuple[tuple[dict[str, Any], ...], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule: hits when at least ``min_groups`` of its term groups occur in one sentence."""

    id: str
    principle: str | None
    category: str
    groups: tuple[Terms, ...]
    examples_match: tuple[str, ...]
    examples_no_match: tuple[str, ...]
    kind: str | None = None
    intrinsic: bool = False
    with_other_principles: bool = False
    suppresses_cues: bool = False
    stands_alone: bool = False
    min_groups: int = 1
    window: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChecklistSpec:
    """An assessor's question and the cue kinds (or rule ids) that answer it."""

    key: str
    question_sv: str
    question_en: str
    satisfied_by: tuple[str, ...]
    # Cost lines of the structured budget tagged with one of these also answer the question.
    budget_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principle:
    """A horizontal principle with its rules, checklist and messages."""

    key: str
    name_sv: str
    name_en: str
    mandatory: bool
    source_url: str
    sources: tuple[str, ...]
    rules: tuple[Rule, ...]
    checklist: tuple[ChecklistSpec, ...]
    messages: Mapping[str, str] = field(default_factory=dict)
    order: int = 1000

    def name(self, locale: str = "sv") -> str:
        """Return the principle's name in ``locale``."""
        return self.name_en if locale.startswith("en") else self.name_sv

    def message(self, name: str, locale: str, **values: str) -> str:
        """Return the message ``name`` in ``locale`` with ``values`` filled in."""
        text = self.messages[f"{name}_{'en' if locale.startswith('en') else 'sv'}"]
        return text.format(**values) if values else text


@dataclass(frozen=True)
class Common:
    """Rules and texts shared by all principles."""

    rules: tuple[Rule, ...]
    chain_names: Mapping[str, str]
    metadata_labels: tuple[str, ...]
    max_line_chars: int
    organisation_suffixes: tuple[str, ...]
    messages: Mapping[str, str]
    lix_bands: tuple[tuple[float, str, str], ...]
    private_email_domains: frozenset[str]


def _strings(where: str, value: Any, name: str) -> tuple[str, ...]:
    """Validate a list of non-empty strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{where}: '{name}' must be a list of non-empty strings")
    return tuple(value)


def _check_lemma(where: str, lemma: str) -> None:
    """Refuse lemma matching on function words (the lookup table mangles them)."""
    if " " in lemma.strip() or lemma.lower() in STOP_WORDS:
        raise RulesError(f"{where}: lemma {lemma!r} must be one content word, not a function word")


def _terms(where: str, raw: Mapping[str, Any]) -> Terms:
    """Validate and build one term group."""
    words = tuple(w.lower() for w in _strings(where, raw.get("words", []), "words"))
    lemmas = _strings(where, raw.get("lemmas", []), "lemmas")
    for lemma in lemmas:
        _check_lemma(where, lemma)
    prefixes = _strings(where, raw.get("prefixes", []), "prefixes")
    for prefix in prefixes:
        try:
            re.compile(prefix)
        except re.error as exc:
            raise RulesError(f"{where}: bad prefix regex {prefix!r}: {exc}") from exc
    patterns = raw.get("patterns", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(t, dict) for t in p) for p in patterns
    ):
        raise RulesError(f"{where}: 'patterns' must be a list of token-pattern lists")
    for pattern in patterns:
        first = pattern[0]
        for attr, value in first.items():
            if isinstance(value, dict) and set(value) & {"NOT_IN", "REGEX"}:
                raise RulesError(
                    f"{where}: a pattern cannot start with NOT_IN or REGEX ({attr}): it would "
                    "be tried on every word; start with a word list or use 'prefixes'"
                )
        for token in pattern:
            lemma = token.get("LEMMA")
            if isinstance(lemma, str):
                _check_lemma(where, lemma)
    if not (words or lemmas or prefixes or patterns):
        raise RulesError(f"{where}: a term group needs words, lemmas, prefixes or patterns")
    return Terms(words, tuple(lemmas), prefixes, tuple(tuple(p) for p in patterns))


def _rule(where: str, principle: str | None, raw: Any) -> Rule:
    """Validate and build one rule table."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise RulesError(f"{where}: every rule needs a string 'id'")
    where = f"{where} rule '{raw['id']}'"
    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        raise RulesError(f"{where}: unknown fields {sorted(unknown)}")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise RulesError(f"{where}: category must be one of {sorted(CATEGORIES)}")
    kind = raw.get("kind")
    if (category == "cue") != (kind is not None) or kind is not None and kind not in KINDS:
        raise RulesError(f"{where}: cues need a kind from {KINDS}; other rules none")
    if "groups" in raw:
        if any(name in raw for name in _TERM_FIELDS) or not isinstance(raw["groups"], list):
            raise RulesError(f"{where}: give either 'groups' or terms, not both")
        groups = tuple(_terms(f"{where} group {i}", g) for i, g in enumerate(raw["groups"]))
    else:
        groups = (_terms(where, raw),)
    min_groups = raw.get("min_groups", len(groups))
    if not isinstance(min_groups, int) or not 1 <= min_groups <= len(groups):
        raise RulesError(f"{where}: min_groups must be between 1 and {len(groups)}")
    window = raw.get("window", [])
    if window and (
        not isinstance(window, list)
        or len(window) != len(groups) - 1
        or min_groups != len(groups)
        or not all(isinstance(w, int) and w >= 0 for w in window)
    ):
        raise RulesError(f"{where}: window needs one gap per pair of groups, all groups required")
    flags = {}
    for name in ("intrinsic", "with_other_principles", "suppresses_cues", "stands_alone"):
        flags[name] = raw.get(name, False)
        if not isinstance(flags[name], bool):
            raise RulesError(f"{where}: '{name}' must be true or false")
    if principle is None and flags["intrinsic"]:
        raise RulesError(f"{where}: shared cues cannot be intrinsic")
    if flags["stands_alone"] and category != "cue":
        raise RulesError(f"{where}: only cues can stand alone")
    if category in ("applied", "how", "reference") and principle is not None:
        raise RulesError(f"{where}: 'applied' rules belong in common.toml")
    examples = {}
    for name in ("examples_match", "examples_no_match"):
        examples[name] = _strings(where, raw.get(name, []), name)
        if not examples[name]:
            raise RulesError(f"{where}: needs at least one sentence in '{name}'")
    return Rule(
        id=f"{principle or 'common'}.{raw['id']}",
        principle=principle,
        category=category,
        groups=groups,
        kind=kind,
        min_groups=min_groups,
        window=tuple(window),
        **flags,
        **examples,
    )


def principles_folder() -> Any:
    """Return the folder of principle files: the package's ``principles/``, the one registry."""
    return resources.files("drafting.checker") / "principles"


def clear_caches() -> None:
    """Forget the loaded principle files (after the folder changed, e.g. in a test)."""
    load_principle.cache_clear()
    load_common.cache_clear()
    principle_keys.cache_clear()
    available_principles.cache_clear()


def _read(name: str) -> dict[str, Any]:
    """Read and parse ``principles/<name>.toml``."""
    path = principles_folder() / f"{name}.toml"
    if not path.is_file():
        raise RulesError(f"unknown principle {name!r} (available: {available_principles()})")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"principles/{name}.toml: malformed TOML: {exc}") from exc


@functools.cache
def available_principles() -> tuple[str, ...]:
    """Return the keys of the principle files shipped with the package (cached; clear_caches
    forgets it: a report asks whether a key is a principle for every finding it shows)."""
    folder = principles_folder()
    names = (p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))
    return tuple(sorted(n for n in names if n != "common"))


@functools.cache
def principle_keys() -> tuple[str, ...]:
    """Return every shipped principle, the mandatory ones first (the files are the registry).

    Cached like the files themselves (clear_caches forgets it): reports ask for the keys per
    row, and listing the folder each time was a tenth of a coverage page's Python time."""
    keys = available_principles()
    return tuple(sorted(keys, key=lambda k: (not load_principle(k).mandatory, _order(k), k)))


def _order(key: str) -> int:
    """A principle file's place in the list (its optional ``order``; files without come last)."""
    return load_principle(key).order


def mandatory_principles() -> tuple[str, ...]:
    """Return the principles every check covers and the gate requires (``mandatory = true``)."""
    return tuple(k for k in principle_keys() if load_principle(k).mandatory)


def parse_principle(data: Mapping[str, Any], where: str = "principle") -> Principle:
    """Validate parsed TOML of a principle file and build a Principle."""
    for name in ("key", "name_sv", "name_en", "source_url"):
        if not isinstance(data.get(name), str):
            raise RulesError(f"{where}: '{name}' must be a string")
    if not isinstance(data.get("mandatory"), bool):
        raise RulesError(f"{where}: 'mandatory' must be true or false")
    if not isinstance(data.get("order", 1000), int):
        raise RulesError(f"{where}: 'order' must be a whole number")
    key = data["key"]
    rules = tuple(_rule(where, key, raw) for raw in data.get("rules", []))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RulesError(f"{where}: duplicate rule ids")
    if not any(r.category == "core" for r in rules):
        raise RulesError(f"{where}: needs a rule with category 'core'")
    messages = data.get("messages", {})
    missing = [
        f"{name}_{lang}"
        for name in MESSAGE_NAMES
        for lang in ("sv", "en")
        if not isinstance(messages.get(f"{name}_{lang}"), str)
    ]
    if missing:
        raise RulesError(f"{where}: missing messages {missing}")
    checklist = []
    for raw in data.get("checklist", []):
        for name in ("key", "question_sv", "question_en"):
            if not isinstance(raw.get(name), str):
                raise RulesError(f"{where}: checklist item needs '{name}'")
        satisfied = _strings(where, raw.get("satisfied_by", []), "satisfied_by")
        bad = [s for s in satisfied if s not in KINDS]
        if not satisfied or bad:
            raise RulesError(f"{where}: checklist '{raw['key']}' has bad satisfied_by {bad}")
        budget_tags = _strings(where, raw.get("budget_tags", []), "budget_tags")
        if set(budget_tags) - set(BUDGET_TAGS):
            raise RulesError(f"{where}: checklist '{raw['key']}' has unknown budget_tags")
        checklist.append(
            ChecklistSpec(
                raw["key"], raw["question_sv"], raw["question_en"], satisfied, budget_tags
            )
        )
    return Principle(
        key=key,
        name_sv=data["name_sv"],
        name_en=data["name_en"],
        mandatory=data["mandatory"],
        source_url=data["source_url"],
        sources=_strings(where, data.get("sources", [data["source_url"]]), "sources"),
        rules=rules,
        checklist=tuple(checklist),
        messages=dict(messages),
        order=data.get("order", 1000),
    )


@functools.cache
def load_principle(key: str) -> Principle:
    """Load and validate ``principles/<key>.toml``."""
    if not isinstance(key, str) or not re.fullmatch(r"[a-z_]+", key) or key == "common":
        raise RulesError(f"invalid principle key {key!r}")
    principle = parse_principle(_read(key), where=f"principles/{key}.toml")
    if principle.key != key:
        raise RulesError(f"principles/{key}.toml declares key {principle.key!r}")
    return principle


@functools.cache
def load_common() -> Common:
    """Load and validate ``principles/common.toml``."""
    data = _read("common")
    where = "principles/common.toml"
    rules = tuple(_rule(where, None, raw) for raw in data.get("rules", []))
    try:
        meta = data["metadata"]
        bands = tuple((float(b["below"]), str(b["sv"]), str(b["en"])) for b in data["lix_bands"])
        return Common(
            rules=rules,
            chain_names=dict(data["chain_names"]),
            metadata_labels=_strings(where, meta["labels"], "labels"),
            max_line_chars=int(meta["max_line_chars"]),
            organisation_suffixes=_strings(where, meta["organisation_suffixes"], "suffixes"),
            messages=dict(data["messages"]),
            lix_bands=bands,
            private_email_domains=frozenset(
                _strings(where, data["private_email"]["domains"], "domains")
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesError(f"{where}: missing or malformed table: {exc!r}") from exc
