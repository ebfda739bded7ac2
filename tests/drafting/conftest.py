"""Drafting tests see the drafting models in the shared metadata."""

from __future__ import annotations

import pytest

import drafting.models  # noqa: F401  (registers the drafting tables)
from pipeline.models import IdeaPartner, Role
from pipeline.stages import Stage
from tests.factories import make_idea, make_org, make_user


@pytest.fixture
def people(session):
    """One person per kind of reader: lead actor, partner, unrelated actor, support, admin."""
    lead, partner, other = (make_org(session) for _ in range(3))
    team = make_org(session, f"Region {lead.id}")
    return {
        "owner": make_user(session, Role.ACTOR, lead),
        "partner": make_user(session, Role.ACTOR, partner),
        "other": make_user(session, Role.ACTOR, other),
        "support": make_user(session, Role.SUPPORT, team),
        "admin": make_user(session, Role.ADMIN),
    }


@pytest.fixture
def idea(session, people):
    """An idea in Ansökan skrivs, led by the owner's organisation with an editing partner."""
    found = make_idea(session, people["owner"], title="Vägar till arbete i inlandet")
    found.partners.append(
        IdeaPartner(organisation_id=people["partner"].organisation_id, can_edit=True)
    )
    found.stage = Stage.DRAFTING
    session.flush()
    return found
