"""A national-scale portfolio for the benchmarks: all of Sweden in one database.

    from bench.national import populate
    populate(url, ideas=100_000, drafts=30_000)

21 regions and 290 kommuner (the region's own 15 from the migrations, the rest generated),
600 organisations, `ideas` ideas with their stage history, kommuner, partners and comments,
`drafts` drafts with their sections and check runs, and the search index, all written with
bulk inserts (a minute or two for 100,000 ideas, where the services would take hours).

The texts are not a ten-word vocabulary: every title, field, section and comment is put
together from sentences of the project's own Swedish texts (the demo ideas, the seed
project's application and the drafting corpus), so terms are as common or as rare as they are
in real ESF writing: "projekt" and "deltagare" are in most ideas, "hörslinga" in few. The
search documents are written the way the app writes them (`drafting.search.index.document_row`
over text normalised by the app's lemmatizer); each sentence is lemmatised once and the
documents are joined from those, which gives the same terms as lemmatising each document whole
(the lemmatizer looks words up one by one) in seconds instead of half an hour.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert, select, text

from drafting.checker import check_sections
from drafting.demo import complete_sections, partial_sections, weak_sections
from drafting.models import (
    CheckFinding,
    CheckRun,
    Draft,
    LevelOverride,
    SectionRevision,
    finding_values,
    split_result,
)
from drafting.search.index import document_row, place_terms, write_documents
from drafting.search.normalise import normalise_many
from pipeline.db import make_engine
from pipeline.models import (
    ActivityLog,
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
    idea_municipality,
)
from pipeline.stages import BOARD_ORDER, Stage

ROOT = Path(__file__).resolve().parent.parent
REGIONS = 21
KOMMUNER = 290
ORGANISATIONS = 600
SECTIONS = ("sammanfattning", "bakgrund_problemanalys", "syfte", "malgrupp", "aktiviteter_metod")
BENCH_EMAIL = "bench@example.se"
CHUNK = 5_000

# A plausible route through the stages for an idea that ends in `stage`.
ROUTES = {
    Stage.IDEA: [Stage.IDEA],
    Stage.PRESTUDY: [Stage.IDEA, Stage.PRESTUDY],
    Stage.DRAFTING: [Stage.IDEA, Stage.PRESTUDY, Stage.DRAFTING],
    Stage.REVIEW: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW],
    Stage.CHANGES_REQUESTED: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.CHANGES_REQUESTED],
    Stage.READY: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY],
    Stage.SUBMITTED: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY, Stage.SUBMITTED],
    Stage.GRANTED: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY, Stage.SUBMITTED,
                    Stage.GRANTED],
    Stage.REJECTED: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY, Stage.SUBMITTED,
                     Stage.REJECTED],
    Stage.IMPLEMENTATION: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY,
                           Stage.SUBMITTED, Stage.GRANTED, Stage.IMPLEMENTATION],
    Stage.CLOSED: [Stage.IDEA, Stage.DRAFTING, Stage.REVIEW, Stage.READY, Stage.SUBMITTED,
                   Stage.GRANTED, Stage.IMPLEMENTATION, Stage.CLOSED],
    Stage.PARKED: [Stage.IDEA, Stage.PRESTUDY, Stage.PARKED],
    Stage.WITHDRAWN: [Stage.IDEA, Stage.WITHDRAWN],
}  # fmt: skip
DRAFTED = {s for s, route in ROUTES.items() if Stage.DRAFTING in route}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def sentences() -> list[str]:
    """The sentences of the project's own Swedish texts, 5 to 60 words long."""
    texts = [
        (ROOT / "pipeline/data/framsyn_esf.txt").read_text(encoding="utf-8"),
        (ROOT / "drafting/corpus/seed_framsyn_esf.txt").read_text(encoding="utf-8"),
    ]
    for toml in (
        "pipeline/data/demo.toml",
        "drafting/corpus/drafts.toml",
        "drafting/corpus/labelled.toml",
    ):
        texts += _strings(tomllib.loads((ROOT / toml).read_text(encoding="utf-8")))
    found = {}
    for chunk in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", chunk):
            sentence = " ".join(sentence.split())
            if 5 <= len(sentence.split()) <= 60 and "@" not in sentence:
                found.setdefault(sentence, None)
    return list(found)


def _kommuner(conn) -> list[int]:
    """The migrations' kommuner plus generated ones, up to 290 in 21 regions."""
    have = conn.execute(select(Municipality.code)).scalars().all()
    rows = []
    n = 0
    while len(have) + len(rows) < KOMMUNER:
        n += 1
        rows.append(
            {"code": f"9{n:03d}", "name": f"Kommun {n}", "region": f"Region {n % (REGIONS - 1)}"}
        )
    if rows:
        conn.execute(insert(Municipality), rows)
    return list(conn.scalars(select(Municipality.id)))


