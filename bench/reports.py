"""Time the report pages with 10,000 ideas and 3,000 checked drafts.

    .venv/bin/python bench/reports.py [--ideas 10000] [--drafts 3000] [--runs 30]

Runs on a fresh SQLite file, and also on PostgreSQL (in a private schema that is dropped
afterwards) when TEST_DATABASE_URL is set. Each page is fetched through the Flask test client,
signed in as a support-team member; the median and the 95th percentile are printed per page,
with the charts and the workbook downloads for reference. The target is p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.signin import sign_in_value  # noqa: E402
from drafting.checker import check_sections  # noqa: E402
from drafting.demo import complete_sections, partial_sections, weak_sections  # noqa: E402
from drafting.models import (  # noqa: E402
    CheckFinding,
    CheckRun,
    Draft,
    LevelOverride,
    finding_values,
    split_result,
)
from pipeline.db import make_engine, make_session_factory, normalise_url  # noqa: E402
from pipeline.migrate import upgrade  # noqa: E402
from pipeline.models import (  # noqa: E402
    ActivityLog,
    Call,
    IdeaPartner,
    Municipality,
    Organisation,
    OrgType,
    ProjectIdea,
    Role,
    StageChange,
    User,
    idea_municipality,
)
from pipeline.stages import BOARD_ORDER, Stage  # noqa: E402

TARGET_MS = 300
PAGES = ["tratt", "regional-balans", "principer", "deltagare"]
EXTRA = [
    "/rapporter/diagram/principer/principer.svg",
    "/rapporter/diagram/regional-balans/balans-kommuner.svg",
    "/rapporter/regional-balans.xlsx",
    "/rapporter/principer.xlsx",
]
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


def check_results() -> list[dict]:
    """Real checker results for a few kinds of draft, reused across the portfolio."""
    kinds = [complete_sections(), weak_sections(), partial_sections(), {"sammanfattning": "Kort."}]
    return [check_sections(sections, "esf_plus").to_dict() for sections in kinds]


def populate(url: str, n_ideas: int, n_drafts: int, seed: int = 7) -> None:
    """Fill a migrated database with a large, plausible portfolio (bulk inserts)."""
    rng = random.Random(seed)
    engine = make_engine(url)
    session = make_session_factory(engine)()
    now = dt.datetime.now(dt.UTC)
    kommuner = list(session.scalars(select(Municipality.id)))
    types = list(OrgType)
    orgs = [
        {
            "name": f"Organisation {i}",
            "type": rng.choice(types).value,
            "municipality_id": rng.choice(kommuner + [None]),
            "created_at": now,
        }
        for i in range(300)
    ]
    session.execute(insert(Organisation), orgs)
    org_ids = list(session.scalars(select(Organisation.id)))
    session.execute(
        insert(Call),
        [
            {
                "name": f"Utlysning {i}",
                "diarienummer": f"B-{i:04d}",
                "programme_area": f"Programområde {i % 4 + 1}",
                "opens": (now - dt.timedelta(days=60 * i)).date(),
                "closes": (now - dt.timedelta(days=60 * i - 90)).date(),
                "region": "Region Västerbotten",
                "template_key": "esf_plus",
            }
            for i in range(24)
        ],
    )
    call_ids = list(session.scalars(select(Call.id)))
    session.execute(
        insert(User),
        [{"name": "Bänk Stöd", "email": "bench@example.se", "role": Role.SUPPORT.value,
          "is_active": True, "created_at": now}],
    )  # fmt: skip

    ideas, history, places, partners, logs = [], [], [], [], []
    for i in range(1, n_ideas + 1):
        stage = rng.choice(BOARD_ORDER)
        route = ROUTES[stage]
        when = now - dt.timedelta(days=rng.uniform(30, 900))
        steps = []
        for step in route:
            steps.append((step, when))
            when = min(now, when + dt.timedelta(days=rng.uniform(2, 120)))
        women, men = rng.randint(0, 40), rng.randint(0, 40)
        budget = rng.randint(100, 8000) * 1000
        submitted = Stage.SUBMITTED in route
        ideas.append(
            {
                "id": i,
                "title": f"Idé {i}",
                "stage": stage.value,
                "stage_changed_at": steps[-1][1],
                "created_at": steps[0][1],
                "updated_at": steps[-1][1],
                "lead_organisation_id": rng.choice(org_ids),
                "call_id": rng.choice(call_ids + [None]),
                "programme_area": f"Programområde {rng.randint(1, 4)}",
                "budget_total": budget,
                "esf_share": budget // 2,
                "esf_granted": budget // 3 if Stage.GRANTED in route else None,
                "submitted_on": steps[route.index(Stage.SUBMITTED)][1].date()
                if submitted
                else None,
                "participants_women": women,
                "participants_men": men,
                "participants_total": women + men + rng.randint(0, 5),
                "parked_from": Stage.PRESTUDY.value if stage == Stage.PARKED else None,
                "is_regional": False,
                "summary": "",
                "background": "",
                "purpose": "",
                "target_groups": "",
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
            }
        )
        previous = None
        for step, at in steps:
            history.append({"idea_id": i, "from_stage": previous, "to_stage": step.value,
                            "created_at": at, "comment": ""})  # fmt: skip
            previous = step.value
        for mid in rng.sample(kommuner, rng.choice([1, 1, 1, 2, 3])):
            places.append({"idea_id": i, "municipality_id": mid})
        for oid in rng.sample(org_ids, rng.choice([0, 1, 2, 3])):
            partners.append({"idea_id": i, "organisation_id": oid, "can_edit": True})
        for _ in range(rng.randint(0, 3)):
            logs.append({"action": "idea.update", "entity_type": "idea", "entity_id": i,
                         "idea_id": i, "details": {}, "created_at": steps[-1][1]})  # fmt: skip
    session.execute(insert(ProjectIdea), ideas)
    session.execute(insert(StageChange), history)
    session.execute(insert(idea_municipality), places)
    session.execute(insert(IdeaPartner), partners)
    session.execute(insert(ActivityLog), logs)

    results = check_results()
    drafted = [r["id"] for r in ideas if Stage(r["stage"]) in DRAFTED]
    chosen = rng.sample(drafted, min(n_drafts, len(drafted)))
    session.execute(
        insert(Draft),
        [{"id": n, "idea_id": idea_id, "template_key": "esf_plus", "revision_count": 3,
          "created_at": now, "updated_at": now - dt.timedelta(days=rng.uniform(0, 200))}
         for n, idea_id in enumerate(chosen, start=1)],
    )  # fmt: skip
    runs, findings, overrides = [], [], []
    for draft_id in range(1, len(chosen) + 1):
        for number in range(1, rng.randint(1, 3) + 1):
            levels, found, rest = split_result(rng.choice(results))
            runs.append({"draft_id": draft_id, "revision_number": number,
                         "template_key": "esf_plus", "levels": levels,
                         "result": rest, "created_at": now})  # fmt: skip
            findings.append(found)
        if rng.random() < 0.1:
            overrides.append({"draft_id": draft_id, "principle": "jamstalldhet",
                              "level": "concrete", "reason": "", "created_at": now})  # fmt: skip
    for start in range(0, len(runs), 500):
        session.execute(insert(CheckRun), runs[start : start + 500])
    run_ids = session.scalars(select(CheckRun.id).order_by(CheckRun.id)).all()
    finding_rows = [
        {"check_run_id": run_id, **finding_values(finding)}
        for run_id, found in zip(run_ids, findings, strict=True)
        for finding in found
    ]
    for start in range(0, len(finding_rows), 2000):
        session.execute(insert(CheckFinding), finding_rows[start : start + 2000])
    if overrides:
        session.execute(insert(LevelOverride), overrides)
    session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
            for table in ("project_idea", "stage_change", "draft", "user_account"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(
        f"  {len(ideas)} ideas, {len(history)} stage changes, {len(chosen)} drafts, "
        f"{len(runs)} check runs, {len(logs)} activity rows"
    )
    session.close()
    engine.dispose()


def measure(url: str, runs: int) -> list[tuple[str, float, float]]:
    """Median and p95 in ms of each page through the test client, signed in as support."""
    from web import create_app
    from web import db as web_db
    from web.extensions import login_manager

    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "REDIS_URL": None, "SECRET_KEY": "bench"}
    )
    with app.app_context():
        user_id = (
            web_db.session().scalars(select(User.id).filter_by(email="bench@example.se")).one()
        )
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as cookie:
        cookie.update({"_user_id": sign_in_value(app, user_id), "_fresh": True, "_id": identifier})
    figures = []
    for path in [f"/rapporter/{slug}" for slug in PAGES] + EXTRA:
        times = []
        for attempt in range(runs + 2):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if attempt >= 2:  # the first two warm the connection pool and templates
                times.append(elapsed)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        figures.append((path, statistics.median(times), p95))
    app.extensions["framsyn.engine"].dispose()
    return figures


def report(name: str, figures: list[tuple[str, float, float]]) -> bool:
    print(f"\n{name}")
    print(f"  {'page':58} {'median ms':>10} {'p95 ms':>8}")
    ok = True
    for path, median, p95 in figures:
        page = path.startswith("/rapporter/") and path.count("/") == 2 and "." not in path
        mark = ""
        if page:
            mark = "  ok" if p95 < TARGET_MS else "  OVER TARGET"
            ok = ok and p95 < TARGET_MS
        print(f"  {path:58} {median:10.1f} {p95:8.1f}{mark}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        print("SQLite: migrating and filling")
        upgrade(url)
        populate(url, args.ideas, args.drafts)
        ok = report("SQLite", measure(url, args.runs)) and ok

    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        base = normalise_url(base)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}options=-csearch_path%3D{schema}"
        try:
            print("\nPostgreSQL: migrating and filling")
            upgrade(url)
            populate(url, args.ideas, args.drafts)
            ok = report("PostgreSQL", measure(url, args.runs)) and ok
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"\nTarget: p95 under {TARGET_MS} ms per report page: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
