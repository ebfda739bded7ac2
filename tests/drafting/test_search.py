"""Search on SQLite and PostgreSQL: Swedish normalisation, scoping of every kind of hit,
ranking, highlighting and keeping the index current."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafting.revisions import get_or_create_draft, latest_revision, save_section
from drafting.search.index import install_hooks, reindex
from drafting.search.normalise import query_terms, terms
from drafting.search.snippets import highlight, snippets_for
from drafting.section_comments import add_section_comment
from pipeline.models import Visibility
from pipeline.queries import IdeaFilters, list_ideas
from pipeline.queries.search import search_ideas
from pipeline.search import SearchDocument
from pipeline.services import add_comment
from tests.factories import make_idea

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
