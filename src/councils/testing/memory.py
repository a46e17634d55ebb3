"""The in-memory state: a :class:`~councils.domain.view.StateView` and
:class:`~councils.domain.view.StateStore` over dicts, with the semantics the SQL store has.

It is the reference store: replay (``councils verify``), the tests and the simulator run on it.
Each query is a dict lookup or a walk over one constituency's, one member's or one election's
rows, as each is one indexed query in SQL. Writes refuse what a database constraint would
(``state.inconsistent``).
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from councils.domain.entities import (
    Ballot,
    Constituency,
    Council,
    Election,
    Faction,
    Member,
    Petition,
    Seat,
)
from councils.domain.errors import inconsistent, not_found, petition_not_found
from councils.domain.ids import (
    Actor,
    ConstituencyId,
    CouncilId,
    ElectionId,
    FactionId,
    MemberId,
)

__all__ = ["InMemoryState"]

PetitionKey = tuple[ConstituencyId, MemberId]
K = TypeVar("K")
V = TypeVar("V")
_NOBODY: Counter[MemberId] = Counter()


@dataclass
class _Tables:
    councils: dict[CouncilId, Council] = field(default_factory=dict)
    organisers: defaultdict[CouncilId, set[Actor]] = field(default_factory=lambda: defaultdict(set))
    organised_by: defaultdict[Actor, set[CouncilId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    constituencies: dict[ConstituencyId, Constituency] = field(default_factory=dict)
    electing: defaultdict[CouncilId, set[ConstituencyId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    above: defaultdict[CouncilId, set[ConstituencyId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    factions: dict[FactionId, Faction] = field(default_factory=dict)
    members: dict[MemberId, Member] = field(default_factory=dict)
    electorate: defaultdict[ConstituencyId, set[MemberId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    memberships: defaultdict[MemberId, set[ConstituencyId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    seats: dict[ConstituencyId, list[Seat]] = field(default_factory=dict)
    held: defaultdict[MemberId, set[tuple[ConstituencyId, int]]] = field(
        default_factory=lambda: defaultdict(set)
    )
    #: council → member → number of seats they hold in it.
    seated: defaultdict[CouncilId, Counter[MemberId]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    elections: dict[ElectionId, Election] = field(default_factory=dict)
    open_in: defaultdict[ConstituencyId, set[ElectionId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    voters: defaultdict[ElectionId, set[MemberId]] = field(default_factory=lambda: defaultdict(set))
    ballots: defaultdict[ElectionId, list[Ballot]] = field(
        default_factory=lambda: defaultdict(list)
    )
    sealed: defaultdict[ElectionId, dict[str, tuple[MemberId, ...]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    petitions: dict[PetitionKey, Petition] = field(default_factory=dict)
    petitions_in: defaultdict[ConstituencyId, set[MemberId]] = field(
        default_factory=lambda: defaultdict(set)
    )
    signatures: defaultdict[PetitionKey, set[MemberId]] = field(
        default_factory=lambda: defaultdict(set)
    )


class InMemoryState:
    """State in dicts. ``checkpoint()`` and ``restore()`` give the unit of work its rollback."""

    def __init__(self) -> None:
        self._t = _Tables()

    # ------------------------------------------------------------------ transactions

    def checkpoint(self) -> object:
        """An opaque copy of the whole state, for :meth:`restore`."""
        return copy.deepcopy(self._t)

    def restore(self, checkpoint: object) -> None:
        if not isinstance(checkpoint, _Tables):
            raise TypeError("not a checkpoint of an InMemoryState")
        self._t = copy.deepcopy(checkpoint)

    # ------------------------------------------------------------------ StateView: by id

    def council(self, council: CouncilId) -> Council:
        return _get(self._t.councils, council, "council")

    def constituency(self, constituency: ConstituencyId) -> Constituency:
        return _get(self._t.constituencies, constituency, "constituency")

    def faction(self, faction: FactionId) -> Faction:
        return _get(self._t.factions, faction, "faction")

    def member(self, member: MemberId) -> Member:
        return _get(self._t.members, member, "member")

    def election(self, election: ElectionId) -> Election:
        return _get(self._t.elections, election, "election")

    def petition(self, constituency: ConstituencyId, delegate: MemberId) -> Petition:
        try:
            return self._t.petitions[(constituency, delegate)]
        except KeyError:
            raise petition_not_found(constituency, delegate) from None

    def has_council(self, council: CouncilId) -> bool:
        return council in self._t.councils

    def has_constituency(self, constituency: ConstituencyId) -> bool:
        return constituency in self._t.constituencies

    def has_faction(self, faction: FactionId) -> bool:
        return faction in self._t.factions

    def has_member(self, member: MemberId) -> bool:
        return member in self._t.members

    def has_election(self, election: ElectionId) -> bool:
        return election in self._t.elections

    def has_petition(self, constituency: ConstituencyId, delegate: MemberId) -> bool:
        return (constituency, delegate) in self._t.petitions

    # ------------------------------------------------------------------ roles

    def organisers(self, council: CouncilId) -> tuple[Actor, ...]:
        return tuple(sorted(self._t.organisers.get(council, ())))

    def organised_by(self, actor: Actor) -> tuple[CouncilId, ...]:
        return tuple(sorted(self._t.organised_by.get(actor, ())))

    # ------------------------------------------------------------------ electorates

    def memberships(self, member: MemberId) -> tuple[ConstituencyId, ...]:
        return tuple(sorted(self._t.memberships.get(member, ())))

    def in_electorate(self, constituency: ConstituencyId, member: MemberId) -> bool:
        k = self.constituency(constituency)
        if k.of is not None:
            return self._t.seated.get(k.of, _NOBODY)[member] > 0
        return member in self._t.electorate.get(constituency, ())

    def electorate_size(self, constituency: ConstituencyId) -> int:
        k = self.constituency(constituency)
        if k.of is not None:
            return sum(1 for n in self._t.seated.get(k.of, _NOBODY).values() if n > 0)
        return len(self._t.electorate.get(constituency, ()))

    # ------------------------------------------------------------------ seats

    def seats(self, constituency: ConstituencyId) -> tuple[Seat, ...]:
        self.constituency(constituency)
        return tuple(self._t.seats[constituency])

    def seats_held_by(self, member: MemberId) -> tuple[Seat, ...]:
        return tuple(self._t.seats[cid][n - 1] for cid, n in sorted(self._t.held.get(member, ())))

    def holds_seat_in(self, council: CouncilId, member: MemberId) -> bool:
        return self._t.seated.get(council, _NOBODY)[member] > 0

    def constituencies_electing(self, council: CouncilId) -> tuple[Constituency, ...]:
        return tuple(self._t.constituencies[c] for c in sorted(self._t.electing.get(council, ())))

    def council_constituencies_of(self, council: CouncilId) -> tuple[Constituency, ...]:
        return tuple(self._t.constituencies[c] for c in sorted(self._t.above.get(council, ())))

    # ------------------------------------------------------------------ elections

    def open_elections(self, constituency: ConstituencyId) -> tuple[Election, ...]:
        return tuple(self._t.elections[e] for e in sorted(self._t.open_in.get(constituency, ())))

    def has_voted(self, election: ElectionId, member: MemberId) -> bool:
        return member in self._t.voters.get(election, ())

    def turnout(self, election: ElectionId) -> int:
        return len(self._t.voters.get(election, ()))

    def voters(self, election: ElectionId) -> tuple[MemberId, ...]:
        return tuple(sorted(self._t.voters.get(election, ())))

    def ballots(self, election: ElectionId) -> tuple[Ballot, ...]:
        out = list(self._t.ballots.get(election, ()))
        out.extend(Ballot(r) for r in self._t.sealed.get(election, {}).values())
        return tuple(sorted(out, key=lambda b: (b.ranking, b.voter or "", b.weight)))

    # ------------------------------------------------------------------ recall

    def petitions_in(self, constituency: ConstituencyId) -> tuple[Petition, ...]:
        return tuple(
            self._t.petitions[(constituency, d)]
            for d in sorted(self._t.petitions_in.get(constituency, ()))
        )

    def signatures(self, constituency: ConstituencyId, delegate: MemberId) -> tuple[MemberId, ...]:
        return tuple(sorted(self._t.signatures.get((constituency, delegate), ())))

    def has_signed(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> bool:
        return signer in self._t.signatures.get((constituency, delegate), ())

    def counted_signatures(self, constituency: ConstituencyId, delegate: MemberId) -> int:
        return sum(
            1
            for s in self._t.signatures.get((constituency, delegate), ())
            if self.in_electorate(constituency, s)
        )

    # ------------------------------------------------------------------ listings

    def councils(self) -> Iterable[Council]:
        return _in_order(self._t.councils)

    def constituencies(self) -> Iterable[Constituency]:
        return _in_order(self._t.constituencies)

    def factions(self) -> Iterable[Faction]:
        return _in_order(self._t.factions)

    def members(self) -> Iterable[Member]:
        return _in_order(self._t.members)

    def elections(self) -> Iterable[Election]:
        return _in_order(self._t.elections)

    def petitions(self) -> Iterable[Petition]:
        return _in_order(self._t.petitions)

    # ------------------------------------------------------------------ StateStore

    def add_council(self, council: Council) -> None:
        _insert(self._t.councils, council.council, council, "council")

    def add_organiser(self, council: CouncilId, organiser: Actor) -> None:
        if council not in self._t.councils:
            raise inconsistent(f"organiser {organiser} of unknown council {council}")
        if organiser in self._t.organisers.get(council, ()):
            raise inconsistent(f"organiser {organiser} of {council} appointed twice")
        self._t.organisers[council].add(organiser)
        self._t.organised_by[organiser].add(council)

    def add_constituency(self, constituency: Constituency) -> None:
        cid = constituency.constituency
        _insert(self._t.constituencies, cid, constituency, "constituency")
        if constituency.council not in self._t.councils:
            raise inconsistent(f"constituency {cid} of unknown council {constituency.council}")
        self._t.electing[constituency.council].add(cid)
        if constituency.of is not None:
            self._t.above[constituency.of].add(cid)
        self._t.seats[cid] = [Seat(cid, n) for n in range(1, constituency.seats + 1)]

    def add_faction(self, faction: Faction) -> None:
        _insert(self._t.factions, faction.faction, faction, "faction")

    def add_member(self, member: Member) -> None:
        _insert(self._t.members, member.member, member, "member")

    def add_membership(self, member: MemberId, constituency: ConstituencyId) -> None:
        if member not in self._t.members or constituency not in self._t.constituencies:
            raise inconsistent(f"membership of {member} in {constituency}")
        self._t.electorate[constituency].add(member)
        self._t.memberships[member].add(constituency)

    def end_member(self, member: MemberId) -> None:
        m = self.member(member)
        self._t.members[member] = replace(m, active=False)
        for cid in self._t.memberships.pop(member, set()):
            self._t.electorate[cid].discard(member)

    def add_election(self, election: Election) -> None:
        _insert(self._t.elections, election.election, election, "election")
        self._t.open_in[election.constituency].add(election.election)

    def add_candidate(self, election: ElectionId, candidate: MemberId) -> None:
        e = self.election(election)
        self._t.elections[election] = replace(e, candidates=(*e.candidates, candidate))

    def mark_voted(self, election: ElectionId, voter: MemberId) -> None:
        if voter in self._t.voters.get(election, ()):
            raise inconsistent(f"{voter} votes twice in {election}")
        self._t.voters[election].add(voter)

    def add_ballot(self, election: ElectionId, ballot: Ballot) -> None:
        self._t.ballots[election].append(ballot)

    def seal_ballot(self, election: ElectionId, token: str, ranking: tuple[MemberId, ...]) -> None:
        box = self._t.sealed[election]
        if token in box:
            raise inconsistent(f"ballot token reused in {election}")
        box[token] = ranking

    def close_election(
        self,
        election: ElectionId,
        elected: tuple[MemberId, ...],
        withdrawn: tuple[MemberId, ...],
        seed: int,
    ) -> None:
        e = self.election(election)
        if e.status != "open":
            raise inconsistent(f"election {election} closed twice")
        self._t.elections[election] = replace(
            e, status="closed", elected=elected, withdrawn=withdrawn, seed=seed
        )
        self._t.open_in[e.constituency].discard(election)

    def publish_ballots(self, election: ElectionId, ballots: tuple[Ballot, ...]) -> None:
        self._t.sealed.pop(election, None)
        self._t.ballots[election] = list(ballots)

    def fill_seat(
        self, constituency: ConstituencyId, number: int, holder: MemberId, election: ElectionId
    ) -> None:
        seat = self._seat(constituency, number)
        if seat.holder is not None:
            raise inconsistent(f"seat {number} of {constituency} is not vacant")
        if any(c == constituency for c, _ in self._t.held.get(holder, ())):
            raise inconsistent(f"{holder} would hold two seats of {constituency}")
        self._t.seats[constituency][number - 1] = replace(seat, holder=holder, election=election)
        self._t.held[holder].add((constituency, number))
        self._t.seated[self._t.constituencies[constituency].council][holder] += 1

    def vacate_seat(self, constituency: ConstituencyId, number: int, holder: MemberId) -> None:
        seat = self._seat(constituency, number)
        if seat.holder != holder:
            raise inconsistent(f"seat {number} of {constituency} is not held by {holder}")
        self._t.seats[constituency][number - 1] = Seat(constituency, number)
        self._t.held[holder].discard((constituency, number))
        if not self._t.held[holder]:
            del self._t.held[holder]
        seated = self._t.seated[self._t.constituencies[constituency].council]
        seated[holder] -= 1
        if seated[holder] == 0:
            del seated[holder]

    def add_petition(self, petition: Petition) -> None:
        key = (petition.constituency, petition.delegate)
        _insert(self._t.petitions, key, petition, "petition")
        self._t.petitions_in[petition.constituency].add(petition.delegate)

    def end_petition(self, constituency: ConstituencyId, delegate: MemberId) -> None:
        if self._t.petitions.pop((constituency, delegate), None) is not None:
            self._t.petitions_in[constituency].discard(delegate)
            self._t.signatures.pop((constituency, delegate), None)

    def add_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None:
        if (constituency, delegate) not in self._t.petitions:
            raise inconsistent(f"signature on no petition against {delegate}")
        self._t.signatures[(constituency, delegate)].add(signer)

    def remove_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None:
        sigs = self._t.signatures.get((constituency, delegate), set())
        if signer not in sigs:
            raise inconsistent(f"{signer} withdraws a signature they never gave")
        sigs.discard(signer)

    def _seat(self, constituency: ConstituencyId, number: int) -> Seat:
        seats = self._t.seats.get(constituency)
        if seats is None or not 1 <= number <= len(seats):
            raise inconsistent(f"no seat {number} in {constituency}")
        return seats[number - 1]


def _in_order(table: dict[Any, V]) -> list[V]:
    return [table[k] for k in sorted(table)]


def _get(table: dict[K, V], key: K, noun: str) -> V:
    try:
        return table[key]
    except KeyError:
        raise not_found(noun, key) from None


def _insert(table: dict[K, V], key: K, value: V, noun: str) -> None:
    if key in table:
        raise inconsistent(f"{noun} {key} created twice")
    table[key] = value
