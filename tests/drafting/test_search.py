"""Search on SQLite and PostgreSQL: Swedish normalisation, scoping of every kind of hit,
ranking, highlighting and keeping the index current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from drafting.revisions import get_or_create_draft, latest_revision, save_section
from drafting.search.index import install_hooks, reindex, text_counts
from drafting.search.normalise import query_terms, terms
from drafting.search.snippets import highlight, snippets_for
from drafting.section_comments import add_section_comment
from pipeline.models import Visibility
from pipeline.queries import IdeaFilters, board_columns, list_ideas
from pipeline.queries.search import search_ideas, similar_ideas, similar_to_idea
from pipeline.search import SearchDocument, SearchTerm, term_counts
from pipeline.services import add_comment
from pipeline.stages import Stage
from tests.factories import make_idea, municipality

KEY = "bakgrund_problemanalys"


@pytest.fixture(autouse=True)
def hooks():
    install_hooks()


def found(session, actor, query, **kw) -> list[str]:
    page = search_ideas(session, actor, query_terms(query), **kw)
    return [hit.idea.title for hit in page.items]


def test_normalisation_lemmatises_and_drops_stop_words():
    found = terms("Undersköterskorna och ungdomarna i Åsele")
    assert found == ["undersköterska", "ungdom", "åsele"]
    assert query_terms("e-post, e-post!") == ["e", "post"]


def test_inflection_and_compound_prefix(session, people):
    make_idea(session, people["owner"], title="Omsorgslyft", summary="Vi utbildar undersköterskor.")
    make_idea(session, people["owner"], title="Lyft", summary="Kompetensutveckling för vuxna.")
    assert found(session, people["owner"], "undersköterska") == ["Omsorgslyft"]
    assert found(session, people["owner"], "Undersköterskan") == ["Omsorgslyft"]
    assert found(session, people["owner"], "kompetens") == ["Lyft"]
    assert found(session, people["owner"], "kompetensutvecklingen") == ["Lyft"]
    assert found(session, people["owner"], "kompetens undersköterska") == []
    # a compound with a linking form: undersköterske-utbildning
    make_idea(session, people["owner"], title="Utbildning", summary="Undersköterskeutbildning.")
    assert sorted(found(session, people["owner"], "undersköterskor")) == [
        "Omsorgslyft",
        "Utbildning",
    ]


def test_every_field_of_the_idea_is_searched(session, people):
    for field in ("background", "purpose", "target_groups"):
        make_idea(session, people["owner"], title=field, **{field: f"Ordet renskötsel i {field}."})
    assert sorted(found(session, people["owner"], "renskötseln")) == [
        "background",
        "purpose",
        "target_groups",
    ]


def test_ideas_are_scoped_to_the_reader(session, people, idea):
    idea.summary = "Fjällturism i byn."
    session.flush()
    assert found(session, people["owner"], "fjällturism") == [idea.title]
    assert found(session, people["partner"], "fjällturism") == [idea.title]
    assert found(session, people["support"], "fjällturism") == [idea.title]
    assert found(session, people["other"], "fjällturism") == []


def test_a_word_only_in_a_draft_section_finds_the_idea_for_its_readers(session, people, idea):
    draft = get_or_create_draft(session, people["owner"], idea)
    save_section(session, people["owner"], draft, KEY, "Vi bygger en verkstad för ungdomar.", None)
    assert found(session, people["owner"], "verkstäderna") == [idea.title]
    assert found(session, people["support"], "verkstad") == [idea.title]
    assert found(session, people["other"], "verkstad") == []
    # a newer revision replaces the old text in the index
    base = latest_revision(session, draft, KEY)
    save_section(session, people["owner"], draft, KEY, "Nu handlar det om snöskotrar.", base.id)
    assert found(session, people["owner"], "verkstad") == []
    assert found(session, people["owner"], "snöskoter") == [idea.title]


@pytest.mark.parametrize("where", ["idea", "section"])
def test_internal_comments_are_found_by_the_team_only(session, people, idea, where):
    draft = get_or_create_draft(session, people["owner"], idea)

    def comment(actor, body, visibility):
        if where == "idea":
            add_comment(session, actor, idea, body, visibility)
        else:
            add_section_comment(session, actor, draft, KEY, body, visibility=visibility)
        session.flush()

    comment(people["support"], "Budgeten verkar hemlighetsfull.", Visibility.INTERNAL)
    comment(people["owner"], "Vi återkommer om lokalerna.", Visibility.SHARED)
    assert found(session, people["support"], "hemlighetsfull") == [idea.title]
    for reader in ("owner", "partner", "other"):
        assert found(session, people[reader], "hemlighetsfull") == []
    assert found(session, people["partner"], "lokal") == [idea.title]
    assert found(session, people["other"], "lokal") == []
    # the internal comment does not leak into an applicant's snippets either
    shown = snippets_for(session, people["owner"], [idea], query_terms("budget hemlighetsfull"))
    assert shown[idea.id][1] == []


def test_an_obvious_best_match_ranks_first(session, people):
    make_idea(session, people["owner"], title="Vård i skogen", summary="Lite om naturvård.")
    make_idea(session, people["owner"], title="Naturvård och naturvårdsjobb", summary="Naturvård.")
    make_idea(session, people["owner"], title="Skog", background="Naturvård nämns en gång här.")
    assert found(session, people["owner"], "naturvård")[0] == "Naturvård och naturvårdsjobb"
    # the team's unfiltered search ranks in the index alone: the same order
    assert found(session, people["support"], "naturvård") == found(
        session, people["owner"], "naturvård"
    )


def test_the_list_filters_and_pages_apply(session, people):
    for n in range(25):
        make_idea(session, people["owner"], title=f"Skogsbruk {n}", summary="Skogsbruk i byn.")
    first = search_ideas(session, people["owner"], ["skogsbruk"])
    assert first.total == 25 and len(first.items) == 20 and first.pages == 2
    second = search_ideas(session, people["owner"], ["skogsbruk"], page=2)
    assert len(second.items) == 5
    assert {h.idea.id for h in first.items}.isdisjoint(h.idea.id for h in second.items)
    other_org = IdeaFilters(organisation_id=people["other"].organisation_id)
    assert search_ideas(session, people["owner"], ["skogsbruk"], other_org).total == 0
    # the team's unfiltered search pages the same way, and a page past the end is the last
    team = [search_ideas(session, people["support"], ["skogsbruk"], page=n) for n in (1, 2, 9)]
    assert [(p.total, len(p.items), p.number) for p in team] == [
        (25, 20, 1),
        (25, 5, 2),
        (25, 5, 2),
    ]
    assert [h.idea.id for h in team[0].items] == [h.idea.id for h in first.items]


def test_the_hits_are_counted_up_to_a_limit_and_paged_that_deep(session, people, monkeypatch):
    monkeypatch.setattr("pipeline.queries.search.COUNT_LIMIT", 4)
    for n in range(7):
        make_idea(session, people["owner"], title=f"Fiske {n}", summary="Fiske i älven.")
    make_idea(session, people["owner"], title="Fiske och mer fiske", summary="Fiske, fiske.")
    for actor in (people["owner"], people["support"]):  # filtered in SQL, and index-only
        first = search_ideas(session, actor, query_terms("fiske"), size=3)
        assert (first.total, first.capped, first.pages, len(first.items)) == (4, True, 2, 3)
        assert first.items[0].idea.title == "Fiske och mer fiske"  # ranked over all eight
        last = search_ideas(session, actor, query_terms("fiske"), size=3, page=5)
        assert (last.number, len(last.items)) == (2, 3)  # the last counted page, full
    exact = search_ideas(session, people["owner"], query_terms("älven"), size=3)
    assert (exact.total, exact.capped) == (4, True)
    monkeypatch.setattr("pipeline.queries.search.COUNT_LIMIT", 8)
    exact = search_ideas(session, people["owner"], query_terms("fiske"), size=3)
    assert (exact.total, exact.capped) == (8, False)


def test_the_list_fritext_uses_the_search(session, people):
    make_idea(session, people["owner"], title="Unga i byn", summary="Ungdomarna får stöd.")
    filters = IdeaFilters(text="ungdomar", terms=tuple(query_terms("ungdomar")))
    assert [i.title for i in list_ideas(session, people["owner"], filters).items] == ["Unga i byn"]
    assert list_ideas(session, people["other"], filters).total == 0


def test_snippets_escape_html_and_mark_the_words(session, people):
    html, count = highlight("<b>Undersköterskor</b> & <script>x</script>", ["undersköterska"])
    assert count == 1
    assert str(html) == (
        "&lt;b&gt;<mark>Undersköterskor</mark>&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"
    )
    idea = make_idea(session, people["owner"], title="Vård", summary="Fler undersköterskor i byn.")
    title, passages = snippets_for(session, people["owner"], [idea], ["undersköterska"])[idea.id]
    assert str(title) == "Vård"
    assert "<mark>undersköterskor</mark>" in str(passages[0].html)


def test_reindex_rewrites_every_document(session, people):
    idea = make_idea(session, people["owner"], title="Renskötsel", summary="Samebyar.")
    session.execute(SearchDocument.__table__.delete())
    assert found(session, people["owner"], "renskötsel") == []
    assert reindex(session.connection()) >= 1
    assert found(session, people["owner"], "renskötsel") == ["Renskötsel"]
    document = session.scalars(
        select(SearchDocument).where(SearchDocument.idea_id == idea.id)
    ).one()
    assert "sameby" in document.body


# --- term counts and similar ideas ------------------------------------------------------------


def _stored_counts(session) -> dict[str, int]:
    rows = session.execute(select(SearchTerm.term, SearchTerm.documents)).all()
    return {term: n for term, n in rows if n}


def _counted_from_vectors(session) -> dict[str, int]:
    return {
        t: n for t, n in term_counts(session.scalars(select(SearchDocument.vector))).items() if n
    }


def test_term_counts_follow_every_change_and_nothing_rolled_back(session, people):
    owner = people["owner"]
    first = make_idea(session, owner, title="Renskötsel i fjällen", summary="Samebyar och renar.")
    make_idea(session, owner, title="Renskötsel", summary="Unga renskötare.")
    session.commit()
    stored = _stored_counts(session)
    assert stored == _counted_from_vectors(session)
    assert stored["renskötsel"] == 2 and stored["sameby"] == 1 and stored[""] >= 2

    first.summary = "Fiske i fjällen."
    session.commit()
    stored = _stored_counts(session)
    assert stored == _counted_from_vectors(session)
    assert "sameby" not in stored and stored["fiska"] == 1

    # A savepoint that rolls back, and a transaction that does, count nothing.
    savepoint = session.begin_nested()
    first.summary = "Turism i fjällen."
    session.flush()
    savepoint.rollback()
    first.title = "Fiske och renskötsel"
    session.commit()
    assert _stored_counts(session) == _counted_from_vectors(session)
    assert "turism" not in _stored_counts(session)
    first.summary = "Skoter i fjällen."
    session.flush()
    session.rollback()
    assert _stored_counts(session) == _counted_from_vectors(session)

    # A savepoint that commits counts with its transaction.
    with session.begin_nested():
        make_idea(session, owner, title="Skoterleder", summary="Skoter i fjällen.")
    session.commit()
    assert _stored_counts(session)["skoter"] == 1
    assert _stored_counts(session) == _counted_from_vectors(session)

    # Rebuilding everything gives the same counts.
    before = _stored_counts(session)
    session.execute(SearchTerm.__table__.delete())
    reindex(session.connection())
    assert _stored_counts(session) == before


@contextmanager
def _statements(session) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_similar_ideas_elsewhere_for_the_team_and_only_visible_for_an_actor(session, people):
    owner, other = people["owner"], people["other"]
    umea, lycksele, asele = (municipality(session, n) for n in ("Umeå", "Lycksele", "Åsele"))
    youth = "Unga utan gymnasiebetyg får coachning, praktik och studiebesök hos arbetsgivare."
    mine = make_idea(
        session, owner, title="Unga till arbete", summary=youth, municipality_ids=[umea.id]
    )
    near = make_idea(
        session, other, title="Ung framtid", summary=youth, municipality_ids=[lycksele.id]
    )
    same_place = make_idea(
        session, other, title="Unga i Umeå", summary=youth, municipality_ids=[umea.id]
    )
    make_idea(
        session, other, title="Skogsbruk", summary="Maskinförare i skogen.",
        municipality_ids=[asele.id],
    )  # fmt: skip
    session.commit()

    found = similar_to_idea(session, people["support"], mine)
    assert [s.idea.id for s in found] == [near.id]  # not the same kommun, not itself
    assert {"ung", "gymnasiebetyg", "praktik"} <= set(found[0].shared)
    assert 0 < found[0].score <= 1 and [m.name for m in found[0].idea.municipalities] == [
        "Lycksele"
    ]

    typed = text_counts(session.connection(), "Unga till jobb", youth)
    as_owner = similar_ideas(session, owner, typed)
    assert [s.idea.id for s in as_owner] == [mine.id]  # the others are not the owner's to see
    as_team = similar_ideas(session, people["support"], typed)
    assert {s.idea.id for s in as_team} == {mine.id, near.id, same_place.id}

    # The statement count depends on who asks, never on what is found.
    for actor, expected in ((people["support"], 4), (owner, 3)):
        for text in (youth, "Ingenting liknande alls här"):
            counts = text_counts(session.connection(), "", text)
            with _statements(session) as seen:
                similar_ideas(session, actor, counts)
            assert len(seen) == expected, (actor.role, text, seen)


def test_the_board_fritext_counts_and_orders_each_column(session, people):
    """Both ways of filling the board's columns (SQLite numbers its matches in one pass,
    PostgreSQL walks each stage): counts per stage, and the longest waiting first, ties by id."""
    early, late = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    placed = [
        (Stage.IDEA, late, "Ungdomar i byn"),
        (Stage.IDEA, early, "Ungdomsarbete"),
        (Stage.IDEA, early, "Ungdomarna och skolan"),
        (Stage.IDEA, early, "Skogsbruk"),  # no match, and waiting longest
        (Stage.PRESTUDY, late, "En ungdom i taget"),
        (Stage.PRESTUDY, late, "Renskötsel"),
    ]
    ideas = []
    for stage, at, title in placed:
        idea = make_idea(session, people["owner"], title=title, summary="Ett lokalt initiativ.")
        idea.stage, idea.stage_changed_at = stage, at
        ideas.append(idea)
    session.flush()
    filters = IdeaFilters(text="ungdomar", terms=tuple(query_terms("ungdomar")))
    columns = {c.stage: c for c in board_columns(session, people["support"], filters, 2)}
    assert (columns[Stage.IDEA].count, columns[Stage.PRESTUDY].count) == (3, 1)
    assert [i.title for i in columns[Stage.IDEA].ideas] == [
        "Ungdomsarbete",
        "Ungdomarna och skolan",
    ]
    assert [i.title for i in columns[Stage.PRESTUDY].ideas] == ["En ungdom i taget"]
    assert all(
        c.count == 0 and not c.ideas
        for s, c in columns.items()
        if s not in (Stage.IDEA, Stage.PRESTUDY)
    )
    none = board_columns(session, people["support"], IdeaFilters(text="x", terms=("xyzzy",)))
    assert all(c.count == 0 and not c.ideas for c in none)
