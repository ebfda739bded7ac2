"""Demo data: the region's organisations, people, calls and ideas, and the FRAMSYN ESF project.

Loading is idempotent: every record is matched on its natural key (names, e-mails, case
numbers, titles), so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline import programme_areas
from pipeline.models import (
    Call,
    Comment,
    IdeaPartner,
    Municipality,
    Organisation,
    OrgType,
    ProjectIdea,
    Role,
    StageChange,
    User,
    Visibility,
    utcnow,
)
from pipeline.region import load_region, sync_municipalities
from pipeline.services import log_activity
from pipeline.stages import SUPPORT, TRANSITIONS, Stage

DATA_DIR = Path(__file__).parent / "data"
DEMO_PASSWORD = "framsyn-demo-2026"
SEED_TITLE = "FRAMSYN ESF"
SEED_HEADINGS = (
    "Sammanfattning",
    "Bakgrund",
    "Syfte",
    "Målsättning",
    "Tillgänglighet för personer med funktionsnedsättning",
    "Jämställdhetsintegrering",
    "Samarbetspartners",
    "Deltagande aktörer",
    "Kommun",
)
SEED_METADATA_KEYS = (
    "Programområde",
    "Projektfas",
    "Projektägare",
    "Kontaktperson",
    "E-post",
    "Telefonnummer",
    "Beviljat ESF-stöd",
    "Total projektbudget",
    "Projektperiod",
    "Region",
)


@dataclass
class DemoSummary:
    """What a load added, and the logins to print."""

    added: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.added[kind] = self.added.get(kind, 0) + 1


@dataclass(frozen=True)
class SeedDocument:
    """The FRAMSYN ESF project description: metadata, sections and lists."""

    title: str
    metadata: dict[str, str]
    sections: dict[str, str]

    def items(self, heading: str) -> list[str]:
        """The bullet items of a list section."""
        return [
            line.strip(" •-\t")
            for line in self.sections.get(heading, "").splitlines()
            if line.strip(" •-\t")
        ]


def read_seed(path: Path = DATA_DIR / "framsyn_esf.txt") -> SeedDocument:
    """Parse the project-bank text: metadata lines, then sections under known headings."""
    lines = path.read_text(encoding="utf-8").splitlines()
    metadata: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        if stripped in SEED_HEADINGS:
            current = stripped
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        else:
            for key in SEED_METADATA_KEYS:
                if stripped.startswith(key) and stripped != key:
                    metadata.setdefault(key, stripped[len(key) :].strip())
                    break
    return SeedDocument(
        title=SEED_TITLE,
        metadata=metadata,
        sections={k: "\n".join(v).strip() for k, v in sections.items()},
    )


def _kronor(value: str) -> int:
    return int(re.sub(r"\D", "", value) or 0)


def stage_path(target: Stage) -> list[Stage]:
    """The shortest route through the transition table from Idé to `target`."""
    queue: deque[list[Stage]] = deque([[Stage.IDEA]])
    seen = {Stage.IDEA}
    while queue:
        path = queue.popleft()
        if path[-1] == target:
            return path
        for source, dest in TRANSITIONS:
            if source == path[-1] and dest not in seen:
                seen.add(dest)
                queue.append([*path, dest])
    raise ValueError(f"no route to {target}")


class _Loader:
    def __init__(self, session: Session, hash_password: Callable[[str], str]) -> None:
        self.session = session
        self.hash_password = hash_password
        self.summary = DemoSummary()
        self.now = utcnow()

    def get_or_add(self, model: type, key: dict[str, Any], **values: Any) -> Any:
        found = self.session.scalars(select(model).filter_by(**key)).one_or_none()
        if found is not None:
            return found
        obj = model(**key, **values)
        self.session.add(obj)
        self.session.flush()
        self.summary.count(model.__tablename__)
        return obj

    def municipality(self, name: str) -> Municipality:
        found = self.session.scalars(select(Municipality).filter_by(name=name)).one_or_none()
        if found is None:
            raise ValueError(f"demo data names an unknown kommun: {name}")
        return found

    def organisation(self, name: str) -> Organisation:
        found = self.session.scalars(select(Organisation).filter_by(name=name)).one_or_none()
        if found is None:
            raise ValueError(f"demo data names an unknown organisation: {name}")
        return found

    def load_people(self, data: dict[str, Any]) -> None:
        for org in data["organisations"]:
            self.get_or_add(
                Organisation,
                {"name": org["name"]},
                type=OrgType(org["type"]),
                municipality=self.municipality(org["municipality"])
                if org.get("municipality")
                else None,
                org_number=org.get("org_number"),
            )
        for user in data["users"]:
            existing = self.session.scalars(
                select(User).filter_by(email=user["email"])
            ).one_or_none()
            if existing is None:
                self.get_or_add(
                    User,
                    {"email": user["email"]},
                    name=user["name"],
                    role=Role(user["role"]),
                    organisation=self.organisation(user["organisation"]),
                    password_hash=self.hash_password(DEMO_PASSWORD),
                )
            self.summary.logins.append((user["email"], user["role"], user["organisation"]))
        for call in data["calls"]:
            self.get_or_add(
                Call,
                {"diarienummer": call["diarienummer"]},
                name=call["name"],
                programme_area=programme_areas.normalise(
                    call["programme_area"], call["opens"].year
                ),
                specific_objective=call.get("specific_objective"),
                opens=call["opens"],
                closes=call["closes"],
                region=call["region"],
                template_key=call.get("template", "esf_plus"),
            )

    def user_for(self, role: str, idea: ProjectIdea) -> User:
        """A plausible person to have made a move: the support team, or the lead's actor."""
        if role != SUPPORT:
            actor = self.session.scalars(
                select(User)
                .filter_by(organisation_id=idea.lead_organisation_id, role=Role.ACTOR)
                .order_by(User.id)
            ).first()
            if actor is not None:
                return actor
        return self.session.scalars(
            select(User).filter_by(role=Role.SUPPORT).order_by(User.id)
        ).first()

    def add_history(
        self, idea: ProjectIdea, target: Stage, days_in_stage: int, parked_from: Stage | None
    ) -> None:
        """Write a believable stage history ending in `target` `days_in_stage` days ago."""
        if target == Stage.PARKED and parked_from is not None:
            path = [*stage_path(parked_from), Stage.PARKED]
            idea.parked_from = parked_from
        else:
            path = stage_path(target)
        entered = self.now - dt.timedelta(days=days_in_stage)
        times = [entered - dt.timedelta(days=21 * (len(path) - 1 - i)) for i in range(len(path))]
        idea.created_at = times[0]
        idea.history.append(
            StageChange(
                from_stage=None, to_stage=Stage.IDEA, user=idea.created_by, created_at=times[0]
            )
        )
        for (source, dest), when in zip(zip(path, path[1:], strict=False), times[1:], strict=True):
            move = TRANSITIONS[(source, dest)]
            who = self.user_for(SUPPORT if "actor" not in move.roles else "actor", idea)
            idea.history.append(
                StageChange(from_stage=source, to_stage=dest, user=who, created_at=when)
            )
        idea.stage = target
        idea.stage_changed_at = times[-1]
        idea.updated_at = times[-1]

    def add_idea(self, spec: dict[str, Any]) -> ProjectIdea | None:
        title = spec["title"]
        if self.session.scalars(select(ProjectIdea.id).filter_by(title=title)).first():
            return None
        lead = self.organisation(spec["lead"]) if spec.get("lead") else None
        call = None
        if spec.get("call"):
            call = self.session.scalars(select(Call).filter_by(diarienummer=spec["call"])).one()
        idea = ProjectIdea(
            title=title,
            summary=spec.get("summary", ""),
            background=spec.get("background", ""),
            purpose=spec.get("purpose", ""),
            target_groups=spec.get("target_groups", ""),
            participants_women=spec.get("participants_women"),
            participants_men=spec.get("participants_men"),
            participants_total=spec.get("participants_total"),
            lead_organisation=lead,
            programme_area=programme_areas.normalise(
                spec.get("programme_area", ""),
                _year(call.opens if call else spec.get("period_start")),
            ),
            call=call,
            budget_total=spec.get("budget_total"),
            esf_share=spec.get("esf_share"),
            esf_granted=spec.get("esf_granted"),
            period_start=spec.get("period_start"),
            period_end=spec.get("period_end"),
            contact_name=spec.get("contact", ""),
            contact_email=spec.get("contact_email", ""),
            contact_phone=spec.get("contact_phone", ""),
            submitted_on=spec.get("submitted_on"),
            esf_diarienummer=spec.get("esf_diarienummer"),
            is_regional=spec.get("is_regional", False),
            municipalities=[self.municipality(n) for n in spec.get("municipalities", [])],
            partners=[
                IdeaPartner(organisation=self.organisation(n), can_edit=True)
                for n in spec.get("partners", [])
                if n != spec.get("lead")
            ],
        )
        if idea.contact_name and not idea.contact_email:
            contact = self.session.scalars(select(User).filter_by(name=idea.contact_name)).first()
            if contact is not None:
                idea.contact_email = contact.email
        self.session.add(idea)
        idea.created_by = self.user_for("actor", idea)
        parked_from = Stage(spec["parked_from"]) if spec.get("parked_from") else None
        self.add_history(
            idea, Stage(spec.get("stage", "idea")), spec.get("days_in_stage", 7), parked_from
        )
        self.session.flush()
        for comment in spec.get("comments", []):
            author = self.session.scalars(select(User).filter_by(email=comment["author"])).one()
            self.session.add(
                Comment(
                    idea=idea,
                    author=author,
                    body=comment["body"],
                    visibility=Visibility.INTERNAL
                    if comment.get("internal")
                    else Visibility.SHARED,
                    created_at=idea.stage_changed_at + dt.timedelta(days=1),
                )
            )
        log_activity(self.session, None, "demo.load", idea, idea=idea)
        self.summary.count("project_idea")
        return idea

    def add_seed_project(self) -> ProjectIdea | None:
        """FRAMSYN ESF itself, in Genomförande, with its published metadata."""
        seed = read_seed()
        meta = seed.metadata
        owner = self.get_or_add(
            Organisation,
            {"name": meta.get("Projektägare", "Regionförbundet Västerbottens län")},
            type=OrgType.REGION,
            municipality=self.municipality("Umeå"),
        )
        start, _, end = meta.get("Projektperiod", "").partition(" till ")
        actors = seed.items("Deltagande aktörer") + seed.items("Samarbetspartners")
        partner_names = []
        tidy = [SEED_ORGANISATIONS.get(name, name) for name in actors]
        for name in dict.fromkeys(n for n in tidy if n):  # one of each, units left out
            org = self.session.scalars(select(Organisation).filter_by(name=name)).one_or_none()
            if org is None:
                org = self.get_or_add(Organisation, {"name": name}, type=_guess_type(name))
            partner_names.append(org.name)
        kommuner = [self.municipality(name) for name in seed.items("Kommun")]
        women_men = re.search(r"(\d+) kvinnor och (\d+) män", seed.sections.get("Bakgrund", ""))
        spec = {
            "title": seed.title,
            "summary": seed.sections.get("Sammanfattning", ""),
            "background": seed.sections.get("Bakgrund", ""),
            "purpose": seed.sections.get("Syfte", ""),
            "target_groups": "Nyckelpersoner hos lokala och regionala aktörer och "
            "organisationer i länets samtliga kommuner.",
            "participants_women": int(women_men.group(1)) if women_men else None,
            "participants_men": int(women_men.group(2)) if women_men else None,
            "participants_total": sum(map(int, women_men.groups())) if women_men else None,
            "lead": owner.name,
            "partners": partner_names,
            "municipalities": [m.name for m in kommuner],
            "programme_area": meta.get("Programområde", ""),
            "budget_total": _kronor(meta.get("Total projektbudget", "0")),
            "esf_share": _kronor(meta.get("Beviljat ESF-stöd", "0")),
            "esf_granted": _kronor(meta.get("Beviljat ESF-stöd", "0")),
            "period_start": dt.date.fromisoformat(start.strip()) if start else None,
            "period_end": dt.date.fromisoformat(end.strip()) if end else None,
            "contact": meta.get("Kontaktperson", ""),
            "contact_email": meta.get("E-post", ""),
            "contact_phone": meta.get("Telefonnummer", ""),
            "stage": "implementation",
            "days_in_stage": 40,
            "esf_diarienummer": "2010-3010082",
            "submitted_on": dt.date(2010, 10, 15),
        }
        return self.add_idea(spec)

    def link_regional(self, data: dict[str, Any]) -> None:
        for spec in data["ideas"]:
            if not spec.get("regional_project"):
                continue
            idea = self.session.scalars(select(ProjectIdea).filter_by(title=spec["title"])).one()
            parent = self.session.scalars(
                select(ProjectIdea).filter_by(title=spec["regional_project"])
            ).one()
            if idea.regional_project_id != parent.id:
                idea.regional_project = parent
        self.session.flush()


