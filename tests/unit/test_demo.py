"""The demo federation's builder (councils.sim.demo): deterministic, the shape the issue asks
for, and, run through the real bus, every council seated, some petitions under way and one
election left open, in a workplace that joined late, for a member to vote in."""

from __future__ import annotations

from collections import Counter

import pytest

from councils.domain.ids import ConstituencyId, CouncilId, ElectionId
from councils.service import execute
from councils.sim.demo import DemoBuilder, seats_for
from councils.sim.demo_build import DemoSummary, build_demo
from councils.sim.demo_data import (
    CITIES,
    DEMO_ORGANISER,
    EXECUTIVE,
    FACTIONS,
    LATE,
    LATE_COUNCIL,
    REGION,
)
from councils.testing import FixedSupply, InMemoryUnitOfWork


def _all_static(builder: DemoBuilder) -> list[dict[str, object]]:
    commands = builder.structure() + builder.registrations()
    for city in CITIES:
        commands += builder.base_elections(city.council)
    return commands


def test_the_same_seed_gives_the_same_commands_and_another_seed_others() -> None:
    assert _all_static(DemoBuilder(7)) == _all_static(DemoBuilder(7))
    assert _all_static(DemoBuilder(7)) != _all_static(DemoBuilder(8))


def test_a_stage_does_not_depend_on_what_was_asked_before() -> None:
    a, b = DemoBuilder(3), DemoBuilder(3)
    a.base_elections("kronstadt")
    assert a.base_elections("petrograd") == b.base_elections("petrograd")


def test_the_city_has_about_forty_workplaces_and_districts_and_thousands_of_members() -> None:
    builder = DemoBuilder()
    petrograd = CITIES[0]
    kinds = Counter(p.kind for p in petrograd.places)
    assert len(petrograd.places) == 40
    assert kinds["workplace"] >= 20 and kinds["territory"] >= 10
    names = {p.name for p in petrograd.places}
    assert {"Putilov Works", "Port of Petrograd", "Petrograd University"} <= names
    assert any("Tram" in n for n in names) and any("Hospital" in n for n in names)
    in_city = [p for p in builder.people if builder._city_of[p.home] == "petrograd"]
    assert 3000 <= len(in_city) <= 6000
    assert len(builder.people) >= 4000
    both = {m for m, _ in builder.joins}
    assert len(both) > 300  # members in a workplace and a district
    assert all(d in {p.constituency for p in builder.places} for _, d in builder.joins)


def test_four_factions_of_different_strength() -> None:
    builder = DemoBuilder()
    counts = Counter(p.faction for p in builder.people if p.faction is not None)
    assert set(counts) == {f.faction for f in FACTIONS}
    sizes = sorted(counts.values())
    assert len(set(sizes)) == 4
    assert sizes[-1] > 2 * sizes[0]  # the strongest is more than twice the weakest


def test_the_tiers_base_city_congress_executive() -> None:
    structure = DemoBuilder().structure()
    councils = [c["council"] for c in structure if c["command"] == "council.create"]
    assert councils == [*(c.council for c in CITIES), REGION[0], EXECUTIVE[0]]
    delegations = [
        c for c in structure if c["command"] == "constituency.create" and c["kind"] == "council"
    ]
    assert {(c["council"], c["of"]) for c in delegations} == {
        *((REGION[0], city.council) for city in CITIES),
        (EXECUTIVE[0], REGION[0]),
    }
    assert seats_for(420) == 7 and seats_for(50) == 1 and seats_for(8) == 1


def test_ballots_rank_mostly_the_voters_own_faction_first() -> None:
    builder = DemoBuilder()
    casts = [c for c in builder.base_elections("petrograd") if c["command"] == "ballot.cast"]
    own = other = 0
    for c in casts:
        voter_faction = builder.faction_of[str(c["voter"])]
        ranking = c["ranking"]
        assert isinstance(ranking, list) and ranking
        if voter_faction is None:
            continue
        if builder.faction_of[ranking[0]] == voter_faction:
            own += 1
        else:
            other += 1
    assert own > 3 * other


@pytest.fixture(scope="module")
def built() -> tuple[InMemoryUnitOfWork, DemoSummary]:
    uow = InMemoryUnitOfWork()
    supply = FixedSupply(1)
    summary = build_demo(lambda: uow, scale=0.3, supply=lambda u: supply)
    return uow, summary


