"""Migration 0026: the database's tally of ideas per kommun and stage is filled on upgrade and
kept exact by every write to ideas and their kommuner (insert, stage and fund changes, kommuner
added and taken away, ideas deleted), on SQLite and PostgreSQL alike; downgrading drops it and
keeps every idea."""

from __future__ import annotations

from sqlalchemy import inspect, text

from pipeline.db import make_engine
from pipeline.migrate import downgrade, upgrade
from tests.pipeline.test_migration_0016 import IDEA

TALLY = (
    "SELECT municipality_id, stage, ideas, esf_share, esf_applied, esf_granted "
    "FROM kommun_stage_tally WHERE ideas <> 0 ORDER BY 1, 2"
)
# The same figures added up from the ideas themselves (what the balance did on every view).
LIVE = (
    "SELECT im.municipality_id, p.stage, count(*), coalesce(sum(p.esf_share), 0), "
    "coalesce(sum(CASE WHEN p.submitted_on IS NOT NULL THEN p.esf_share END), 0), "
    "coalesce(sum(p.esf_granted), 0) FROM idea_municipality im "
    "JOIN project_idea p ON p.id = im.idea_id GROUP BY 1, 2 ORDER BY 1, 2"
)
KOMMUN = "INSERT INTO municipality (id, code, name, region) VALUES (:id, :code, :name, 'Test')"
PLACE = "INSERT INTO idea_municipality (idea_id, municipality_id) VALUES (:idea, :kommun)"


def _tally(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(TALLY))]


def _live(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(LIVE))]


def _idea(conn, id_: int, *kommuner: int, share: int | None = None) -> None:
    conn.execute(text(IDEA), {"id": id_, "title": f"Idé {id_}", "at": "2026-01-01"})
    if share is not None:
        conn.execute(
            text("UPDATE project_idea SET budget_total = 1000000, esf_share = :s WHERE id = :id"),
            {"s": share, "id": id_},
        )
    for kommun in kommuner:
        conn.execute(text(PLACE), {"idea": id_, "kommun": kommun})


def test_0026_fills_the_tally_and_keeps_it_through_every_write(url):
    upgrade(url, "0025")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for n in (901, 902, 903):
                conn.execute(text(KOMMUN), {"id": n, "code": f"T{n - 900}", "name": f"K{n}"})
            _idea(conn, 1, 901, 902, share=100)
            _idea(conn, 2, 901)
        upgrade(url, "0026")
        with engine.begin() as conn:
            filled = _tally(conn)
            assert filled == _live(conn)
            assert (901, "idea", 2, 100, 0, 0) in filled and (902, "idea", 1, 100, 0, 0) in filled

        steps = [
            ("a new idea with two kommuner", lambda c: _idea(c, 3, 902, 903, share=50)),
            (
                "a stage change",
                lambda c: c.execute(
                    text("UPDATE project_idea SET stage = 'prestudy' WHERE id = 1")
                ),
            ),
            (
                "funds: submitted and granted",
                lambda c: c.execute(
                    text(
                        "UPDATE project_idea SET submitted_on = '2026-02-01', esf_granted = 40, "
                        "esf_share = 80 WHERE id = 3"
                    )
                ),
            ),
            (
                "an edit that changes no figure",
                lambda c: c.execute(text("UPDATE project_idea SET title = 'Ny' WHERE id = 3")),
            ),
            (
                "a kommun taken away",
                lambda c: c.execute(
                    text(
                        "DELETE FROM idea_municipality WHERE idea_id = 3 AND municipality_id = 902"
                    )
                ),
            ),
            ("a kommun added", lambda c: c.execute(text(PLACE), {"idea": 2, "kommun": 903})),
            ("an idea deleted", lambda c: c.execute(text("DELETE FROM project_idea WHERE id = 1"))),
        ]
        for what, step in steps:
            with engine.begin() as conn:
                step(conn)
            with engine.connect() as conn:
                assert _tally(conn) == _live(conn), what
        with engine.connect() as conn:
            assert _tally(conn) == [(901, "idea", 1, 0, 0, 0), (903, "idea", 2, 80, 80, 40)]
            assert (
                conn.scalar(text("SELECT count(*) FROM idea_municipality WHERE idea_id = 1")) == 0
            )

        downgrade(url, "0025")
        assert "kommun_stage_tally" not in inspect(engine).get_table_names()
        with engine.begin() as conn:  # no trigger is left behind to write to a dropped table
            _idea(conn, 4, 901)
            conn.execute(text("UPDATE project_idea SET stage = 'prestudy' WHERE id = 4"))
            conn.execute(text("DELETE FROM project_idea WHERE id = 4"))
            assert conn.scalar(text("SELECT count(*) FROM project_idea")) == 2
    finally:
        engine.dispose()
