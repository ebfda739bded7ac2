"""Time the report pages on a national portfolio (10,000 ideas and 3,000 drafts by default).

    .venv/bin/python bench/reports.py [--ideas 10000] [--drafts 3000] [--runs 30]

The portfolio is bench/national.py's (290 kommuner in 21 regions); `--ideas 100000 --drafts
30000` is all of Sweden.

Runs on a fresh SQLite file, and also on PostgreSQL (in a private schema that is dropped
afterwards) when TEST_DATABASE_URL is set. Each page is fetched through the Flask test client,
signed in as a support-team member; the median and the 95th percentile are printed per page,
with the charts and the workbook downloads for reference. The target is p95 under 500 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

from bench.signin import sign_in_value  # noqa: E402
from pipeline.db import make_engine, normalise_url  # noqa: E402
from pipeline.migrate import upgrade  # noqa: E402
from pipeline.models import (  # noqa: E402
    User,
)

TARGET_MS = 500  # issue 15: reports p95 under 500 ms at national scale
PAGES = ["tratt", "regional-balans", "principer", "deltagare"]
EXTRA = [
    "/rapporter/diagram/principer/principer.svg",
    "/rapporter/diagram/regional-balans/balans-kommuner.svg",
    "/rapporter/regional-balans.xlsx",
    "/rapporter/principer.xlsx",
]


def populate(url: str, n_ideas: int, n_drafts: int) -> None:
    """bench/national.py's portfolio, with its row counts printed."""
    from bench.national import populate as national

    counts = national(url, n_ideas, n_drafts)
    print("  " + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items()
                           if name != "support_id"))  # fmt: skip


def measure(url: str, runs: int) -> list[tuple[str, float, float]]:
    """Median and p95 in ms of each page through the test client, signed in as support."""
    from web import create_app
    from web import db as web_db
    from web.extensions import login_manager

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
            "GC_FREEZE": True,  # as a served app does (web._freeze_long_lived_objects)
        }
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
