"""How the domain reads and writes state: two protocols, so that the same rules run over the
in-memory store (tests, simulator, replay) and over SQL (a federation of a million members).

Reads (:class:`StateView`) are narrow questions, each answerable by one indexed query: a command
never loads the whole state. The listings at the end (``councils()``…) are for ``state --json``,
snapshots and verification, not for deciding commands.

Writes (:class:`StateStore`) are called by one function only, :func:`councils.domain.projection.
apply`, the one place that says how an event changes state. A store checks what a database
constraint would (a seat vacated by someone who does not hold it, a duplicate id) and raises
:class:`~councils.domain.errors.RecordCorrupt` (``state.inconsistent``): that is a bug or a
forged record, never a user's mistake, because every user mistake is refused before an event
exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

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
from councils.domain.ids import (
    Actor,
    ConstituencyId,
    CouncilId,
    ElectionId,
    FactionId,
    MemberId,
)

__all__ = ["StateStore", "StateView"]


class StateView(Protocol):
    """Read access. Lookups by id raise :class:`~councils.domain.errors.NotFound` with the code
    ``<noun>.not_found``; ``has_*`` ask without raising."""

    # ---- things by id
    def council(self, council: CouncilId) -> Council: ...
    def constituency(self, constituency: ConstituencyId) -> Constituency: ...
    def faction(self, faction: FactionId) -> Faction: ...
    def member(self, member: MemberId) -> Member: ...
    def election(self, election: ElectionId) -> Election: ...
    def petition(self, constituency: ConstituencyId, delegate: MemberId) -> Petition: ...

    def has_council(self, council: CouncilId) -> bool: ...
    def has_constituency(self, constituency: ConstituencyId) -> bool: ...
    def has_faction(self, faction: FactionId) -> bool: ...
    def has_member(self, member: MemberId) -> bool:
        """Whether the id was ever registered (also true after the member left: ids are never
        reused)."""
        ...

    def has_election(self, election: ElectionId) -> bool: ...
    def has_petition(self, constituency: ConstituencyId, delegate: MemberId) -> bool: ...

    # ---- roles
    def organisers(self, council: CouncilId) -> tuple[Actor, ...]:
        """Who organises the council (member ids and ``@handles``), sorted; none for a council
        that does not exist."""
        ...

    def organised_by(self, actor: Actor) -> tuple[CouncilId, ...]:
        """The councils ``actor`` organises, sorted."""
        ...

    # ---- electorates
    def memberships(self, member: MemberId) -> tuple[ConstituencyId, ...]:
        """The base (workplace, territory) constituencies the member belongs to, sorted."""
        ...

    def in_electorate(self, constituency: ConstituencyId, member: MemberId) -> bool:
        """Base kind: the member is active and belongs to it. Kind ``council``: the member holds
        a seat in the lower council ``of`` right now."""
        ...

    def electorate_size(self, constituency: ConstituencyId) -> int: ...

    # ---- seats
    def seats(self, constituency: ConstituencyId) -> tuple[Seat, ...]:
        """Every seat of the constituency, vacant ones included, by number."""
        ...

    def seats_held_by(self, member: MemberId) -> tuple[Seat, ...]:
        """Every seat the member holds, by (constituency, number)."""
        ...

    def holds_seat_in(self, council: CouncilId, member: MemberId) -> bool:
        """Whether the member holds any seat in the council (through any constituency)."""
        ...

    def constituencies_electing(self, council: CouncilId) -> tuple[Constituency, ...]:
        """The constituencies that fill seats in ``council``, by id."""
        ...

    def council_constituencies_of(self, council: CouncilId) -> tuple[Constituency, ...]:
        """The constituencies of kind ``council`` whose electorate is ``council``'s seated
        members (``of == council``), by id: where the cascade goes."""
        ...

    # ---- elections
    def open_elections(self, constituency: ConstituencyId) -> tuple[Election, ...]: ...
    def has_voted(self, election: ElectionId, member: MemberId) -> bool: ...
    def turnout(self, election: ElectionId) -> int:
        """How many voted."""
        ...

    def voters(self, election: ElectionId) -> tuple[MemberId, ...]:
        """Who voted, sorted (public for secret elections too: turnout is checkable)."""
        ...

    def ballots(self, election: ElectionId) -> tuple[Ballot, ...]:
        """The ballots, sealed ones included (a secret election's before it closes), sorted by
        (ranking, voter): never in the order they were cast."""
        ...

    # ---- recall
    def petitions_in(self, constituency: ConstituencyId) -> tuple[Petition, ...]: ...
    def signatures(self, constituency: ConstituencyId, delegate: MemberId) -> tuple[MemberId, ...]:
        """Every signer, sorted, whether or not they are still in the electorate."""
        ...

    def has_signed(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> bool: ...
    def counted_signatures(self, constituency: ConstituencyId, delegate: MemberId) -> int:
        """Signatures that count: signers who are in the constituency's electorate now."""
        ...

    # ---- listings, in id order (for state --json, snapshots, verification)
    def councils(self) -> Iterable[Council]: ...
    def constituencies(self) -> Iterable[Constituency]: ...
    def factions(self) -> Iterable[Faction]: ...
    def members(self) -> Iterable[Member]: ...
    def elections(self) -> Iterable[Election]: ...
    def petitions(self) -> Iterable[Petition]: ...


class StateStore(Protocol):
    """Write access, called only by :func:`councils.domain.projection.apply`."""

    def add_council(self, council: Council) -> None: ...
    def add_constituency(self, constituency: Constituency) -> None:
        """Adds it with ``constituency.seats`` vacant seats numbered from 1."""
        ...

    def add_organiser(self, council: CouncilId, organiser: Actor) -> None:
        """The council must exist and ``organiser`` not organise it yet."""
        ...

    def add_faction(self, faction: Faction) -> None: ...
    def add_member(self, member: Member) -> None: ...
    def add_membership(self, member: MemberId, constituency: ConstituencyId) -> None: ...
    def end_member(self, member: MemberId) -> None:
        """Marks the member inactive and drops their memberships (their seats are vacated by
        their own events first)."""
        ...

    def add_election(self, election: Election) -> None: ...
    def add_candidate(self, election: ElectionId, candidate: MemberId) -> None: ...
    def mark_voted(self, election: ElectionId, voter: MemberId) -> None: ...
    def add_ballot(self, election: ElectionId, ballot: Ballot) -> None:
        """An open ballot, with its voter."""
        ...

    def seal_ballot(self, election: ElectionId, token: str, ranking: tuple[MemberId, ...]) -> None:
        """A secret ballot, keyed by a random token, with no voter."""
        ...

    def close_election(
        self,
        election: ElectionId,
        elected: tuple[MemberId, ...],
        withdrawn: tuple[MemberId, ...],
        seed: int,
    ) -> None: ...
    def publish_ballots(self, election: ElectionId, ballots: tuple[Ballot, ...]) -> None:
        """Replaces a secret election's sealed ballots with the published groups."""
        ...

    def fill_seat(
        self, constituency: ConstituencyId, number: int, holder: MemberId, election: ElectionId
    ) -> None:
        """The seat must be vacant."""
        ...

    def vacate_seat(self, constituency: ConstituencyId, number: int, holder: MemberId) -> None:
        """The seat must be held by ``holder``."""
        ...

    def add_petition(self, petition: Petition) -> None: ...
    def end_petition(self, constituency: ConstituencyId, delegate: MemberId) -> None:
        """Drops the petition and its signatures; nothing if there is none."""
        ...

    def add_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None: ...
    def remove_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None: ...