def test_run_through_the_bus_every_council_has_its_seats_filled(
    built: tuple[InMemoryUnitOfWork, DemoSummary],
) -> None:
    uow, _ = built
    view = uow.view
    assert len(list(view.councils())) == 5
    for council in view.councils():
        seats = [
            s
            for k in view.constituencies_electing(council.council)
            if k.constituency != LATE.constituency
            for s in view.seats(k.constituency)
        ]
        assert seats and all(s.holder is not None for s in seats), council.council
    assert all(
        e.status == "closed" for e in view.elections() if e.constituency != LATE.constituency
    )
    # the executive is elected by the congress, which the three city soviets elect
    (exec_k,) = view.constituencies_electing(CouncilId(EXECUTIVE[0]))
    assert exec_k.of == REGION[0]
    # proportional: more than one faction sits in the Petrograd soviet
    holders = [
        s.holder
        for k in view.constituencies_electing(CouncilId("petrograd"))
        for s in view.seats(k.constituency)
        if s.holder is not None
    ]
    assert len({view.member(h).faction for h in holders}) >= 3


def test_the_demo_organiser_organises_every_council(
    built: tuple[InMemoryUnitOfWork, DemoSummary],
) -> None:
    uow, _ = built
    view = uow.view
    councils = tuple(sorted(c.council for c in view.councils()))
    assert view.organised_by(DEMO_ORGANISER) == councils  # type: ignore[arg-type]
    assert all(view.organisers(c) == (DEMO_ORGANISER,) for c in councils)
    appointed = [e for e in uow.record.entries if e["type"] == "organiser.appointed"]
    assert {e["council"] for e in appointed} == set(councils)


def test_run_through_the_bus_some_petitions_are_open_below_threshold(
    built: tuple[InMemoryUnitOfWork, DemoSummary],
) -> None:
    uow, summary = built
    view = uow.view
    petitions = list(view.petitions())
    assert len(petitions) >= 4
    for p in petitions:
        counted = view.counted_signatures(p.constituency, p.delegate)
        assert 0 < counted < p.needed(view.electorate_size(p.constituency))
    assert any(view.constituency(p.constituency).kind == "council" for p in petitions)
    assert len(summary.petitions) == len(petitions)


def test_run_through_the_bus_the_late_workplace_s_election_is_open_with_some_ballots_in(
    built: tuple[InMemoryUnitOfWork, DemoSummary],
) -> None:
    uow, summary = built
    view = uow.view
    late = view.constituency(ConstituencyId(LATE.constituency))
    assert (late.council, late.kind) == (LATE_COUNCIL, "workplace")
    assert all(s.holder is None for s in view.seats(late.constituency))
    (election,) = view.open_elections(late.constituency)
    assert election.election == ElectionId("renault-1917")
    assert len(election.candidates) > len(election.seats) == late.seats
    voted, electorate = view.turnout(election.election), view.electorate_size(late.constituency)
    assert 0.3 * electorate <= voted <= 0.55 * electorate
    assert summary.open_elections == [("renault-1917", LATE.name, late.seats, voted, electorate)]
    assert summary.elections == sum(1 for e in view.elections()) - 1
    # some of its members live in the district, where a petition is under way
    district = ConstituencyId(str(LATE.district))
    both = [
        m
        for m in view.members()
        if set(view.memberships(m.member)) == {late.constituency, district}
    ]
    assert both and view.petitions_in(district)


def test_the_late_workplace_draws_its_own_members_and_changes_nothing_else() -> None:
    builder = DemoBuilder()
    assert {p.home for p in builder.late_people} == {LATE.constituency}
    assert builder.late_people[0].member == f"m{len(builder.people) + 1:05d}"
    assert not {p.member for p in builder.late_people} & {m for m in builder.electorates["vyborg"]}
    assert len(builder.late_joins) > 0.3 * len(builder.late_people)
    # it joins last, after the petitions
    assert [s.name for s in builder.stages()][-2:] == [
        "recall petitions",
        "the Russian Renault Works joins, its election opens",
    ]
    late = builder.late_election()
    assert not any(c["command"] == "election.close" for c in late)
    assert late == DemoBuilder().late_election()


def test_the_full_demo_builds_in_memory_in_seconds() -> None:
    uow = InMemoryUnitOfWork()
    summary = build_demo(lambda: uow)
    assert summary.members >= 4000 and summary.city_constituencies == 41
    assert summary.seconds < 30
    assert {c[0]: c[2] for c in summary.councils}["petrograd"] > 60
    # every seat is held but the late workplace's three, whose election is under way
    assert [(c, seats - held) for c, _, seats, held in summary.councils if seats != held] == [
        ("petrograd", 3)
    ]
    assert [e[0] for e in summary.open_elections] == ["renault-1917"]
    assert summary.record == len(uow.record)
    assert uow.view.has_constituency(ConstituencyId("putilov"))


def test_execute_accepts_the_builders_commands_stage_by_stage() -> None:
    uow = InMemoryUnitOfWork()
    builder = DemoBuilder(scale=0.1)
    for stage in builder.stages():
        execute(stage.commands(uow.view), uow, supply=FixedSupply())
    assert len(uow.record) > 0
