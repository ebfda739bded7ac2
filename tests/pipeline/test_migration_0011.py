"""Migration 0011: programme areas of every earlier form become "<period>:<code>", free text is
kept, and downgrading gives the old forms back, with every row kept."""

from __future__ import annotations

from sqlalchemy import text

from pipeline import programme_areas
from pipeline.db import make_engine
from pipeline.migrate import current_revision, downgrade, upgrade

T = "2026-11-30 10:00:00+00:00"
CALL = (
    "INSERT INTO call (id, name, diarienummer, programme_area, opens, closes, region, "
    "template_key) VALUES (:id, :name, :id, :area, :opens, :opens, 'Övre Norrland', 'esf_plus')"
)
IDEA = (
    "INSERT INTO project_idea (id, title, summary, background, purpose, target_groups, "
    "programme_area, call_id, period_start, contact_name, contact_email, contact_phone, stage, "
    "stage_changed_at, is_regional, created_at, updated_at) VALUES (:id, :title, '', '', '', '', "
    ":area, :call, :start, '', '', '', 'idea', :at, false, :at, :at)"
)
# (stored before, call, project start, stored after)
IDEAS = [
    ("B", None, None, "2021-2027:B"),
    ("A: Öka möjligheten till ett inkluderande och hållbart arbetsliv för alla", None, None,
     "2021-2027:A"),
    ("Programområde 1 Kompetensförsörjning", None, "2010-01-01", "2007-2013:1"),
    ("Programområde 1 Kompetensförsörjning", None, "2016-03-01", "2014-2020:1"),
    ("Programområde 1", 2, None, "2014-2020:1"),
    ("Programområde 2 Ökade övergångar till arbete", None, None, "2014-2020:2"),
    ("Eget område", None, None, "Eget område"),
    ("Z", None, None, "Z"),
    ("", None, None, ""),
]  # fmt: skip


def _areas(conn, table: str) -> list[tuple]:
    return [
        tuple(r) for r in conn.execute(text(f"SELECT id, programme_area FROM {table} ORDER BY id"))
    ]


def test_0011_rewrites_known_areas_keeps_free_text_and_goes_back(url):
    upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(CALL), dict(id=1, name="ESF+", area="Programområde A", opens="2026-02-01")
            )
            conn.execute(text(CALL), dict(id=2, name="Äldre", area="1", opens="2016-05-01"))
            for n, (area, call, start, _after) in enumerate(IDEAS, start=1):
                conn.execute(
                    text(IDEA),
                    dict(id=n, title=f"Idé {n}", area=area, call=call, start=start, at=T),
                )
        upgrade(url, "head")
        with engine.begin() as conn:
            assert _areas(conn, "call") == [(1, "2021-2027:A"), (2, "2014-2020:1")]
            after = _areas(conn, "project_idea")
            assert after == [(n, row[3]) for n, row in enumerate(IDEAS, start=1)]
            titles = conn.execute(text("SELECT count(*) FROM project_idea")).scalar_one()
            assert titles == len(IDEAS)
        # Every rewritten value names an entry of the reference data.
        assert all(programme_areas.area(v) for _id, v in after if ":" in v)
        downgrade(url, "0009")
        assert current_revision(engine) == "0009"
        with engine.begin() as conn:
            assert _areas(conn, "call") == [(1, "A"), (2, "Programområde 1 Kompetensförsörjning")]
            back = [v for _id, v in _areas(conn, "project_idea")]
        assert back == [
            "B",
            "A",
            "Programområde 1 Kompetensförsörjning",
            "Programområde 1 Kompetensförsörjning",
            "Programområde 1 Kompetensförsörjning",
            "Programområde 2 Ökade övergångar till arbete",
            "Eget område",
            "Z",
            "",
        ]
    finally:
        engine.dispose()
