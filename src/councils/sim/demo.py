"""The demo federation: a region that looks real, built as commands through the real bus.

``councils demo`` (and ``make run``) serve what this builds: three city soviets elected by their
workplaces and districts (the largest, Petrograd, by forty of them, with thousands of members and
some members in a workplace *and* a district), four factions of clearly different strength, a
regional congress elected by the three soviets (constituencies of kind ``council``), an
executive elected by the congress, every election held and counted, a few recall petitions
under way, below their thresholds, and, last, one workplace that joins the Petrograd Soviet late
(:data:`~councils.sim.demo_data.LATE`, the Russian Renault Works): its seats vacant, its election
open, some ballots in, so that a member can still vote. ``@organiser``
(:data:`~councils.sim.demo_data.DEMO_ORGANISER`) organises every council, appointed by the
operator. The world it is set in is :mod:`councils.sim.demo_data`.

Why commands and not rows: the demo is the product working, not a picture of it. Every seat is
filled by a count of ballots, every entry is on the record, and ``councils verify`` replays it.

Determinism: randomness is allowed here (outside the pure core), but each stage draws from its
own :class:`random.Random` seeded from ``(seed, stage)``, so the same seed yields the same
commands, in the same order, whatever was asked before. Stages that depend on earlier results
(who sits in a soviet, and so may stand for the congress) read them from the state, which the
earlier, equally deterministic stages produced.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from councils.domain.ids import ConstituencyId, CouncilId, MemberId
from councils.domain.view import StateView
from councils.sim.demo_data import (
    AFFINITY,
    CITIES,
    DEMO_ORGANISER,
    EXECUTIVE,
    FACTIONS,
    FEMALE,
    LATE,
    LATE_COUNCIL,
    MALE,
    REGION,
    SURNAMES,
    PlaceSpec,
)

__all__ = ["DEFAULT_SEED", "DemoBuilder", "Stage", "seats_for"]

DEFAULT_SEED = 1917
Command = dict[str, object]

#: Members per seat in a base constituency (at least one seat, at most seven).
MEMBERS_PER_SEAT = 45
#: Share of a workplace's members who also live in (and join) its district.
ALSO_IN_DISTRICT = 0.22
#: Share of the late workplace's members who live in (and join) its district: many more than
#: elsewhere, the works being on the Vyborg side among its workers' homes.
LATE_ALSO_IN_DISTRICT = 0.45
#: Share of the late workplace's electorate who have voted when the demo ends.
LATE_TURNOUT = (0.35, 0.5)
#: Share of members who belong to no faction.
INDEPENDENT = 0.13
#: A voter ranks every candidate whose appeal to them (affinity + noise) is above this.
RANK_CUTOFF = 1.6

_START = datetime.fromisoformat("1917-09-01T00:00:00+03:00")
_FACTION_INDEX = {f.faction: i for i, f in enumerate(FACTIONS)}


def seats_for(size: int) -> int:
    """Seats of a base constituency of ``size`` members: one per 45, from one to seven."""
    return max(1, min(7, round(size / MEMBERS_PER_SEAT)))


@dataclass(frozen=True)
class Stage:
    """One transaction of the build: a name for progress lines and the commands, made from the
    state as the earlier stages left it."""

    name: str
    commands: Callable[[StateView], list[Command]]


@dataclass(frozen=True)
class _Person:
    member: str
    name: str
    home: str
    faction: str | None


class DemoBuilder:
    """The commands that build the demo federation, stage by stage.

    ``scale`` shrinks (or grows) every constituency's membership, for tests that run the whole
    build through the bus quickly; the shape (places, factions, tiers) stays the same.

    ``people`` and ``joins`` are the members registered in September (in :attr:`places`);
    ``late_people`` and ``late_joins`` those of the late workplace, drawn from their own random
    stream, so adding it changed nothing else.
    """

    def __init__(self, seed: int = DEFAULT_SEED, scale: float = 1.0) -> None:
        self.seed = seed
        self.scale = scale
        self.places: tuple[PlaceSpec, ...] = tuple(p for city in CITIES for p in city.places)
        self._city_of = {p.constituency: city.council for city in CITIES for p in city.places}
        self.people, self.joins = self._people()
        self.late_people, self.late_joins = self._members_of(
            self._rng("late people"), LATE, len(self.people), LATE_ALSO_IN_DISTRICT
        )
        self.electorates = self._electorates()
        self.faction_of = {p.member: p.faction for p in [*self.people, *self.late_people]}

    # ------------------------------------------------------------------ stages

    def stages(self) -> list[Stage]:
        """Every stage, in order: shape, members, base elections (city by city), the congress,
        the executive, the petitions, the late workplace."""
        region, executive = CouncilId(REGION[0]), CouncilId(EXECUTIVE[0])
        stages = [
            Stage("councils, factions and constituencies", lambda view: self.structure()),
            Stage("members", lambda view: self.registrations()),
        ]
        stages += [
            Stage(
                f"elections to the {city.name}", partial(_static, self.base_elections, city.council)
            )
            for city in CITIES
        ]
        stages.append(
            Stage(f"elections to the {REGION[1]}", lambda v: self.council_elections(v, region))
        )
        stages.append(
            Stage(f"election of the {EXECUTIVE[1]}", lambda v: self.council_elections(v, executive))
        )
        stages.append(Stage("recall petitions", self.petitions))
        stages.append(
            Stage(f"the {LATE.name} joins, its election opens", lambda view: self.late_election())
        )
        return stages

    def structure(self) -> list[Command]:
        at = _at(0, 9 / 24)
        out: list[Command] = [
            {"command": "council.create", "council": c.council, "name": c.name, "at": at}
            for c in CITIES
        ]
        out.append({"command": "council.create", "council": REGION[0], "name": REGION[1], "at": at})
        out.append(
            {"command": "council.create", "council": EXECUTIVE[0], "name": EXECUTIVE[1], "at": at}
        )
        out += [
            {
                "command": "organiser.appoint",
                "council": c["council"],
                "organiser": DEMO_ORGANISER,
                "at": at,
            }
            for c in list(out)
        ]
        out += [
            {"command": "faction.create", "faction": f.faction, "name": f.name, "at": at}
            for f in FACTIONS
        ]
        for p in self.places:
            out.append(
                {
                    "command": "constituency.create",
                    "constituency": p.constituency,
                    "name": p.name,
                    "kind": p.kind,
                    "council": self._city_of[p.constituency],
                    "seats": seats_for(self.size(p)),
                    "at": at,
                }
            )
        for city in CITIES:
            out.append(
                {
                    "command": "constituency.create",
                    "constituency": f"{city.council}-delegation",
                    "name": f"Delegation of the {city.name}",
                    "kind": "council",
                    "council": REGION[0],
                    "of": city.council,
                    "seats": city.delegates,
                    "at": at,
                }
            )
        out.append(
            {
                "command": "constituency.create",
                "constituency": "congress-delegation",
                "name": f"Delegation of the {REGION[1]}",
                "kind": "council",
                "council": EXECUTIVE[0],
                "of": REGION[0],
                "seats": EXECUTIVE[2],
                "at": at,
            }
        )
        return out

    def registrations(self) -> list[Command]:
        """Every member registers in their workplace or district; some then join their
        district too. Spread over the first week of September."""
        total = len(self.people) + len(self.joins)
        out: list[Command] = []
        for i, p in enumerate(self.people):
            command: Command = {
                "command": "member.register",
                "member": p.member,
                "name": p.name,
                "constituency": p.home,
                "at": _at(1, 9 / 24 + i / total * 6),
            }
            if p.faction is not None:
                command["faction"] = p.faction
            out.append(command)
        for j, (member, district) in enumerate(self.joins):
            out.append(
                {
                    "command": "member.join",
                    "member": member,
                    "constituency": district,
                    "at": _at(1, 9 / 24 + (len(self.people) + j) / total * 6),
                }
            )
        return out

    def base_elections(self, council: str) -> list[Command]:
        """The elections of one city soviet: every constituency opens at 8, ballots come in
        through the day, in no constituency's order, and every count closes at 8 in the
        evening."""
        rng = self._rng(f"elections {council}")
        day = 9 + [c.council for c in CITIES].index(council)
        places = [p for p in self.places if self._city_of[p.constituency] == council]
        opens: list[Command] = []
        casts: list[Command] = []
        for place in places:
            cid = place.constituency
            electorate = self.electorates[cid]
            seats = seats_for(self.size(place))
            candidates = _nominate(rng, electorate, self.faction_of, seats)
            election = _election_id(cid)
            opens.append(_open(election, cid, candidates, _at(day, 8 / 24)))
            casts += _ballots(
                rng, election, electorate, candidates, self.faction_of, rng.uniform(0.62, 0.88)
            )
        return _day(rng, opens, casts, day, 8)

    def council_elections(self, view: StateView, council: CouncilId) -> list[Command]:
        """The elections to ``council`` by the councils below it: each ``council``
        constituency's electorate is whoever sits in its lower council now, so this stage reads
        the seats the earlier stages filled."""
        rng = self._rng(f"elections {council}")
        day = 20 if council == REGION[0] else 22
        opens: list[Command] = []
        casts: list[Command] = []
        for k in view.constituencies_electing(council):
            if k.of is None:
                continue
            electorate = _seated(view, k.of)
            faction_of = _factions(view, electorate)
            candidates = _nominate(rng, electorate, faction_of, k.seats)
            election = _election_id(k.constituency)
            opens.append(_open(election, k.constituency, candidates, _at(day, 10 / 24)))
            casts += _ballots(
                rng, election, electorate, candidates, faction_of, rng.uniform(0.93, 1.0)
            )
        return _day(rng, opens, casts, day, 10)

    def petitions(self, view: StateView) -> list[Command]:
        """Recall petitions under way against a few delegates: four in Petrograd workplaces and
        districts, one in Kronstadt, one against a Petrograd delegate to the congress. Each has
        signatures from a sixth to two fifths of its electorate, mostly from other factions:
        below the threshold (more than half), so the mandates stand for now."""
        rng = self._rng("petitions")
        targets = ["putilov", "university", "vyborg", "treugolnik", "kronstadt-fleet"]
        out: list[Command] = []
        targeted: set[str] = set()
        for n, cid in enumerate([*targets, "petrograd-delegation"]):
            k = view.constituency(ConstituencyId(cid))
            holders = [s.holder for s in view.seats(k.constituency) if s.holder is not None]
            if not holders:
                continue
            free = [h for h in holders if h not in targeted] or holders
            delegate = free[rng.randrange(len(free))]
            targeted.add(delegate)
            if k.of is not None:
                electorate = _seated(view, k.of)
                faction_of = _factions(view, electorate)
            else:
                electorate = self.electorates[cid]
                faction_of = self.faction_of
            own = faction_of.get(delegate)
            others = [m for m in electorate if m != delegate and faction_of.get(m) != own]
            same = [m for m in electorate if m != delegate and faction_of.get(m) == own]
            rng.shuffle(others)
            rng.shuffle(same)
            needed = len(electorate) // 2 + 1
            wanted = min(needed - 1, max(1, round(len(electorate) * rng.uniform(0.17, 0.42))))
            signers = (others + same)[:wanted]
            for i, signer in enumerate(signers):
                out.append(
                    {
                        "command": "recall.sign",
                        "constituency": cid,
                        "delegate": delegate,
                        "signer": signer,
                        "at": _at(30 + n, 9 / 24 + i / max(1, len(signers)) * 0.5),
                    }
                )
            if n == 0 and len(signers) > 2:
                out.append(
                    {
                        "command": "recall.withdraw",
                        "constituency": cid,
                        "delegate": delegate,
                        "signer": signers[1],
                        "at": _at(30 + n, 9 / 24 + 0.6),
                    }
                )
        return out

    def late_election(self) -> list[Command]:
        """The Russian Renault Works joins the Petrograd Soviet in October: the constituency is
        created (its seats vacant), its workers register on the 6th, those who live on the
        Vyborg side join the Vyborg District on the 7th, and on the 8th its election opens at 8
        and ballots come in through the morning. It is not closed: the demo ends with it under
        way, a third to a half of the electorate having voted."""
        rng = self._rng("late election")
        day = 36
        cid = LATE.constituency
        seats = seats_for(self.size(LATE))
        out: list[Command] = [
            {
                "command": "constituency.create",
                "constituency": cid,
                "name": LATE.name,
                "kind": LATE.kind,
                "council": LATE_COUNCIL,
                "seats": seats,
                "at": _at(day, 9 / 24),
            }
        ]
        people, joins = self.late_people, self.late_joins
        for i, p in enumerate(people):
            command: Command = {
                "command": "member.register",
                "member": p.member,
                "name": p.name,
                "constituency": cid,
                "at": _at(day, 10 / 24 + i / len(people) * 8 / 24),
            }
            if p.faction is not None:
                command["faction"] = p.faction
            out.append(command)
        for j, (member, district) in enumerate(joins):
            out.append(
                {
                    "command": "member.join",
                    "member": member,
                    "constituency": district,
                    "at": _at(day + 1, 10 / 24 + j / max(1, len(joins)) * 6 / 24),
                }
            )
        electorate = [p.member for p in people]
        candidates = _nominate(rng, electorate, self.faction_of, seats)
        election = _election_id(cid)
        out.append(_open(election, cid, candidates, _at(day + 2, 8 / 24)))
        casts = _ballots(
            rng, election, electorate, candidates, self.faction_of, rng.uniform(*LATE_TURNOUT)
        )
        rng.shuffle(casts)
        for i, cast in enumerate(casts):
            cast["at"] = _at(day + 2, 9 / 24 + i / max(1, len(casts)) * 4 / 24)
        return out + casts

    # ------------------------------------------------------------------ the people

    def size(self, place: PlaceSpec) -> int:
        return max(8, round(place.size * self.scale))

    def _people(self) -> tuple[list[_Person], list[tuple[str, str]]]:
        rng = self._rng("people")
        people: list[_Person] = []
        joins: list[tuple[str, str]] = []
        for place in self.places:
            more, also = self._members_of(rng, place, len(people), ALSO_IN_DISTRICT)
            people += more
            joins += also
        return people, joins

    def _members_of(
        self, rng: random.Random, place: PlaceSpec, before: int, also: float
    ) -> tuple[list[_Person], list[tuple[str, str]]]:
        """The members registered in ``place`` (numbered on from ``before``), and which of them
        also join its district (a share ``also``)."""
        weights = _lean(rng, place)
        people: list[_Person] = []
        joins: list[tuple[str, str]] = []
        for _ in range(self.size(place)):
            member = f"m{before + len(people) + 1:05d}"
            faction = None
            if rng.random() >= INDEPENDENT:
                faction = rng.choices([f.faction for f in FACTIONS], weights)[0]
            people.append(_Person(member, _name(rng), place.constituency, faction))
            if place.district is not None and rng.random() < also:
                joins.append((member, place.district))
        return people, joins

    def _electorates(self) -> dict[str, list[str]]:
        out: defaultdict[str, list[str]] = defaultdict(list)
        for p in self.people:
            out[p.home].append(p.member)
        for member, district in self.joins:
            out[district].append(member)
        return dict(out)

    def _rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}/{stage}")


# ---------------------------------------------------------------------- helpers


def _static(make: Callable[[str], list[Command]], arg: str, view: StateView) -> list[Command]:
    """A stage whose commands need nothing from the state."""
    return make(arg)


def _at(day: float, fraction: float = 0.0) -> str:
    """A timestamp on ``day`` (1 is 1 September 1917), ``fraction`` of the day after midnight."""
    return (_START + timedelta(days=day - 1 + fraction)).isoformat()


def _election_id(constituency: str) -> str:
    return f"{constituency}-1917"


def _open(election: str, constituency: str, candidates: Sequence[str], at: str) -> Command:
    return {
        "command": "election.open",
        "election": election,
        "constituency": constituency,
        "candidates": list(candidates),
        "at": at,
    }


def _day(
    rng: random.Random, opens: list[Command], casts: list[Command], day: float, hour: int
) -> list[Command]:
    """Opens at ``hour`` (the opens are stamped so), ballots shuffled across constituencies and
    stamped from an hour later until 7 in the evening, closes at 8: the record reads as one
    election day."""
    rng.shuffle(casts)
    first, span = (hour + 1) / 24, (19 - hour - 1) / 24
    for i, cast in enumerate(casts):
        cast["at"] = _at(day, first + i / max(1, len(casts)) * span)
    closes: list[Command] = [
        {"command": "election.close", "election": o["election"], "at": _at(day, 20 / 24)}
        for o in opens
    ]
    return opens + casts + closes


def _lean(rng: random.Random, place: PlaceSpec) -> list[float]:
    return [
        f.strength * lean * rng.lognormvariate(0, 0.25)
        for f, lean in zip(FACTIONS, place.lean, strict=True)
    ]


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    if rng.random() < 0.42:
        return f"{rng.choice(FEMALE)} {surname}a"
    return f"{rng.choice(MALE)} {surname}"


def _seated(view: StateView, council: str) -> list[str]:
    """Whoever holds a seat in ``council`` now, each once, in seat order."""
    seen: dict[str, None] = {}
    for k in view.constituencies_electing(CouncilId(council)):
        for s in view.seats(k.constituency):
            if s.holder is not None:
                seen.setdefault(s.holder)
    return list(seen)


def _factions(view: StateView, members: Iterable[str]) -> dict[str, str | None]:
    return {m: view.member(MemberId(m)).faction for m in members}


def _nominate(
    rng: random.Random,
    electorate: Sequence[str],
    faction_of: Mapping[str, str | None],
    seats: int,
) -> list[str]:
    """Each faction with a real presence nominates about its share of the seats, plus one; an
    independent stands now and then; never fewer candidates than seats plus one."""
    by_faction: defaultdict[str | None, list[str]] = defaultdict(list)
    for m in electorate:
        by_faction[faction_of.get(m)].append(m)
    chosen: list[str] = []
    for f in FACTIONS:
        pool = by_faction.get(f.faction, [])
        share = len(pool) / max(1, len(electorate))
        if share < 0.07:
            continue
        chosen += rng.sample(pool, min(len(pool), round(share * seats) + 1))
    if by_faction.get(None) and rng.random() < 0.3:
        chosen.append(rng.choice(by_faction[None]))
    rest = [m for m in electorate if m not in set(chosen)]
    while len(chosen) < seats + 1 and rest:
        chosen.append(rest.pop(rng.randrange(len(rest))))
    rng.shuffle(chosen)
    return chosen


def _ballots(
    rng: random.Random,
    election: str,
    electorate: Iterable[str],
    candidates: Sequence[str],
    faction_of: Mapping[str, str | None],
    turnout: float,
) -> list[Command]:
    """Ballots of a realistic electorate: each voter ranks the candidates whose appeal to them
    (their faction's affinity for the candidate's, a candidate's own standing, noise) passes a
    cut-off, best first, so members rank their own faction first and allies after it."""
    standing = {c: rng.gauss(0, 0.35) for c in candidates}
    cand_faction = [_FACTION_INDEX.get(faction_of.get(c) or "", -1) for c in candidates]
    out: list[Command] = []
    for voter in electorate:
        if rng.random() >= turnout:
            continue
        vf = _FACTION_INDEX.get(faction_of.get(voter) or "", -1)
        scored = []
        for c, cf in zip(candidates, cand_faction, strict=True):
            base = 1.2 if vf < 0 or cf < 0 else AFFINITY[vf][cf]
            scored.append((base + standing[c] + rng.gauss(0, 0.6), c))
        scored.sort(reverse=True)
        ranking = [c for score, c in scored if score > RANK_CUTOFF] or [scored[0][1]]
        out.append(
            {"command": "ballot.cast", "election": election, "voter": voter, "ranking": ranking}
        )
    return out
