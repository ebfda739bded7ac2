"""What each sentence does for each principle: the readings a judgement rests on.

A sentence is read in two steps, for every principle the check asks about:

1. **Is it about the principle?** Through the principle's vocabulary (a ``core`` or ``name``
   term, a ``method`` name, a weak phrase or negation of the principle), implicitly (a cue that
   is ``intrinsic`` to the principle, such as women compared with men, a ``count`` by sex, a
   ``target_group`` of women, a disability, an adaptation or a discrimination ground), or
   through a ``context`` term: in a section devoted to the principle, or, for a rule that says
   so, in a sentence that names another principle. False friends cancel the hits of their own
   principle that they overlap ("jämlik hälsa", "tillgängliga medel", "jämställdhetsenheten").
2. **What does it do for it?** Its ``function``: ``analysis`` (data with an interpretation,
   identified barriers or risks), ``goal`` (a target or an indicator), ``activity`` (a method or
   measure applied in the project: who does what, for whom, when), ``followup``, or only a
   ``method_name``, a ``count``, a ``target_group``, an ``intent``, a ``list`` of principles, a
   ``mention``, or a ``negation``. A cue gives its function by itself only when its rule
   ``stands_alone`` (a comparison of women and men, a numeric target, a hörslinga); any other
   cue needs a sign in the same sentence that something is applied to someone or something
   (an ``applied`` term: the staff, the participants, every term, the premises, a number), and
   no hedge, conditional or weak phrase that empties it. So "vi använder 3R-metoden" is a
   method name until the text says what the method is applied to.

Plain Python over the hits of each sentence: a check sees a few thousand hits at most, and a
readable pass over them costs well under a millisecond per hundred sentences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from drafting.checker.matching import RuleHit

SUBSTANTIVE = ("analysis", "goal", "activity", "followup")
FUNCTIONS = (
    *SUBSTANTIVE,
    "method_name",
    "count",
    "target_group",
    "intent",
    "list",
    "mention",
    "negation",
)
# the function each kind of cue gives a sentence
KIND_FUNCTION = {
    "analysis": "analysis",
    "policy": "analysis",
    "goal": "goal",
    "indicator": "goal",
    "activity": "activity",
    "competence": "activity",
    "budget": "activity",
    "procurement": "activity",
    "cooperation": "activity",
    "followup": "followup",
    "evaluation": "followup",
}
# categories whose hit makes a sentence about their principle
# ("name" terms only tell a list of principles; for accessibility the name is a context word)
_NAMING = frozenset({"core", "method", "count", "target_group", "weak", "negation"})


class SentenceRef(NamedTuple):
    """A sentence of a section: its character span and text."""

    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Reading:
    """What one sentence does for one principle, and the rules that say so."""

    sentence: SentenceRef
    function: str
    rule_ids: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()

    @property
    def substantive(self) -> bool:
        """Tell whether the sentence is analysis, a goal, an activity or follow-up."""
        return self.function in SUBSTANTIVE


@dataclass
class PrincipleEvidence:
    """Every sentence that speaks to one principle, with its function."""

    readings: list[Reading] = field(default_factory=list)
    devoted_sections: list[str] = field(default_factory=list)

    @property
    def substantive(self) -> list[Reading]:
        """Return the readings that can make the principle concrete."""
        return [r for r in self.readings if r.substantive]


def _overlaps(a: RuleHit, b: RuleHit) -> bool:
    return a.start < b.end and b.start < a.end


def _valid(hits: Sequence[RuleHit]) -> list[RuleHit]:
    """Drop the hits that a false friend of the same principle overlaps, and the friends."""
    friends = [h for h in hits if h.rule.category == "false_friend"]
    return [
        h
        for h in hits
        if h.rule.category != "false_friend"
        and not any(f.rule.principle == h.rule.principle and _overlaps(f, h) for f in friends)
    ]


def _first(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def read_sentence(
    hits: Sequence[RuleHit],
    sentence: SentenceRef,
    devoted: str | None,
    wanted: Sequence[str],
    carried: frozenset[str] = frozenset(),
) -> dict[str, Reading]:
    """Read one sentence for every wanted principle it is about.

    ``carried`` are the principles that the previous sentence of the section named by their
    own words: a context term continues them ("... har neuropsykiatriska funktionsnedsättningar.
    Bullriga lokaler och otydlig information har varit hinder."), and so does a sentence that
    names no principle but refers back to the same people ("De får en coach varje vecka.").
    """
    hits = _valid(hits)
    if not hits and devoted is None:
        return {}
    by_category: dict[str | None, dict[str, list[RuleHit]]] = defaultdict(lambda: defaultdict(list))
    for hit in hits:
        by_category[hit.rule.principle][hit.rule.category].append(hit)
    named: dict[str, list[RuleHit]] = {}
    for principle, categories in by_category.items():
        if principle is None:
            continue
        why = [h for c in _NAMING for h in categories.get(c, ())]
        why += [h for h in categories.get("cue", ()) if h.rule.intrinsic]
        if why:
            named[principle] = why
    # principles of the check named by their own words, for the context terms that count
    # beside another principle ("jämställdhet och tillgänglighet")
    by_words = {
        p
        for p in wanted
        if by_category.get(p, {}).get("core") or by_category.get(p, {}).get("name")
    }
    # a sentence that names no principle but refers back to the people of the previous one
    # ("Projektet vänder sig till unga med NPF. De får en coach varje vecka.") continues it
    references = by_category.get(None, {}).get("reference", [])
    if references and not named:
        for principle in carried:
            named[principle] = list(references)
    for principle, categories in by_category.items():
        for hit in categories.get("context", ()):
            others = by_words - {principle}
            beside = hit.rule.with_other_principles and others and devoted in (None, principle)
            if principle == devoted or principle in carried or beside:
                named.setdefault(principle, []).append(hit)
    common = by_category.get(None, {})
    listed = sum(1 for p in by_category if p and by_category[p].get("name")) >= 2
    how = common.get("how", [])
    applied = [*common.get("applied", ()), *how]
    empties = [
        *common.get("hedge", ()),
        *[h for h in common.get("weak", ()) if h.rule.suppresses_cues],
    ]
    common_weak = [h for h in common.get("weak", ()) if not h.rule.suppresses_cues]
    common_negation = common.get("negation", [])
    readings = {}
    for principle in wanted:
        if principle not in named and principle != devoted:
            continue
        own = by_category.get(principle, {})
        about = named.get(principle, [])
        # a sentence about the principle only through a method's name takes only the
        # principle's own cues ("prioriterade områden: ... breddad rekrytering, yrkesutbildning")
        by_name_only = all(h.rule.category == "method" for h in about)
        strict = principle == devoted or (principle in named and not listed and not by_name_only)
        negations = [*own.get("negation", ()), *(common_negation if strict else ())]
        weak = [*own.get("weak", ()), *(common_weak if strict else ())]
        blocking = [] if how else weak
        cues = [*own.get("cue", ()), *(common.get("cue", ()) if strict else ())]
        function, because = _function(
            own, cues, applied, empties, weak, blocking, negations, listed
        )
        kinds = _first(h.rule.kind for h in because if h.rule.category == "cue" and h.rule.kind)
        if function not in SUBSTANTIVE:
            kinds = ()
        functions = _first(KIND_FUNCTION[k] for k in kinds)
        rule_ids = _first(h.rule.id for h in [*about, *because])
        readings[principle] = Reading(sentence, function, rule_ids, kinds, functions)
    return readings


NEAR = 15  # tokens between a cue and what applies it (a long list or a table of contents is
# one "sentence" to the splitter, and a year at one end applies nothing at the other)


def _near(cue: RuleHit, others: Sequence[RuleHit]) -> bool:
    """Tell whether one of ``others`` is within NEAR tokens of ``cue``."""
    return any(o.start - NEAR <= cue.end and cue.start <= o.end + NEAR for o in others)


def _function(
    own: dict[str, list[RuleHit]],
    cues: list[RuleHit],
    applied: list[RuleHit],
    empties: list[RuleHit],
    weak: list[RuleHit],
    blocking: list[RuleHit],
    negations: list[RuleHit],
    listed: bool,
) -> tuple[str, list[RuleHit]]:
    """Return a sentence's function for one principle and the hits that decide it."""
    if negations:
        return "negation", negations
    if empties:
        return "intent", empties
    standing = [c for c in cues if c.rule.stands_alone]
    # the people a target group names are those a measure is for (not a goal for them:
    # "målet är att utrikes födda kvinnor ska få arbete" is no gender-equality goal); a count
    # stays a count
    groups = own.get("target_group", [])
    supported = []
    if (applied or groups) and not blocking and not own.get("count"):
        supported = [
            c
            for c in cues
            if not c.rule.stands_alone
            and (
                _near(c, applied) or (_near(c, groups) and c.rule.kind not in ("goal", "indicator"))
            )
        ]
    applied = [h for h in [*applied, *groups] if any(_near(c, [h]) for c in supported)]
    if standing or supported:
        chosen = [*standing, *supported]
        order = {f: i for i, f in enumerate(SUBSTANTIVE)}
        best = min(chosen, key=lambda h: order[KIND_FUNCTION[h.rule.kind or "activity"]])
        function = KIND_FUNCTION[best.rule.kind or "activity"]
        return function, [*chosen, *(applied if supported else [])]
    for category, function in (("method", "method_name"), ("count", "count")):
        if own.get(category):
            return function, own[category]
    if own.get("target_group"):
        return "target_group", own["target_group"]
    if weak:
        return "intent", weak
    if listed:
        return "list", own.get("name", [])
    return "mention", []


def read_all(
    found: Sequence[tuple[list[tuple[int, int]], list[RuleHit]]],
    docs: Sequence[object],
    texts: Sequence[str],
    sections: Sequence[str],
    devoted: Sequence[str | None],
    wanted: Sequence[str],
) -> dict[str, PrincipleEvidence]:
    """Read every sentence of every section; return the evidence per wanted principle."""
    evidence = {key: PrincipleEvidence() for key in wanted}
    for index, (bounds, hits) in enumerate(found):
        doc, text, section, own = docs[index], texts[index], sections[index], devoted[index]
        if own in evidence and any(t.is_alpha for t in doc):  # type: ignore[attr-defined]
            evidence[own].devoted_sections.append(section)
        by_sentence: dict[int, list[RuleHit]] = defaultdict(list)
        for hit in hits:
            by_sentence[hit.sentence].append(hit)
        numbers = range(len(bounds)) if own in evidence else sorted(by_sentence)
        previous, carried = -2, frozenset()
        for number in numbers:
            first, last = bounds[number]
            ref = _sentence(doc, text, section, first, last)
            if not ref.text:
                continue
            sentence_hits = by_sentence.get(number, [])
            carry = carried if previous == number - 1 else frozenset()
            readings = read_sentence(sentence_hits, ref, own, wanted, carry)
            for key, reading in readings.items():
                evidence[key].readings.append(reading)
            previous = number
            carried = frozenset(
                h.rule.principle for h in _valid(sentence_hits) if h.rule.category == "core"
            )
    return evidence


def _sentence(doc: object, text: str, section: str, first: int, last: int) -> SentenceRef:
    """Build a SentenceRef for tokens [first, last) with surrounding whitespace trimmed."""
    start = doc[first].idx  # type: ignore[index]
    end = doc[last].idx if last < len(doc) else len(text)  # type: ignore[arg-type, index]
    raw = text[start:end]
    left = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    return SentenceRef(section, start + left, start + left + len(stripped), stripped)
