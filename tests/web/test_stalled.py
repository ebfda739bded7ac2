"""One definition of a stalled idea: the team's start page and the funnel report agree."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from drafting.coverage import STALLED_ACTIVITY
from drafting.models import Draft
from pipeline.models import ActivityLog, ProjectIdea, Role, User, utcnow
from pipeline.queries import team_inbox
from pipeline.reports import ReportFilters, funnel
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user
from tests.web.people import sign_in
from web import db

DAYS = 30


def _age(session, idea: ProjectIdea, days: int, *, edited: int | None = None, logged=None):
    """Make the idea's stage change `days` old, its edit and log `edited`/`logged` days old."""
    now = utcnow()
    idea.stage_changed_at = now - dt.timedelta(days=days)
    idea.updated_at = now - dt.timedelta(days=days if edited is None else edited)
    session.flush()
    session.execute(
        update(ActivityLog)
        .where(ActivityLog.idea_id == idea.id)
        .values(created_at=now - dt.timedelta(days=days if logged is None else logged))
    )


@pytest.fixture
def world(app):
    with app.app_context():
        session = db.session()
        actor = make_user(session, Role.ACTOR, make_org(session, "Malå kommun"))
        support = make_user(session, Role.SUPPORT)
        ideas = {}
        for name, stage in [
            ("still-1", Stage.IDEA),
            ("still-2", Stage.DRAFTING),
            ("edited", Stage.PRESTUDY),
            ("logged", Stage.IDEA),
            ("draft-edited", Stage.DRAFTING),
            ("parked", Stage.PARKED),
            ("fresh", Stage.IDEA),
        ]:
            idea = make_idea(session, actor, title=name)
            idea.stage = stage
            ideas[name] = idea
        session.flush()
        for name in ("still-1", "still-2", "parked", "draft-edited"):
            _age(session, ideas[name], 45)
        _age(session, ideas["edited"], 45, edited=2)  # the start page used to count this one
        _age(session, ideas["logged"], 45, logged=3)
        now = utcnow()
        session.add(Draft(idea=ideas["draft-edited"], template_key="esf_plus", revision_count=0,
                          created_at=now, updated_at=now - dt.timedelta(days=1)))  # fmt: skip
        session.commit()
        return {"support": support.id}


def test_the_start_page_and_the_funnel_count_the_same_stalled_ideas(app, client, world):
    app.config["STALLED_AFTER_DAYS"] = DAYS
    with app.app_context():
        session = db.session()
        support = session.get(User, world["support"])
        now = utcnow()
        inbox = team_inbox(
            session, support, now=now, stalled_after_days=DAYS, activity=STALLED_ACTIVITY
        )
        report = funnel(
            session,
            support,
            ReportFilters.default(now.date(), stalled_after_days=DAYS),
            now=now,
            activity=STALLED_ACTIVITY,
        )
        assert {i.title for i in inbox.stalled} == {"still-1", "still-2"}
        assert {i.title for i in report.stalled} == {"still-1", "still-2"}
        assert inbox.stalled_count == report.stalled_total == 2
    sign_in(app, client, world["support"])
    start = client.get("/").get_data(as_text=True)
    section = start.split('id="h-stalled"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'class="count">\(2\)', section)
    assert "edited" not in section and "parked" not in section
    tratt = client.get(f"/rapporter/tratt?stillastaende={DAYS}").get_data(as_text=True)
    assert "still-1" in tratt and "still-2" in tratt and "draft-edited" not in tratt
