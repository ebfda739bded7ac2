"""Drafts and revisions: saving, limits, conflicts, restore, diff and the stored checks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafting.check_runs import level_history
from drafting.demo import complete_sections
from drafting.diffs import diff_revisions, diff_texts
from drafting.models import CheckRun, RevisionSource, SectionRevision
from drafting.revisions import (
    DraftNotStarted,
    EditConflict,
    SectionTooLong,
    clean_text,
    get_or_create_draft,
    latest_revision,
    restore_revision,
    save_section,
    section_texts,
)
from pipeline.errors import InvalidData, NotAllowed, NotFound
from pipeline.models import ActivityLog, Call
from pipeline.stages import Stage

KEY = "bakgrund_problemanalys"


@pytest.fixture
def draft(session, people, idea):
    return get_or_create_draft(session, people["owner"], idea)


def save(session, actor, draft, text, key=KEY, **kw):
    base = latest_revision(session, draft, key)
    return save_section(session, actor, draft, key, text, base.id if base else None, **kw)


def test_one_draft_per_idea_on_the_calls_template(session, people, idea):
    call = Call(
        name="Gammal utlysning",
        diarienummer="2010/1",
        programme_area="PO1",
        opens=idea.created_at.date(),
        closes=idea.created_at.date(),
        region="Övre Norrland",
        template_key="esf_2007",
    )
    session.add(call)
    idea.call = call
    first = get_or_create_draft(session, people["owner"], idea)
    again = get_or_create_draft(session, people["support"], idea)
    assert first is again and first.template_key == "esf_2007"
    assert first.revision_count == 0


def test_default_template_and_no_draft_before_drafting(session, people, idea):
    assert get_or_create_draft(session, people["owner"], idea).template_key == "esf_plus"
    idea2 = type(idea)(
        title="Tidig idé", stage=Stage.IDEA, lead_organisation=idea.lead_organisation
    )
    session.add(idea2)
    session.flush()
    with pytest.raises(DraftNotStarted):
        get_or_create_draft(session, people["owner"], idea2)


def test_unrelated_actor_gets_not_found(session, people, idea):
    with pytest.raises(NotFound):
        get_or_create_draft(session, people["other"], idea)


def test_every_save_is_a_numbered_revision_with_author_and_check(session, people, draft):
    first = save(session, people["owner"], draft, "Första versionen.")
    second = save(session, people["partner"], draft, "Andra versionen.", key="syfte")
    third = save(session, people["support"], draft, "Tredje versionen.")
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert (first.author, second.author, third.author) == (
        people["owner"],
        people["partner"],
        people["support"],
    )
    assert third.base_revision_id == first.id and first.created_at is not None
    assert draft.revision_count == 3
    runs = session.scalars(
        select(CheckRun).where(CheckRun.draft_id == draft.id).order_by(CheckRun.id)
    ).all()
    # The first run came with the draft, on its empty sections; then one per save.
    assert [r.revision_number for r in runs] == [0, 1, 2, 3]
    assert set(runs[-1].levels) >= {"jamstalldhet", "tillganglighet", "likabehandling"}
    logged = session.scalars(select(ActivityLog.action).where(ActivityLog.idea_id == draft.idea_id))
    assert list(logged).count("draft.save") == 3


def test_unchanged_text_creates_nothing(session, people, draft):
    save(session, people["owner"], draft, "Samma text.")
    assert save(session, people["owner"], draft, "  Samma text.\r\n") is None
    assert save(session, people["owner"], draft, "", key="syfte") is None
    assert draft.revision_count == 1


def test_too_long_text_is_refused_with_the_text_kept(session, people, draft):
    huge = "a" * 200_000
    with pytest.raises(SectionTooLong) as info:
        save(session, people["owner"], draft, huge)
    error = info.value
    assert error.text_value == huge and error.limit == 8000 and error.used == 200_000
    assert "8000" in error.message("sv") and "högst" in error.message("sv")
    assert "at most" in error.message("en")
    assert draft.revision_count == 0
    assert session.scalars(select(SectionRevision).filter_by(draft_id=draft.id)).all() == []


def test_control_characters_are_stripped_emoji_and_markup_kept(session, people, draft):
    text = "Rad ett\x00\x07\x1b\r\nRad två\tmed tabb 🎉 <script>alert(1)</script>\u200d"
    revision = save(session, people["owner"], draft, text)
    assert revision.text == "Rad ett\nRad två\tmed tabb 🎉 <script>alert(1)</script>\u200d"
    session.expire_all()
    assert section_texts(session, draft)[KEY] == revision.text
    assert clean_text("\x0c x \x7f") == "x"


def test_limit_counts_characters_not_bytes(session, people, draft):
    section_limit = 1500  # syfte
    assert save(session, people["owner"], draft, "å" * section_limit, key="syfte").number == 1
    with pytest.raises(SectionTooLong):
        save(session, people["owner"], draft, "🎉" * (section_limit + 1), key="syfte")


def test_second_save_from_an_old_base_is_a_conflict_with_both_texts(session, people, draft):
    base = save(session, people["owner"], draft, "Ursprunglig text.")
    theirs = save_section(session, people["partner"], draft, KEY, "Partnerns text.", base.id)
    with pytest.raises(EditConflict) as info:
        save_section(session, people["owner"], draft, KEY, "Ägarens text.", base.id)
    conflict = info.value
    assert conflict.theirs.id == theirs.id and conflict.theirs.text == "Partnerns text."
    assert conflict.yours == "Ägarens text." and conflict.status == 409
    assert people["partner"].name in conflict.message("sv")
    # Merging on top of their revision works.
    merged = save_section(session, people["owner"], draft, KEY, "Sammanslaget.", theirs.id)
    assert merged.number == 3 and merged.base_revision_id == theirs.id


def test_first_save_of_a_section_someone_else_just_created_conflicts(session, people, draft):
    save_section(session, people["partner"], draft, "syfte", "Partnern hann först.", None)
    with pytest.raises(EditConflict):
        save_section(session, people["owner"], draft, "syfte", "Jag också.", None)


def test_same_text_saved_twice_from_an_old_base_is_no_conflict(session, people, draft):
    base = save(session, people["owner"], draft, "Ett.")
    save_section(session, people["partner"], draft, KEY, "Två.", base.id)
    assert save_section(session, people["owner"], draft, KEY, "Två.", base.id) is None


def test_who_may_edit(session, people, draft, idea):
    save(session, people["partner"], draft, "Partnern skriver.")
    save(session, people["admin"], draft, "Admin skriver.")
    with pytest.raises(NotFound):
        save(session, people["other"], draft, "Obehörig.")
    idea.partners[0].can_edit = False
    with pytest.raises(NotAllowed):
        save(session, people["partner"], draft, "Läser bara.")
    idea.stage = Stage.READY
    with pytest.raises(InvalidData):
        save(session, people["owner"], draft, "För sent.")


def test_unknown_section_is_not_found(session, people, draft):
    with pytest.raises(NotFound):
        save_section(session, people["owner"], draft, "finns_inte", "x", None)


def test_restore_makes_a_new_revision_with_the_old_text(session, people, draft):
    old = save(session, people["owner"], draft, "Gammal text.")
    save(session, people["owner"], draft, "Ny text.")
    restored = restore_revision(session, people["partner"], draft, old.id)
    assert restored.number == 3 and restored.text == "Gammal text."
    assert restored.source == RevisionSource.RESTORE and restored.restored_from == 1
    assert restore_revision(session, people["partner"], draft, old.id) is None
    with pytest.raises(NotFound):
        restore_revision(session, people["owner"], draft, 10_000)


def test_diff_of_two_revisions_is_readable_and_escaped(session, people, draft):
    save(session, people["owner"], draft, "Kvinnor och män deltar.\nVi följer upp.")
    save(session, people["owner"], draft, "Syftet.", key="syfte")
    save(session, people["owner"], draft, "Kvinnor och män <b>deltar</b> lika.\nVi följer upp.")
    result = diff_revisions(session, people["partner"], draft, 1, 3)
    changed = {s.key: s for s in result.changed}
    assert set(changed) == {KEY, "syfte"}
    html = str(changed[KEY].html)
    assert "<ins>&lt;b&gt;</ins>" in html and "<b>" not in html
    assert "lika</ins>" in html and "deltar" in html
    assert changed["syfte"].added_words == 1
    assert "Bakgrund och problemanalys: +3 ord, −0 ord" in result.summary("sv")
    assert "+3 words" in result.summary("en")
    assert diff_revisions(session, people["owner"], draft, 3, 3).summary() == "Inga skillnader."
    with pytest.raises(InvalidData):
        diff_revisions(session, people["owner"], draft, 0, 9)
    with pytest.raises(NotFound):
        diff_revisions(session, people["other"], draft, 1, 3)


def test_diff_texts_marks_deletions_and_insertions():
    html, added, removed = diff_texts("ett två tre", "ett fyra tre")
    assert str(html) == "ett <del>två</del><ins>fyra</ins> tre"
    assert (added, removed) == (1, 1)


def test_level_history_shows_when_a_principle_became_concrete(session, people, draft):
    save(session, people["owner"], draft, "Vi kommer att beakta tillgänglighet vid behov.")
    texts = complete_sections()
    save(session, people["owner"], draft, texts[KEY])
    changes = [c for c in level_history(session, draft) if c.principle == "tillganglighet"]
    assert changes[-1].number == 2
    assert changes[-1].new in ("concrete", "integrated") and changes[-1].old != changes[-1].new
