"""Upgrading a database that was created at the first migration, with data in it, loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from pipeline.db import make_engine
from pipeline.migrate import current_revision, upgrade
from pipeline.models import ActivityLog, ProjectIdea, StageChange, User

T0 = dt.datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=dt.UTC)


def _table(table_name: str, /, **columns):
    return table(table_name, *[column(n, t) for n, t in columns.items()])


organisation = _table(
    "organisation", id=None, name=None, type=None, municipality_id=None, org_number=None,
    created_at=DateTime(timezone=True),
)  # fmt: skip
user_account = _table(
    "user_account", id=None, name=None, email=None, role=None, organisation_id=None,
    password_hash=None, locale=None, is_active=Boolean(), created_at=DateTime(timezone=True),
    last_login_at=DateTime(timezone=True),
)  # fmt: skip
call = _table(
    "call", id=None, name=None, diarienummer=None, programme_area=None, specific_objective=None,
    opens=Date(), closes=Date(), region=None, template_key=None,
)  # fmt: skip
IDEA_COLUMNS = dict(
    id=None, title=None, summary=None, background=None, purpose=None, target_groups=None,
    participants_women=None, participants_men=None, participants_total=None,
    lead_organisation_id=None, programme_area=None, call_id=None, budget_total=None,
    esf_share=None, esf_granted=None, period_start=Date(), period_end=Date(), contact_name=None,
    contact_email=None, contact_phone=None, stage=None, stage_changed_at=DateTime(timezone=True),
    parked_from=None, submitted_on=Date(), esf_diarienummer=None, is_regional=Boolean(),
    regional_project_id=None, created_by_id=None, created_at=DateTime(timezone=True),
    updated_at=DateTime(timezone=True),
)  # fmt: skip
project_idea = _table("project_idea", **IDEA_COLUMNS)
idea_municipality = _table("idea_municipality", idea_id=None, municipality_id=None)
idea_partner = _table("idea_partner", idea_id=None, organisation_id=None, can_edit=Boolean())
stage_change = _table(
    "stage_change", id=None, idea_id=None, from_stage=None, to_stage=None, user_id=None,
    comment=None, created_at=DateTime(timezone=True),
)  # fmt: skip
comment = _table(
    "comment", id=None, idea_id=None, author_id=None, body=None, visibility=None,
    created_at=DateTime(timezone=True),
)  # fmt: skip
activity_log = _table(
    "activity_log", id=None, user_id=None, action=None, entity_type=None, entity_id=None,
    idea_id=None, details=JSON(), created_at=DateTime(timezone=True),
)  # fmt: skip


def _idea(id_: int, **values) -> dict:
    row = dict.fromkeys(IDEA_COLUMNS)
    row.update(
        id=id_, summary="Sammanfattning", background="", purpose="", target_groups="",
        participants_women=5, participants_men=4, participants_total=12, programme_area="A",
        budget_total=1_000_000, esf_share=400_000, contact_name="", contact_email="",
        contact_phone="", stage="idea", stage_changed_at=T0, is_regional=False, created_at=T0,
        updated_at=T0,
    )  # fmt: skip
    row.update(values)
    return row


ROWS = [
    (organisation, [
        {"id": 10, "name": "Åsele kommun", "type": "kommun", "municipality_id": None,
         "org_number": "212000-2478", "created_at": T0},
        {"id": 11, "name": "Lärcentrum \"Norr\" & co", "type": "larcentrum",
         "municipality_id": None, "org_number": None, "created_at": T0},
    ]),
    (user_account, [
        {"id": 20, "name": "Åsa Öberg", "email": "asa@example.se", "role": "actor",
         "organisation_id": 10, "password_hash": "argon2$x", "locale": "sv", "is_active": True,
         "created_at": T0, "last_login_at": T0 + dt.timedelta(days=1)},
        {"id": 21, "name": "Sam Stöd", "email": "sam@example.se", "role": "support",
         "organisation_id": None, "password_hash": None, "locale": None, "is_active": False,
         "created_at": T0, "last_login_at": None},
    ]),
    (call, [
        {"id": 30, "name": "Utlysning 1", "diarienummer": "2025/1", "programme_area": "A",
         "specific_objective": None, "opens": dt.date(2025, 1, 1),
         "closes": dt.date(2025, 6, 30), "region": "Övre Norrland", "template_key": "esf_plus"},
    ]),
    (project_idea, [
        _idea(41, title="Regionalt paraply", is_regional=True, stage="prestudy",
              created_by_id=21),
        _idea(40, title="Lärcentrum i inlandet", lead_organisation_id=10, call_id=30,
              regional_project_id=41, contact_name="Åsa Öberg", contact_email="asa@example.se",
              contact_phone="070-1234567", period_start=dt.date(2026, 1, 1),
              period_end=dt.date(2027, 12, 31), created_by_id=20, esf_granted=None),
    ]),
    (idea_municipality, [{"idea_id": 40, "municipality_id": None}]),
    (idea_partner, [{"idea_id": 40, "organisation_id": 11, "can_edit": False}]),
    (stage_change, [
        {"id": 50, "idea_id": 41, "from_stage": None, "to_stage": "idea", "user_id": 21,
         "comment": "", "created_at": T0},
        {"id": 51, "idea_id": 41, "from_stage": "idea", "to_stage": "prestudy", "user_id": 21,
         "comment": "Vidare <b>nu</b>", "created_at": T0 + dt.timedelta(hours=2)},
    ]),
    (comment, [
        {"id": 60, "idea_id": 40, "author_id": 20, "body": "Hej!\nRad två", "visibility": "shared",
         "created_at": T0},
        {"id": 61, "idea_id": 40, "author_id": 21, "body": "Internt", "visibility": "internal",
         "created_at": T0},
    ]),
    (activity_log, [
        {"id": 70, "user_id": 20, "action": "idea.create", "entity_type": "ProjectIdea",
         "entity_id": 40, "idea_id": 40, "details": {"title": "Lärcentrum", "n": [1, 2]},
         "created_at": T0},
    ]),
]  # fmt: skip


def _fill(conn: Connection) -> None:
    municipality = conn.execute(text("SELECT min(id) FROM municipality")).scalar_one()
    for clause, rows in ROWS:
        # Parents of self-references first: the regional project is inserted before its member.
        for row in rows:
            if "municipality_id" in row and clause.name == "idea_municipality":
                row = {**row, "municipality_id": municipality}
            conn.execute(clause.insert(), [row])


def _snapshot(conn: Connection) -> dict[str, list[tuple]]:
    found = {}
    for clause, _rows in ROWS:
        keys = [c for c in clause.c if c.name in ("id", "idea_id")][:1] or list(clause.c)
        found[clause.name] = [tuple(r) for r in conn.execute(select(*clause.c).order_by(*keys))]
    return found


def _as_migrated(snapshot: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The snapshot with the programme areas as migration 0011 rewrites them."""
    out = dict(snapshot)
    for clause, _rows in ROWS:
        names = [c.name for c in clause.c]
        if "programme_area" in names:
            i = names.index("programme_area")
            out[clause.name] = [
                (*r[:i], {"A": "2021-2027:A"}.get(r[i], r[i]), *r[i + 1 :])
                for r in snapshot[clause.name]
            ]
    return out


