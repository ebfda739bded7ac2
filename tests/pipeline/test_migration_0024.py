"""Migration 0024: each draft's latest check run and its findings are marked by the database,
filled on upgrade and kept through inserts (in any order) and deletes, on SQLite and
PostgreSQL alike; downgrading drops the marks and keeps every run."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0007_0008 import DRAFT, T, _idea

RUN = (
    "INSERT INTO check_run (id, draft_id, revision_number, template_key, levels, result, "
    "created_at) VALUES (:id, :draft, :id, 'esf_plus', '{}', '{}', :at)"
)
FINDING = (
    "INSERT INTO check_finding (check_run_id, rule_id, principle, severity, section, "
    "message_sv, message_en) VALUES (:run, :rule, 'jamstalldhet', 'warning', NULL, '', '')"
)


def _run(conn, id_: int, draft: int, findings: int = 2) -> None:
    conn.execute(text(RUN), {"id": id_, "draft": draft, "at": T})
    for n in range(findings):
        conn.execute(text(FINDING), {"run": id_, "rule": f"jamstalldhet.r{n}"})


def _marked(engine) -> tuple[list[int], list[int]]:
    """The latest runs, and the runs of the findings marked latest (each once)."""
    with engine.connect() as conn:
        runs = conn.scalars(text("SELECT id FROM check_run WHERE is_latest ORDER BY id")).all()
        findings = conn.scalars(
            text("SELECT DISTINCT check_run_id FROM check_finding WHERE is_latest ORDER BY 1")
        ).all()
    return list(runs), list(findings)


def test_0024_marks_the_latest_runs_and_keeps_the_marks(url):
    upgrade(url, "0023")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for n in (1, 2):
                _idea(conn, n, f"Idé {n}")
                conn.execute(text(DRAFT), dict(id=n, n=1, at=T))
            for id_, draft in ((1, 1), (2, 1), (3, 1), (4, 2)):
                _run(conn, id_, draft)
        upgrade(url, "0024")
        assert _marked(engine) == ([3, 4], [3, 4])  # filled from the history

        with engine.begin() as conn:  # a new check of draft 1 takes over, findings and all
            _run(conn, 5, 1)
        assert _marked(engine) == ([4, 5], [4, 5])
        with engine.begin() as conn:  # inserted out of order (a restore): the highest id wins
            _run(conn, 10, 2)
            _run(conn, 6, 2)
        assert _marked(engine) == ([5, 10], [5, 10])
        with engine.begin() as conn:  # a run's findings added later take its mark
            conn.execute(text(FINDING), {"run": 10, "rule": "jamstalldhet.later"})
            conn.execute(text(FINDING), {"run": 6, "rule": "jamstalldhet.later"})
            latest = conn.scalar(
                text("SELECT count(*) FROM check_finding WHERE is_latest AND check_run_id = 10")
            )
            assert latest == 3
        with engine.begin() as conn:  # deleting the latest hands the mark back
            conn.execute(text("DELETE FROM check_finding WHERE check_run_id = 5"))
            conn.execute(text("DELETE FROM check_run WHERE id = 5"))
        assert _marked(engine) == ([3, 10], [3, 10])
        with engine.begin() as conn:  # a draft removed takes its runs along
            conn.execute(text("DELETE FROM draft WHERE id = 2"))
        assert _marked(engine) == ([3], [3])

        downgrade(url, "0023")
        for table in ("check_run", "check_finding"):
            assert "is_latest" not in {c["name"] for c in inspect(engine).get_columns(table)}
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM check_run")) == 3
            assert conn.scalar(text("SELECT count(*) FROM check_finding")) == 6
        with engine.begin() as conn:  # and nothing is left to fire on a new run
            _run(conn, 11, 1)
    finally:
        engine.dispose()
