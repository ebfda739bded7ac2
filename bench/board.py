"""Time the board, the list and an idea page with 10,000 ideas.

    .venv/bin/python bench/board.py [--ideas 10000] [--runs 50]

Runs on a fresh SQLite file, and also on PostgreSQL (in a private schema that is dropped
afterwards) when TEST_DATABASE_URL is set. Pages are fetched through the Flask test client,
signed in as a support-team member. For each page it prints the median, the 95th percentile,
the ratio of the median to /healthz measured in the same run, and the number of SQL
statements the page ran. The target is a board p95 under 150 ms.
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

from sqlalchemy import event, insert, select, text  # noqa: E402

from bench.signin import sign_in_value  # noqa: E402
from pipeline.db import make_engine, normalise_url  # noqa: E402
from pipeline.migrate import upgrade  # noqa: E402
from pipeline.models import (  # noqa: E402
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
from pipeline.stages import BOARD_ORDER  # noqa: E402

TARGET_MS = 150
WORDS = "lärcentrum unga vuxna arbete kompetens inlandet omställning vård språk jobb".split()


def fill(url: str, count: int) -> int:
    """Insert organisations, a support user, calls and `count` ideas; return the user's id."""
    engine = make_engine(url)
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        munis = list(conn.scalars(select(Municipality.id)))
        conn.execute(
            insert(Organisation),
            [{"name": f"Organisation {i}", "type": OrgType.KOMMUN.value} for i in range(60)],
        )
        orgs = list(conn.scalars(select(Organisation.id)))
        conn.execute(
            insert(Call),
            [
                {
                    "name": f"Utlysning {i}",
                    "diarienummer": f"2026/{i}",
                    "programme_area": "A",
                    "opens": dt.date(2026, 1, 1),
                    "closes": dt.date(2026, 1, 1) + dt.timedelta(days=30 * i),
                    "region": "Övre Norrland",
                    "template_key": "esf_plus",
                }
                for i in range(1, 13)
            ],
        )
        calls = list(conn.scalars(select(Call.id)))
        support_id = conn.execute(
            insert(User).returning(User.id),
            [
                {
                    "name": "Sam Stöd",
                    "email": "bench@example.se",
                    "role": Role.SUPPORT.value,
                    "is_active": True,
                    "created_at": now,
                }
            ],
        ).scalar_one()
        ideas, links, partners, history = [], [], [], []
        for i in range(1, count + 1):
            stage = rng.choice(BOARD_ORDER)
            changed = now - dt.timedelta(days=rng.randint(0, 400))
            ideas.append(
                {
                    "id": i,
                    "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
                    "summary": " ".join(rng.choices(WORDS, k=12)),
                    "background": "",
                    "purpose": "",
                    "target_groups": "",
                    "participants_women": 10,
                    "participants_men": 10,
                    "participants_total": 25,
                    "lead_organisation_id": rng.choice(orgs),
                    "programme_area": rng.choice(["A", "B", "C", ""]),
                    "call_id": rng.choice([*calls, None]),
                    "budget_total": 1_000_000,
                    "esf_share": 500_000,
                    "contact_name": "",
                    "contact_email": "",
                    "contact_phone": "",
                    "stage": stage.value,
                    "stage_changed_at": changed,
                    "is_regional": False,
                    "created_at": changed,
                    "updated_at": changed,
                }
            )
            for muni in rng.sample(munis, rng.randint(1, 3)):
                links.append({"idea_id": i, "municipality_id": muni})
            partners.append({"idea_id": i, "organisation_id": rng.choice(orgs), "can_edit": True})
            history.append(
                {
                    "idea_id": i,
                    "to_stage": stage.value,
                    "user_id": support_id,
                    "comment": "",
                    "created_at": changed,
                }
            )
        for start in range(0, len(ideas), 2000):
            conn.execute(insert(ProjectIdea), ideas[start : start + 2000])
        conn.execute(insert(idea_municipality), links)
        conn.execute(insert(IdeaPartner), [p for p in partners if p["organisation_id"]])
        conn.execute(insert(StageChange), history)
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('project_idea', 'id'), "
                    "(SELECT max(id) FROM project_idea))"
                )
            )
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return support_id


def measure(client, path: str, runs: int) -> list[float]:
    """Milliseconds per request, after two warm-up requests."""
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(label: str, url: str, count: int, runs: int) -> bool:

    from web import create_app

    started = time.perf_counter()
    support_id = fill(url, count)
    print(f"\n{label}: {count} ideas inserted in {time.perf_counter() - started:.1f} s")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": None}
    )
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        from web.extensions import login_manager

        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session.update(
            {"_user_id": sign_in_value(app, support_id), "_fresh": True, "_id": identifier}
        )
    engine = app.extensions["framsyn.engine"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    pages = {
        "/healthz": "/healthz",
        "board": "/tavla",
        "board, filtered": "/tavla?q=l%C3%A4rcentrum&skede=idea",
        "list": "/ideer?sortera=lead&ordning=stigande&sida=3",
        "idea page": f"/ideer/{count // 2}",
        "start page": "/",
    }
    results = {}
    for name, path in pages.items():
        times = measure(client, path, runs)
        statements.clear()
        client.get(path)
        results[name] = (statistics.median(times), p95(times), len(statements))
    base = results["/healthz"][0]
    print(f"{'page':18} {'median ms':>10} {'p95 ms':>8} {'x healthz':>10} {'queries':>8}")
    for name, (median, high, queries) in results.items():
        print(f"{name:18} {median:10.1f} {high:8.1f} {median / base:10.1f} {queries:8d}")
    ok = results["board"][1] < TARGET_MS
    print(f"board p95 {'meets' if ok else 'MISSES'} the {TARGET_MS} ms target")
    engine.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        ok &= run("SQLite", url, args.ideas, args.runs)
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        base = normalise_url(base)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            separator = "&" if "?" in base else "?"
            url = f"{base}{separator}options=-csearch_path%3D{schema}"
            upgrade(url)
            ok &= run("PostgreSQL", url, args.ideas, args.runs)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
