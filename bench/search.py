"""Time the search page, the list's Fritext, similar ideas and the candidates.

    .venv/bin/python bench/search.py [--ideas 10000] [--runs 30]

Fills the database with bench/national.py's portfolio (290 kommuner, texts from real Swedish
ESF writing, drafts for three in ten ideas, the search index as the app writes it), then
fetches each page through the Flask test client as a support-team member and as an actor:
median, p95 and the number of SQL statements per page. On a fresh SQLite file, and on
PostgreSQL (a private schema, dropped afterwards) when TEST_DATABASE_URL is set. Targets:
search and similar ideas p95 < 200 ms. `--ideas 100000` is all of Sweden.

The queries are words of every frequency in ESF writing: "deltagare" is in most ideas,
"lärcentrum" in some, "hörslinga" in few; "kompet" is a prefix of several common words.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

from bench.board import fill, measure, p95  # noqa: E402
from bench.signin import sign_in_value  # noqa: E402
from pipeline.db import make_engine, normalise_url  # noqa: E402
from pipeline.migrate import upgrade  # noqa: E402
from pipeline.models import ProjectIdea, Role, User  # noqa: E402

TARGET_MS = 200


def signed_in(app, user_id: int):
    """A test client signed in as `user_id`."""
    from web.extensions import login_manager

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        session.update({"_user_id": sign_in_value(app, user_id), "_fresh": True, "_id": identifier})
    return client


def add_actor(url: str) -> int:
    """An actor in the organisation that leads the most ideas; the user's id."""
    engine = make_engine(url)
    with engine.begin() as conn:
        org = conn.scalar(
            select(ProjectIdea.lead_organisation_id)
            .group_by(ProjectIdea.lead_organisation_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        user_id = conn.execute(
            insert(User).returning(User.id),
            [{"name": "Bänk Aktör", "email": "actor@example.se", "role": Role.ACTOR.value,
              "organisation_id": org, "is_active": True, "created_at": dt.datetime.now(dt.UTC)}],
        ).scalar_one()  # fmt: skip
    engine.dispose()
    return user_id


def run(label: str, url: str, count: int, runs: int) -> bool:
    from web import create_app

    started = time.perf_counter()
    support_id = fill(url, count)
    elapsed = time.perf_counter() - started
    print(f"\n{label}: {count} ideas and their search index in {elapsed:.1f} s")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "REDIS_URL": None,
            "GC_FREEZE": True,  # as a served app does (web._freeze_long_lived_objects)
        }
    )
    client = signed_in(app, support_id)
    actor = signed_in(app, add_actor(url))
    engine = app.extensions["framsyn.engine"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    pages = {
        "/healthz": "/healthz",
        "search, common word": "/sok?q=deltagare",
        "search, one word": "/sok?q=l%C3%A4rcentrum",
        "search, rare word": "/sok?q=h%C3%B6rslinga",
        "search, two words": "/sok?q=unga+arbetsmarknaden",
        "search, prefix, p3": "/sok?q=kompet&sida=3",
        "search, filtered": "/sok?q=utbildning&skede=idea",
        "search, as actor": ("actor", "/sok?q=deltagare"),
        "list, Fritext": "/ideer?q=spr%C3%A5k",
        "board, Fritext": "/tavla?q=arbetsgivare",
        "idea page+similar": f"/ideer/{count // 2}",
        "candidates": "/regionala-kandidater",
    }
    results = {}
    for name, path in pages.items():
        who = client
        if isinstance(path, tuple):
            _kind, path = path
            who = actor
        times = measure(who, path, runs)
        statements.clear()
        who.get(path)
        results[name] = (statistics.median(times), p95(times), len(statements))
    print(f"{'page':20} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, (median, high, queries) in results.items():
        print(f"{name:20} {median:10.1f} {high:8.1f} {queries:8d}")
    searched = [v[1] for k, v in results.items() if k.startswith(("search", "idea page"))]
    ok = max(searched) < TARGET_MS
    print(f"search and similar p95 {'meet' if ok else 'MISS'} the {TARGET_MS} ms target")
    engine.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    ok = True
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            upgrade(url)
            ok &= run("SQLite", url, args.ideas, args.runs)
    base = os.environ.get("TEST_DATABASE_URL")
    if base and args.only != "sqlite":
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
