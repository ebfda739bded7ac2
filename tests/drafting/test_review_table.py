"""Saving a principle's whole checklist at once: only changed rows, all or nothing, team only."""

from __future__ import annotations

import pytest

from drafting.demo import weak_sections
from drafting.review import ChecklistRefused, checklist_history, checklists, set_checklist_decisions
from drafting.revisions import get_or_create_draft, latest_revision, save_section
from pipeline.errors import NotAllowed, NotFound
from pipeline.i18n import render


@pytest.fixture
def draft(session, people, idea):
    found = get_or_create_draft(session, people["owner"], idea)
    for key, text in weak_sections().items():
        base = latest_revision(session, found, key)
        save_section(session, people["owner"], found, key, text, base.id if base else None)
    return found


def _as_shown(session, draft, principle="jamstalldhet"):
    return {
        r.key: (r.met, r.decision.reason if r.decision else "")
        for r in checklists(session, draft)[principle]
    }


def test_only_changed_rows_are_saved(session, people, draft):
    shown = _as_shown(session, draft)
    assert set_checklist_decisions(session, people["support"], draft, "jamstalldhet", shown) == []
    first = next(iter(shown))
    met, _reason = shown[first]
    shown[first] = (not met, "Bilagan visar det.")
    saved = set_checklist_decisions(session, people["support"], draft, "jamstalldhet", shown)
    assert [(d.item_key, d.met, d.reason) for d in saved] == [
        (first, not met, "Bilagan visar det.")
    ]
    assert (
        set_checklist_decisions(
            session, people["support"], draft, "jamstalldhet", _as_shown(session, draft)
        )
        == []
    )


def test_a_refused_row_saves_nothing_and_names_every_refused_row(session, people, draft):
    shown = _as_shown(session, draft)
    keys = list(shown)[:2]
    for key in keys:
        shown[key] = (not shown[key][0], "")
    shown[list(shown)[2]] = (shown[list(shown)[2]][0], "Ett skäl som ändrar raden.")
    with pytest.raises(ChecklistRefused) as info:
        set_checklist_decisions(session, people["support"], draft, "jamstalldhet", shown)
    assert set(info.value.errors) == set(keys)
    assert render(info.value.errors[keys[0]], "sv") == "Ange ett skäl för beslutet."
    assert checklist_history(session, draft) == []


def test_the_table_is_for_the_team_and_its_own_questions(session, people, draft):
    shown = _as_shown(session, draft)
    with pytest.raises(NotAllowed):
        set_checklist_decisions(session, people["owner"], draft, "jamstalldhet", shown)
    with pytest.raises(NotFound):
        set_checklist_decisions(
            session, people["support"], draft, "jamstalldhet", {"nej": (True, "x")}
        )
