"""Demo data: loads on both databases, twice without duplicates, with the seed project."""

from __future__ import annotations

from sqlalchemy import func, select

from pipeline.demo import SEED_TITLE, load_demo_data, read_seed
from pipeline.models import (
    Call,
    Municipality,
    Organisation,
    ProjectIdea,
    StageChange,
    User,
)
from pipeline.stages import Stage


def fake_hash(password: str) -> str:
    """Hashing is the web layer's business; the loader only stores what it is given."""
    return "hashed:" + password


def counts(session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, User, Call, ProjectIdea, StageChange, Municipality)
    }


def test_demo_data_loads_twice_without_duplicates(session):
    first = load_demo_data(session, fake_hash)
    after_first = counts(session)
    second = load_demo_data(session, fake_hash)
    assert counts(session) == after_first
    assert second.added == {}
    assert first.added["project_idea"] >= 30
    assert after_first["Municipality"] == 15
    stages = set(session.scalars(select(ProjectIdea.stage).distinct()))
    assert stages == set(Stage)  # every stage is shown in the demo
    roles = {u.role.value for u in session.scalars(select(User))}
    assert roles == {"actor", "support", "admin"}
    assert all(u.email.endswith("@example.se") for u in session.scalars(select(User)))


def test_demo_histories_follow_the_transition_table(session):
    load_demo_data(session, fake_hash)
    from pipeline.stages import TRANSITIONS

    for idea in session.scalars(select(ProjectIdea)):
        steps = [(c.from_stage, c.to_stage) for c in idea.history]
        assert steps[0] == (None, Stage.IDEA)
        assert all(step in TRANSITIONS for step in steps[1:]), idea.title
        assert steps[-1][1] == idea.stage
        if idea.stage == Stage.PARKED:
            assert idea.parked_from == steps[-1][0]


def test_seed_project_is_in_implementation_with_its_metadata(session):
    load_demo_data(session, fake_hash)
    seed = session.scalars(select(ProjectIdea).filter_by(title=SEED_TITLE)).one()
    assert seed.stage == Stage.IMPLEMENTATION
    assert seed.lead_organisation.name == "Regionförbundet Västerbottens län"
    assert seed.esf_granted == seed.budget_total == 652_091
    assert str(seed.period_start) == "2011-01-17" and str(seed.period_end) == "2011-12-31"
    assert len(seed.municipalities) == 15
    assert (seed.participants_women, seed.participants_men) == (48, 39)
    partner_names = {o.name for o in seed.partner_organisations}
    assert {
        "Arbetsförmedlingen Lycksele",
        "Vilhelmina Lärcentrum",
        "Kommunförbundet Norrbotten",
    } <= partner_names
    assert seed.contact_name == "Karin Lindqvist"  # fictional contact person
    assert "regionala projekt" in seed.background


def test_seed_document_parses_into_its_sections():
    seed = read_seed()
    assert list(seed.sections)[:4] == ["Sammanfattning", "Bakgrund", "Syfte", "Målsättning"]
    assert seed.metadata["Programområde"] == "Programområde 1 Kompetensförsörjning"
    assert "Åsele" in seed.items("Kommun") and len(seed.items("Kommun")) == 15


def test_demo_organisations_are_tidy(session):
    load_demo_data(session, fake_hash)
    names = list(session.scalars(select(Organisation.name)))
    assert not [n for n in names if "Näringsilv" in n or "/" in n]
    # No two organisations that differ only in case or in a unit added after the name.
    folded = [n.casefold() for n in names]
    assert len(folded) == len(set(folded))
    assert not [n for n in names if any(n != o and n.casefold().startswith(o.casefold() + " ")
                                        for o in names if o.endswith("kommun"))]  # fmt: skip
    # Units of kommuner without a kommun's name are not organisations of their own.
    for unit in ("Arbetsmarknadsenheten", "Näringsliv", "Kommunstyrelsens förvaltning"):
        assert unit not in names
    seed = session.scalars(select(ProjectIdea).filter_by(title=SEED_TITLE)).one()
    partners = {o.name for o in seed.partner_organisations}
    assert {"Nordmalings kommun", "Vännäs kommun"} <= partners
    assert (
        session.scalars(select(Organisation).filter_by(name="Vännäs kommun")).one().type.value
        == "kommun"
    )


def test_demo_programme_areas_are_reference_data(session):
    from pipeline import programme_areas

    load_demo_data(session, fake_hash)
    for value, opens in session.execute(select(Call.programme_area, Call.opens)):
        found = programme_areas.area(value)
        assert found is not None and found.period == programme_areas.period_for_date(opens).key
    ideas = session.scalars(select(ProjectIdea).where(ProjectIdea.programme_area != "")).all()
    assert ideas and all(programme_areas.area(i.programme_area) for i in ideas)
    seed = session.scalars(select(ProjectIdea).filter_by(title=SEED_TITLE)).one()
    assert seed.programme_area == "2007-2013:1"
    assert programme_areas.label(seed.programme_area) == (
        "1: Kompetensförsörjning (Socialfonden 2007–2013)"
    )