def _check(url: str) -> None:
    upgrade(url, "0001")
    engine = make_engine(url)
    try:
        assert current_revision(engine) == "0001"
        with engine.begin() as conn:
            _fill(conn)
        with engine.connect() as conn:
            before = _snapshot(conn)
        upgrade(url, "head")
        assert current_revision(engine) != "0001"
        with engine.connect() as conn:
            after = _snapshot(conn)
        assert before["call"][0][3] == "A"  # the migrations' one intended change:
        assert after == _as_migrated(before)  # 0011 names programme areas "<period>:<code>"
        with Session(engine) as session:
            asa = session.get(User, 20)
            assert (asa.name, asa.organisation.name) == ("Åsa Öberg", "Åsele kommun")
            assert asa.invited_at is None and asa.invited_by_id is None
            assert asa.last_login_at == T0 + dt.timedelta(days=1)
            idea = session.get(ProjectIdea, 40)
            assert idea.regional_project_id == 41 and idea.contact_phone == "070-1234567"
            assert [p.organisation_id for p in idea.partners] == [11]
            assert [c.to_stage.value for c in session.get(ProjectIdea, 41).history] == [
                "idea",
                "prestudy",
            ]
            assert session.get(StageChange, 51).created_at == T0 + dt.timedelta(hours=2)
            assert session.get(ActivityLog, 70).details == {"title": "Lärcentrum", "n": [1, 2]}
            # The upgraded database takes new rows in every table of the later migrations.
            session.execute(
                text(
                    "INSERT INTO draft (idea_id, template_key, revision_count, created_at, "
                    "updated_at) VALUES (40, 'esf_plus', 0, :t, :t)"
                ),
                {"t": T0},
            )
            session.rollback()
    finally:
        engine.dispose()


def test_upgrade_from_0001_with_data_on_sqlite(tmp_path) -> None:
    _check(f"sqlite:///{tmp_path / 'old.db'}")


@pytest.mark.postgres
def test_upgrade_from_0001_with_data_on_postgres(empty_postgres_url: str) -> None:
    _check(empty_postgres_url)