def populate(url: str, ideas: int, drafts: int, *, seed: int = 7) -> dict[str, int]:
    """Fill a migrated database with a national portfolio; the row counts written."""
    rng = random.Random(seed)
    pool = sentences()
    lemmas = dict(zip(pool, normalise_many(pool), strict=True))
    now = dt.datetime.now(dt.UTC)
    engine = make_engine(url)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        kommuner = _kommuner(conn)
        types = list(OrgType)
        conn.execute(
            insert(Organisation),
            [
                {
                    "name": f"Organisation {i}",
                    "type": rng.choice(types).value,
                    "municipality_id": rng.choice(kommuner),
                    "created_at": now,
                }
                for i in range(ORGANISATIONS)
            ],
        )
        orgs = list(conn.scalars(select(Organisation.id)))
        conn.execute(
            insert(Call),
            [
                {
                    "name": f"Utlysning {i}",
                    "diarienummer": f"B-{i:04d}",
                    "programme_area": f"Programområde {i % 4 + 1}",
                    "opens": (now - dt.timedelta(days=60 * i)).date(),
                    "closes": (now - dt.timedelta(days=60 * i - 90)).date(),
                    "region": f"Region {i % REGIONS}",
                    "template_key": "esf_plus",
                }
                for i in range(24)
            ],
        )
        calls = list(conn.scalars(select(Call.id)))
        support_id = conn.execute(
            insert(User).returning(User.id),
            [
                {
                    "name": "Bänk Stöd",
                    "email": BENCH_EMAIL,
                    "role": Role.SUPPORT.value,
                    "is_active": True,
                    "created_at": now,
                }
            ],
        ).scalar_one()

        def said(k: int) -> list[str]:
            return rng.sample(pool, k)

        rows, history, places, partners, logs, comments, texts = [], [], [], [], [], [], {}
        for i in range(1, ideas + 1):
            stage = rng.choice(BOARD_ORDER)
            route = ROUTES[stage]
            when = now - dt.timedelta(days=rng.uniform(30, 900))
            steps = []
            for step in route:
                steps.append((step, when))
                when = min(now, when + dt.timedelta(days=rng.uniform(2, 120)))
            women, men = rng.randint(0, 40), rng.randint(0, 40)
            budget = rng.randint(100, 8000) * 1000
            title_words = rng.choice(pool).split()
            start = rng.randint(0, max(0, len(title_words) - 6))
            title = " ".join(title_words[start : start + rng.randint(3, 6)]).strip(".,;:")
            fields = {
                "summary": said(2),
                "background": said(3),
                "purpose": said(1),
                "target_groups": said(1),
            }
            rows.append(
                {
                    "id": i,
                    "title": title[:1].upper() + title[1:],
                    **{name: " ".join(found) for name, found in fields.items()},
                    "stage": stage.value,
                    "stage_changed_at": steps[-1][1],
                    "created_at": steps[0][1],
                    "updated_at": steps[-1][1],
                    "lead_organisation_id": rng.choice(orgs),
                    "call_id": rng.choice([*calls, None]),
                    "programme_area": f"Programområde {rng.randint(1, 4)}",
                    "budget_total": budget,
                    "esf_share": budget // 2,
                    "esf_granted": budget // 3 if Stage.GRANTED in route else None,
                    "submitted_on": steps[route.index(Stage.SUBMITTED)][1].date()
                    if Stage.SUBMITTED in route
                    else None,
                    "participants_women": women,
                    "participants_men": men,
                    "participants_total": women + men + rng.randint(0, 5),
                    "parked_from": Stage.PRESTUDY.value if stage == Stage.PARKED else None,
                    "is_regional": False,
                    "contact_name": "",
                    "contact_email": "",
                    "contact_phone": "",
                }
            )
            texts[i] = (title, [s for found in fields.values() for s in found], [], [], [])
            previous = None
            for step, at in steps:
                history.append(
                    {
                        "idea_id": i,
                        "from_stage": previous,
                        "to_stage": step.value,
                        "user_id": support_id,
                        "created_at": at,
                        "comment": "",
                    }
                )
                previous = step.value
            for mid in rng.sample(kommuner, rng.choice([1, 1, 1, 2, 3])):
                places.append({"idea_id": i, "municipality_id": mid})
            for oid in rng.sample(orgs, rng.choice([0, 1, 2, 3])):
                partners.append({"idea_id": i, "organisation_id": oid, "can_edit": True})
            for _ in range(rng.randint(0, 2)):
                logs.append(
                    {
                        "action": "idea.update",
                        "entity_type": "idea",
                        "entity_id": i,
                        "idea_id": i,
                        "details": {},
                        "created_at": steps[-1][1],
                    }
                )
            for _ in range(rng.choice([0, 0, 1, 2])):
                body = said(1)
                internal = rng.random() < 0.3
                comments.append(
                    {
                        "idea_id": i,
                        "author_id": support_id,
                        "body": body[0],
                        "visibility": (
                            Visibility.INTERNAL if internal else Visibility.SHARED
                        ).value,
                        "created_at": steps[-1][1],
                    }
                )
                texts[i][4 if internal else 3].extend(body)
        for table, values in (
            (ProjectIdea, rows),
            (StageChange, history),
            (idea_municipality, places),
            (IdeaPartner, partners),
            (ActivityLog, logs),
            (Comment, comments),
        ):
            for start in range(0, len(values), CHUNK):
                conn.execute(insert(table), values[start : start + CHUNK])
        counts.update(ideas=len(rows), stage_changes=len(history), comments=len(comments))

        # Drafts: sections at one to three revisions, and real checker results.
        results = [
            check_sections(sections, "esf_plus").to_dict()
            for sections in (
                complete_sections(),
                weak_sections(),
                partial_sections(),
                {"sammanfattning": "Kort."},
            )
        ]
        drafted = [r["id"] for r in rows if Stage(r["stage"]) in DRAFTED]
        chosen = rng.sample(drafted, min(drafts, len(drafted)))
        draft_rows, revisions, runs, findings, overrides = [], [], [], [], []
        for number, idea_id in enumerate(chosen, start=1):
            # Every section written once, then a few rewritten; numbers run per draft.
            keys = [*SECTIONS, *rng.sample(SECTIONS, rng.randint(0, 4))]
            latest: dict[str, list[str]] = {}
            for revision, key in enumerate(keys, start=1):
                latest[key] = said(rng.randint(2, 4))
                revisions.append(
                    {
                        "draft_id": number,
                        "section_key": key,
                        "number": revision,
                        "text": " ".join(latest[key]),
                        "author_id": support_id,
                        "created_at": now,
                    }
                )
            for key in SECTIONS:
                texts[idea_id][2].extend(latest[key])
            revision_count = len(keys)
            draft_rows.append(
                {
                    "id": number,
                    "idea_id": idea_id,
                    "template_key": "esf_plus",
                    "revision_count": revision_count,
                    "created_at": now,
                    "updated_at": now - dt.timedelta(days=rng.uniform(0, 200)),
                }
            )
            for revision in sorted(rng.sample(range(1, revision_count + 1), rng.randint(1, 3))):
                levels, found, rest = split_result(rng.choice(results))
                runs.append(
                    {
                        "draft_id": number,
                        "revision_number": revision,
                        "template_key": "esf_plus",
                        "levels": levels,
                        "result": rest,
                        "created_at": now,
                    }
                )
                findings.append(found)
            if rng.random() < 0.1:
                overrides.append(
                    {
                        "draft_id": number,
                        "principle": "jamstalldhet",
                        "level": "concrete",
                        "reason": "",
                        "created_at": now,
                    }
                )
        for table, values in ((Draft, draft_rows), (SectionRevision, revisions)):
            for start in range(0, len(values), CHUNK):
                conn.execute(insert(table), values[start : start + CHUNK])
        for start in range(0, len(runs), 500):
            conn.execute(insert(CheckRun), runs[start : start + 500])
        run_ids = conn.scalars(select(CheckRun.id).order_by(CheckRun.id)).all()
        finding_rows = [
            {"check_run_id": run_id, **finding_values(finding)}
            for run_id, found in zip(run_ids, findings, strict=True)
            for finding in found
        ]
        for start in range(0, len(finding_rows), CHUNK):
            conn.execute(insert(CheckFinding), finding_rows[start : start + CHUNK])
        if overrides:
            conn.execute(insert(LevelOverride), overrides)
        counts.update(drafts=len(draft_rows), revisions=len(revisions), check_runs=len(runs))

        # The search index, as the app writes it (see the module's docstring).
        names = place_terms(conn)
        titles = dict(zip(texts, normalise_many(t[0] for t in texts.values()), strict=True))
        documents = [
            document_row(
                idea_id,
                titles[idea_id],
                *(" ".join(lemmas[s] for s in part) for part in parts),
                places=names,
            )
            for idea_id, (_title, *parts) in texts.items()
        ]
        write_documents(conn, documents)
        counts["search_documents"] = len(documents)

        if conn.dialect.name == "postgresql":
            for table in ("project_idea", "stage_change", "draft", "user_account", "comment"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
    # As a database in use is: statistics gathered and, on PostgreSQL, vacuumed (autovacuum
    # would do it within minutes), so that index-only scans need not visit the table.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    counts["support_id"] = support_id
    return counts