# The seed document's list of actors names units of kommuner as it was published, typos and
# all. As demo organisations they become the kommun they belong to; units that do not say
# which kommun (None) are left out rather than shown as organisations of their own.
SEED_ORGANISATIONS: dict[str, str | None] = {
    "Nordmalings Kommun/utbildning": "Nordmalings kommun",
    "Kommunledningskontoret Vännäs": "Vännäs kommun",
    "Näringslivsservice i Vännäs": "Vännäs kommun",
    "Arbetsmarknadsenheten": None,
    "Barn och utbildningsförvaltningen": None,
    "Kommunstyrelsens förvaltning": None,
    "Näringsenheten": None,
    "Näringsilvskontor": None,
    "Näringsliv": None,
}


def _year(day: dt.date | None) -> int | None:
    return day.year if day is not None else None


def _guess_type(name: str) -> OrgType:
    lowered = name.lower()
    for needle, kind in (
        ("arbetsförmedlingen", OrgType.ARBETSFORMEDLINGEN),
        ("försäkringskassan", OrgType.FORSAKRINGSKASSAN),
        ("lärcentrum", OrgType.LARCENTRUM),
        ("samordningsförbund", OrgType.SAMORDNINGSFORBUND),
        ("kommunförbund", OrgType.ANNAN),
        ("kommun", OrgType.KOMMUN),
        ("region", OrgType.REGION),
    ):
        if needle in lowered:
            return kind
    return OrgType.ANNAN


def demo_logins(
    session: Session, path: Path = DATA_DIR / "demo.toml"
) -> list[tuple[str, str, str]]:
    """The demo accounts that exist in the database, as (e-mail, role, organisation)."""
    with path.open("rb") as fh:
        users = tomllib.load(fh)["users"]
    present = set(session.scalars(select(User.email)))
    return [(u["email"], u["role"], u["organisation"]) for u in users if u["email"] in present]


def load_demo_data(
    session: Session,
    hash_password: Callable[[str], str],
    path: Path = DATA_DIR / "demo.toml",
) -> DemoSummary:
    """Load the demo data into `session` (flushes, never commits); safe to run again."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    sync_municipalities(session, load_region())
    loader = _Loader(session, hash_password)
    loader.load_people(data)
    for spec in data["ideas"]:
        loader.add_idea(spec)
    loader.link_regional(data)
    loader.add_seed_project()
    session.flush()
    return loader.summary
