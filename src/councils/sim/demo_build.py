"""Running the demo's stages through the bus, one transaction each, and summing up what they
built (what ``councils demo`` prints before it serves)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from councils.domain.context import Supply
from councils.service.bus import execute
from councils.service.uow import UnitOfWork
from councils.sim.demo import DEFAULT_SEED, DemoBuilder
from councils.sim.demo_data import CITIES, EXECUTIVE, FACTIONS, LATE_COUNCIL, REGION

__all__ = ["DemoSummary", "build_demo"]


@dataclass(frozen=True)
class DemoSummary:
    """What the demo built. ``councils`` is (id, name, seats, held), cities first, the
    executive last; ``elections`` counts those held and counted, ``open_elections`` is
    (election, constituency's name, seats, ballots cast, electorate) of those still under way;
    ``petitions`` is (constituency, delegate's name, signatures, threshold). ``members`` and
    ``memberships`` count the late workplace's members too; ``base_constituencies`` and
    ``city_constituencies`` (Petrograd's) count its constituency."""

    members: int
    memberships: int
    base_constituencies: int
    city_constituencies: int
    factions: list[tuple[str, int]]
    councils: list[tuple[str, str, int, int]]
    elections: int
    open_elections: list[tuple[str, str, int, int, int]]
    ballots: int
    petitions: list[tuple[str, str, int, int]]
    commands: int
    record: int
    seconds: float


def build_demo(
    uow_factory: Callable[[], UnitOfWork],
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    supply: Callable[[UnitOfWork], Supply] | None = None,
    on_stage: Callable[[str, int, float], None] | None = None,
) -> DemoSummary:
    """Build the demo into the (empty) storage behind ``uow_factory``.

    Each stage reads what it needs in one unit of work and runs its commands as one batch in
    another: a few large transactions rather than ten thousand small ones. ``on_stage(name,
    commands, seconds)`` is called after each.
    """
    started = time.perf_counter()
    builder = DemoBuilder(seed, scale)
    commands = ballots = 0
    for stage in builder.stages():
        t0 = time.perf_counter()
        with uow_factory() as reading:
            batch = stage.commands(reading.view)
        uow = uow_factory()
        execute(batch, uow, supply=supply(uow) if supply is not None else None)
        commands += len(batch)
        ballots += sum(1 for c in batch if c["command"] == "ballot.cast")
        if on_stage is not None:
            on_stage(stage.name, len(batch), time.perf_counter() - t0)
    with uow_factory() as uow:
        view = uow.view
        councils: list[tuple[str, str, int, int]] = []
        for council in view.councils():
            seats = [
                s
                for k in view.constituencies_electing(council.council)
                for s in view.seats(k.constituency)
            ]
            councils.append(
                (council.council, council.name, len(seats), sum(1 for s in seats if s.holder))
            )
        petitions: list[tuple[str, str, int, int]] = []
        for p in view.petitions():
            size = view.electorate_size(p.constituency)
            petitions.append(
                (
                    p.constituency,
                    view.member(p.delegate).name,
                    view.counted_signatures(p.constituency, p.delegate),
                    p.needed(size),
                )
            )
        elections = sum(1 for e in view.elections() if e.status == "closed")
        open_elections: list[tuple[str, str, int, int, int]] = [
            (
                e.election,
                view.constituency(e.constituency).name,
                len(e.seats),
                view.turnout(e.election),
                view.electorate_size(e.constituency),
            )
            for e in sorted(view.elections(), key=lambda e: e.election)
            if e.status == "open"
        ]
        record = len(uow.record)
    people = [*builder.people, *builder.late_people]
    strength = Counter(p.faction for p in people if p.faction is not None)
    order = [c.council for c in CITIES] + [REGION[0], EXECUTIVE[0]]
    councils.sort(key=lambda c: order.index(c[0]) if c[0] in order else len(order))
    return DemoSummary(
        members=len(people),
        memberships=len(people) + len(builder.joins) + len(builder.late_joins),
        base_constituencies=len(builder.places) + 1,
        city_constituencies=len(CITIES[0].places) + int(CITIES[0].council == LATE_COUNCIL),
        factions=[(f.name, strength[f.faction]) for f in FACTIONS],
        councils=councils,
        elections=elections,
        open_elections=open_elections,
        ballots=ballots,
        petitions=petitions,
        commands=commands,
        record=record,
        seconds=time.perf_counter() - started,
    )
