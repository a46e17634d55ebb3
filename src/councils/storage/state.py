"""The state in SQL: a :class:`~councils.domain.view.StateView` and
:class:`~councils.domain.view.StateStore` with exactly the semantics of the in-memory reference
store (:mod:`councils.testing.memory`), refusals included.

How it stays fast without loading the state (a million members):

- **Reads** are one indexed query each (:mod:`councils.storage.queries`), and their answers are
  kept in a write-through cache for the rest of the unit of work: rows by id (``None`` for
  "known absent"), a member's memberships and seats, a constituency's seats and petitions, a
  council's constituencies. Every cached answer is *complete* (all of a member's memberships,
  not some), and every write updates the answers it changes, so a cached answer is what the
  query would return now. That holds because writers are serialised (:mod:`councils.storage.
  uow`): while a unit of work runs, nobody else writes.
- **Writes**: inserts wait in the :class:`~councils.storage.buffer.WriteBuffer` and go as
  batches; an update or a delete flushes the buffer and runs at once; a read that misses the
  cache flushes before it queries, so it sees the unit of work's own writes.
- :meth:`SqlState.prefetch` answers, in a few ``IN (...)`` queries, what the next commands of a
  batch will ask (do these members exist, where do they belong, have they voted), so that an
  import of members runs without a query per command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.exc import IntegrityError

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
from councils.storage import queries as q
from councils.storage import rows
from councils.storage.buffer import WriteBuffer
from councils.storage.metadata import (
    ballots,
    constituencies,
    councils,
    elections,
    factions,
    members,
    memberships,
    organisers,
    petitions,
    published_ballots,
    sealed_ballots,
    seats,
    signatures,
    voters,
)

__all__ = ["CACHE_LIMIT", "SqlState"]

#: Above this many cached answers about members, :meth:`SqlState.prefetch` starts afresh.
CACHE_LIMIT = 200_000
#: Ids per ``IN (...)`` list.
_CHUNK = 1000
_MEMBER_FIELDS = ("member", "voter", "signer", "delegate", "candidate")

SeatKey = tuple[ConstituencyId, int]
K = TypeVar("K")
T = TypeVar("T")


class _Cache:
    """Answers already known in this unit of work (see the module docstring)."""

    def __init__(self) -> None:
        self.councils: dict[CouncilId, Council | None] = {}
        self.organisers: dict[CouncilId, set[Actor]] = {}
        self.constituencies: dict[ConstituencyId, Constituency | None] = {}
        self.factions: dict[FactionId, Faction | None] = {}
        self.members: dict[MemberId, Member | None] = {}
        self.elections: dict[ElectionId, Election | None] = {}
        self.memberships: dict[MemberId, set[ConstituencyId]] = {}
        self.held: dict[MemberId, dict[SeatKey, Seat]] = {}
        self.seats: dict[ConstituencyId, list[Seat]] = {}
        self.electing: dict[CouncilId, dict[ConstituencyId, Constituency]] = {}
        self.above: dict[CouncilId, dict[ConstituencyId, Constituency]] = {}
        self.petitions: dict[ConstituencyId, dict[MemberId, Petition]] = {}
        self.voted: dict[tuple[ElectionId, MemberId], bool] = {}

    def about_members(self) -> int:
        return len(self.members) + len(self.memberships) + len(self.held) + len(self.voted)

    def forget_members(self) -> None:
        self.members.clear()
        self.memberships.clear()
        self.held.clear()
        self.voted.clear()


class SqlState:
    """State view and store over one connection at a time (:meth:`bind`)."""

    def __init__(self) -> None:
        self._buffer = WriteBuffer()
        self._c = _Cache()

    # ------------------------------------------------------------------ plumbing

    @property
    def buffer(self) -> WriteBuffer:
        return self._buffer

    def bind(self, conn: Any) -> None:
        """Work on ``conn`` (the unit of work's transaction); ``None`` detaches."""
        self._buffer.bind(conn)

    def reset(self) -> None:
        """Forget every cached answer and pending row (after a rollback, or when another
        process may have written since)."""
        self._buffer.abandon()
        self._c = _Cache()

    def flush(self) -> None:
        self._buffer.flush()

    def _rows(self, stmt: Executable, **params: object) -> Sequence[Sequence[Any]]:
        self._buffer.flush()
        return self._buffer.connection().execute(stmt, params).all()

    def _dialect(self) -> str:
        return self._buffer.connection().dialect.name

    def _query(self, stmt: Executable, **params: object) -> Sequence[Sequence[Any]]:
        """A query that does not flush first (:meth:`prefetch` only)."""
        return self._buffer.connection().execute(stmt, params).all()

    def _scalar(self, stmt: Executable, **params: object) -> int:
        self._buffer.flush()
        return int(self._buffer.connection().execute(stmt, params).scalar_one())

    def _write(self, stmt: Executable, **params: object) -> None:
        self._buffer.flush()
        try:
            self._buffer.connection().execute(stmt, params)
        except IntegrityError as err:
            raise inconsistent(str(err.orig).strip().splitlines()[0]) from None

    # ------------------------------------------------------------------ prefetch

    def prefetch(self, commands: Iterable[object]) -> None:
        """Load, in a few queries, what these commands (JSON objects) will ask about: the
        members, constituencies and elections they name, and whether their voters voted.

        Only an optimisation: without it every answer is still right, one query at a time.

        Why it may query without flushing the buffer first: it asks only about what the
        cache does not hold, and every fact a pending (unflushed) row changes is in the cache
        (each write updates the answers it changes, and the facts it checked first were
        cached by that check); so the database's answer, as of the last flush, is right for
        everything asked. Forgetting cached answers would break that, so a trim flushes
        first. Afterwards the pending rows are sent in the background (PostgreSQL), while the
        prefetched commands are decided.
        """
        member_ids: set[str] = set()
        constituency_ids: set[str] = set()
        election_ids: set[str] = set()
        votes: set[tuple[str, str]] = set()
        for command in commands:
            if not isinstance(command, Mapping):
                continue
            for name in _MEMBER_FIELDS:
                value = command.get(name)
                if isinstance(value, str):
                    member_ids.add(value)
            for value in command.get("candidates") or ():
                if isinstance(value, str):
                    member_ids.add(value)
            k, e, v = command.get("constituency"), command.get("election"), command.get("voter")
            if isinstance(k, str):
                constituency_ids.add(k)
            if isinstance(e, str):
                election_ids.add(e)
                if isinstance(v, str) and command.get("command") == "ballot.cast":
                    votes.add((e, v))
        if self._c.about_members() > CACHE_LIMIT:
            self._buffer.flush()
            self._c.forget_members()
        self._prefetch_members([MemberId(m) for m in member_ids if m not in self._c.members])
        self._prefetch_constituencies(
            [ConstituencyId(k) for k in constituency_ids if k not in self._c.petitions]
        )
        self._prefetch_elections(
            [ElectionId(e) for e in election_ids if e not in self._c.elections]
        )
        self._prefetch_votes(
            [(ElectionId(e), MemberId(v)) for e, v in votes if (e, v) not in self._c.voted]
        )
        self._buffer.flush(background=True)

    def _prefetch_members(self, wanted: list[MemberId]) -> None:
        """The members, and for those that exist their memberships and seats (a member not
        registered yet has none: an import of new members costs one query per chunk)."""
        c = self._c
        for chunk in _chunks(wanted):
            found: list[MemberId] = []
            for m in chunk:
                c.members[m] = None
            for row in self._query(q.MEMBERS_IN[self._dialect()], ids=chunk):
                member = rows.member_of(row)
                c.members[member.member] = member
                found.append(member.member)
            for m in chunk:
                if c.members[m] is None:
                    c.memberships.setdefault(m, set())
                    c.held.setdefault(m, {})
            if not found:
                continue
            memberships = {m: set[ConstituencyId]() for m in found}
            held: dict[MemberId, dict[SeatKey, Seat]] = {m: {} for m in found}
            for row in self._query(q.MEMBERSHIPS_IN[self._dialect()], ids=found):
                memberships[MemberId(row[0])].add(ConstituencyId(row[1]))
            for row in self._query(q.HELD_IN[self._dialect()], ids=found):
                seat = rows.seat_of(row)
                held[MemberId(row[2])][(seat.constituency, seat.number)] = seat
            for m in found:  # a cached answer is never older than the database's
                c.memberships.setdefault(m, memberships[m])
                c.held.setdefault(m, held[m])

    def _prefetch_constituencies(self, wanted: list[ConstituencyId]) -> None:
        c = self._c
        for chunk in _chunks(wanted):
            for k in chunk:
                c.constituencies.setdefault(k, None)
                c.petitions.setdefault(k, {})
            for row in self._query(q.CONSTITUENCIES_IN[self._dialect()], ids=chunk):
                c.constituencies[ConstituencyId(row[0])] = rows.constituency_of(row)
            for row in self._query(q.PETITIONS_IN[self._dialect()], ids=chunk):
                p = rows.petition_of(row)
                c.petitions[p.constituency][p.delegate] = p

    def _prefetch_elections(self, wanted: list[ElectionId]) -> None:
        for chunk in _chunks(wanted):
            for e in chunk:
                self._c.elections.setdefault(e, None)
            for row in self._query(q.ELECTIONS_IN[self._dialect()], ids=chunk):
                self._c.elections[ElectionId(row[0])] = rows.election_of(row)

    def _prefetch_votes(self, wanted: list[tuple[ElectionId, MemberId]]) -> None:
        for chunk in _chunks(wanted):
            es = sorted({e for e, _ in chunk})
            vs = sorted({v for _, v in chunk})
            found = {
                (row[0], row[1])
                for row in self._query(q.VOTED_IN[self._dialect()], ids=es, ids2=vs)
            }
            for pair in chunk:
                self._c.voted[pair] = pair in found

    def preload(self) -> None:
        """Load every council, organiser, constituency and seat in four queries: for a listing
        of the whole federation (``councils state``), which would otherwise ask per council
        and per constituency."""
        c = self._c
        for r in self._rows(q.ALL_COUNCILS):
            council = rows.council_of(r)
            c.councils[council.council] = council
            c.organisers[council.council] = set()
            c.electing[council.council] = {}
            c.above[council.council] = {}
        for r in self._rows(q.ALL_ORGANISERS):
            c.organisers.setdefault(CouncilId(r[0]), set()).add(Actor(r[1]))
        for r in self._rows(q.ALL_CONSTITUENCIES):
            k = rows.constituency_of(r)
            c.constituencies[k.constituency] = k
            c.seats[k.constituency] = []
            c.electing.setdefault(k.council, {})[k.constituency] = k
            if k.of is not None:
                c.above.setdefault(k.of, {})[k.constituency] = k
        for r in self._rows(q.ALL_SEATS):
            seat = rows.seat_of(r)
            c.seats.setdefault(seat.constituency, []).append(seat)

    # ------------------------------------------------------------------ StateView: by id

    def _by_id(
        self,
        cache: dict[K, T | None],
        stmt: Executable,
        key: K,
        of: Callable[[Sequence[Any]], T],
    ) -> T | None:
        """``key``'s entity, read once per unit of work (``None``, also cached: no such)."""
        if key not in cache:
            found = self._rows(stmt, id=key)
            cache[key] = of(found[0]) if found else None
        return cache[key]

    def _council(self, council: CouncilId) -> Council | None:
        return self._by_id(self._c.councils, q.COUNCIL, council, rows.council_of)

    def _constituency(self, constituency: ConstituencyId) -> Constituency | None:
        return self._by_id(
            self._c.constituencies, q.CONSTITUENCY, constituency, rows.constituency_of
        )

    def _faction(self, faction: FactionId) -> Faction | None:
        return self._by_id(self._c.factions, q.FACTION, faction, rows.faction_of)

    def _member(self, member: MemberId) -> Member | None:
        return self._by_id(self._c.members, q.MEMBER, member, rows.member_of)

    def _election(self, election: ElectionId) -> Election | None:
        return self._by_id(self._c.elections, q.ELECTION, election, rows.election_of)

    def council(self, council: CouncilId) -> Council:
        return _found(self._council(council), council, "council")

    def constituency(self, constituency: ConstituencyId) -> Constituency:
        return _found(self._constituency(constituency), constituency, "constituency")

    def faction(self, faction: FactionId) -> Faction:
        return _found(self._faction(faction), faction, "faction")

    def member(self, member: MemberId) -> Member:
        return _found(self._member(member), member, "member")

    def election(self, election: ElectionId) -> Election:
        return _found(self._election(election), election, "election")

    def petition(self, constituency: ConstituencyId, delegate: MemberId) -> Petition:
        found = self._petitions(constituency).get(delegate)
        if found is None:
            raise petition_not_found(constituency, delegate)
        return found

    def has_council(self, council: CouncilId) -> bool:
        return self._council(council) is not None

    def has_constituency(self, constituency: ConstituencyId) -> bool:
        return self._constituency(constituency) is not None

    def has_faction(self, faction: FactionId) -> bool:
        return self._faction(faction) is not None

    def has_member(self, member: MemberId) -> bool:
        return self._member(member) is not None

    def has_election(self, election: ElectionId) -> bool:
        return self._election(election) is not None

    def has_petition(self, constituency: ConstituencyId, delegate: MemberId) -> bool:
        return delegate in self._petitions(constituency)

    # ------------------------------------------------------------------ roles

    def _organisers(self, council: CouncilId) -> set[Actor]:
        cache = self._c.organisers
        found = cache.get(council)
        if found is None:
            found = {Actor(r[0]) for r in self._rows(q.ORGANISERS, id=council)}
            cache[council] = found
        return found

    def organisers(self, council: CouncilId) -> tuple[Actor, ...]:
        return tuple(sorted(self._organisers(council)))

    def organised_by(self, actor: Actor) -> tuple[CouncilId, ...]:
        return tuple(CouncilId(r[0]) for r in self._rows(q.ORGANISED_BY, id=actor))

    # ------------------------------------------------------------------ electorates

    def _memberships(self, member: MemberId) -> set[ConstituencyId]:
        cache = self._c.memberships
        found = cache.get(member)
        if found is None:
            found = {ConstituencyId(r[0]) for r in self._rows(q.MEMBERSHIPS, id=member)}
            cache[member] = found
        return found

    def memberships(self, member: MemberId) -> tuple[ConstituencyId, ...]:
        return tuple(sorted(self._memberships(member)))

    def in_electorate(self, constituency: ConstituencyId, member: MemberId) -> bool:
        k = self.constituency(constituency)
        if k.of is not None:
            return self.holds_seat_in(k.of, member)
        return constituency in self._memberships(member)

    def electorate_size(self, constituency: ConstituencyId) -> int:
        k = self.constituency(constituency)
        if k.of is not None:
            return self._scalar(q.COUNCIL_ELECTORATE_SIZE, id=k.of)
        return self._scalar(q.ELECTORATE_SIZE, id=constituency)

    # ------------------------------------------------------------------ seats

    def _seats(self, constituency: ConstituencyId) -> list[Seat]:
        cache = self._c.seats
        found = cache.get(constituency)
        if found is None:
            found = [rows.seat_of(r) for r in self._rows(q.SEATS, id=constituency)]
            cache[constituency] = found
        return found

    def _held(self, member: MemberId) -> dict[SeatKey, Seat]:
        cache = self._c.held
        found = cache.get(member)
        if found is None:
            found = {}
            for r in self._rows(q.HELD, id=member):
                seat = rows.seat_of(r)
                found[(seat.constituency, seat.number)] = seat
            cache[member] = found
        return found

    def seats(self, constituency: ConstituencyId) -> tuple[Seat, ...]:
        self.constituency(constituency)
        return tuple(self._seats(constituency))

    def seats_held_by(self, member: MemberId) -> tuple[Seat, ...]:
        held = self._held(member)
        return tuple(held[key] for key in sorted(held))

    def holds_seat_in(self, council: CouncilId, member: MemberId) -> bool:
        return any(self.constituency(k).council == council for k, _ in self._held(member))

    def _electing(self, council: CouncilId) -> dict[ConstituencyId, Constituency]:
        cache = self._c.electing
        found = cache.get(council)
        if found is None:
            found = self._constituencies(q.CONSTITUENCIES_ELECTING, council)
            cache[council] = found
        return found

    def _above(self, council: CouncilId) -> dict[ConstituencyId, Constituency]:
        cache = self._c.above
        found = cache.get(council)
        if found is None:
            found = self._constituencies(q.CONSTITUENCIES_ABOVE, council)
            cache[council] = found
        return found

    def _constituencies(
        self, stmt: Executable, council: CouncilId
    ) -> dict[ConstituencyId, Constituency]:
        found = {}
        for r in self._rows(stmt, id=council):
            k = rows.constituency_of(r)
            self._c.constituencies[k.constituency] = k
            found[k.constituency] = k
        return found

    def constituencies_electing(self, council: CouncilId) -> tuple[Constituency, ...]:
        found = self._electing(council)
        return tuple(found[k] for k in sorted(found))

    def council_constituencies_of(self, council: CouncilId) -> tuple[Constituency, ...]:
        found = self._above(council)
        return tuple(found[k] for k in sorted(found))

    # ------------------------------------------------------------------ elections

    def open_elections(self, constituency: ConstituencyId) -> tuple[Election, ...]:
        found = tuple(rows.election_of(r) for r in self._rows(q.OPEN_ELECTIONS, id=constituency))
        for e in found:
            self._c.elections[e.election] = e
        return found

    def has_voted(self, election: ElectionId, member: MemberId) -> bool:
        key = (election, member)
        found = self._c.voted.get(key)
        if found is None:
            found = self._scalar(q.HAS_VOTED, a=election, b=member) > 0
            self._c.voted[key] = found
        return found

    def turnout(self, election: ElectionId) -> int:
        return self._scalar(q.TURNOUT, id=election)

    def voters(self, election: ElectionId) -> tuple[MemberId, ...]:
        return tuple(MemberId(r[0]) for r in self._rows(q.VOTERS, id=election))

    def ballots(self, election: ElectionId) -> tuple[Ballot, ...]:
        out = [
            Ballot(rows.ids(r[0]), MemberId(r[1])) for r in self._rows(q.BALLOTS_OPEN, id=election)
        ]
        out += [
            Ballot(rows.ids(r[0]), None, int(r[1]))
            for r in self._rows(q.BALLOTS_PUBLISHED, id=election)
        ]
        out += [Ballot(rows.ids(r[0])) for r in self._rows(q.BALLOTS_SEALED, id=election)]
        return tuple(sorted(out, key=lambda b: (b.ranking, b.voter or "", b.weight)))

    # ------------------------------------------------------------------ recall

    def _petitions(self, constituency: ConstituencyId) -> dict[MemberId, Petition]:
        cache = self._c.petitions
        found = cache.get(constituency)
        if found is None:
            found = {}
            for r in self._rows(q.PETITIONS, id=constituency):
                p = rows.petition_of(r)
                found[p.delegate] = p
            cache[constituency] = found
        return found

    def petitions_in(self, constituency: ConstituencyId) -> tuple[Petition, ...]:
        found = self._c.petitions.get(constituency)
        if found is None:
            found = self._petitions(constituency)
        if not found:
            return ()
        return tuple(found[d] for d in sorted(found))

    def signatures(self, constituency: ConstituencyId, delegate: MemberId) -> tuple[MemberId, ...]:
        return tuple(MemberId(r[0]) for r in self._rows(q.SIGNATURES, a=constituency, b=delegate))

    def has_signed(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> bool:
        return self._scalar(q.HAS_SIGNED, a=constituency, b=delegate, c=signer) > 0

    def counted_signatures(self, constituency: ConstituencyId, delegate: MemberId) -> int:
        if delegate not in self._petitions(constituency):
            return 0  # signatures exist only on a petition (as in memory)
        k = self.constituency(constituency)
        if k.of is not None:
            return self._scalar(q.COUNTED_SIGNATURES_COUNCIL, a=constituency, b=delegate, c=k.of)
        return self._scalar(q.COUNTED_SIGNATURES_BASE, a=constituency, b=delegate)

    # ------------------------------------------------------------------ listings

    def councils(self) -> Iterable[Council]:
        return [rows.council_of(r) for r in self._rows(q.ALL_COUNCILS)]

    def constituencies(self) -> Iterable[Constituency]:
        return [rows.constituency_of(r) for r in self._rows(q.ALL_CONSTITUENCIES)]

    def factions(self) -> Iterable[Faction]:
        return [rows.faction_of(r) for r in self._rows(q.ALL_FACTIONS)]

    def members(self) -> Iterable[Member]:
        return [rows.member_of(r) for r in self._rows(q.ALL_MEMBERS)]

    def elections(self) -> Iterable[Election]:
        return [rows.election_of(r) for r in self._rows(q.ALL_ELECTIONS)]

    def petitions(self) -> Iterable[Petition]:
        return [rows.petition_of(r) for r in self._rows(q.ALL_PETITIONS)]

    # ------------------------------------------------------------------ StateStore

    def add_council(self, council: Council) -> None:
        if self.has_council(council.council):
            raise inconsistent(f"council {council.council} created twice")
        self._buffer.add(councils, (council.council, council.name))
        self._c.councils[council.council] = council
        self._c.organisers.setdefault(council.council, set())
        self._c.electing.setdefault(council.council, {})
        self._c.above.setdefault(council.council, {})

    def add_organiser(self, council: CouncilId, organiser: Actor) -> None:
        if not self.has_council(council):
            raise inconsistent(f"organiser {organiser} of unknown council {council}")
        found = self._organisers(council)
        if organiser in found:
            raise inconsistent(f"organiser {organiser} of {council} appointed twice")
        self._buffer.add(organisers, (council, organiser))
        found.add(organiser)

    def add_constituency(self, constituency: Constituency) -> None:
        k = constituency
        cid = k.constituency
        if self.has_constituency(cid):
            raise inconsistent(f"constituency {cid} created twice")
        if not self.has_council(k.council):
            raise inconsistent(f"constituency {cid} of unknown council {k.council}")
        self._buffer.add(constituencies, rows.constituency_row(k))
        for n in range(1, k.seats + 1):
            self._buffer.add(seats, (cid, n, k.council, None, None))
        c = self._c
        c.constituencies[cid] = k
        c.seats[cid] = [Seat(cid, n) for n in range(1, k.seats + 1)]
        c.petitions[cid] = {}
        if k.council in c.electing:
            c.electing[k.council][cid] = k
        if k.of is not None and k.of in c.above:
            c.above[k.of][cid] = k

    def add_faction(self, faction: Faction) -> None:
        if self.has_faction(faction.faction):
            raise inconsistent(f"faction {faction.faction} created twice")
        self._buffer.add(factions, (faction.faction, faction.name))
        self._c.factions[faction.faction] = faction

    def add_member(self, member: Member) -> None:
        m = member.member
        if self.has_member(m):
            raise inconsistent(f"member {m} created twice")
        self._buffer.add(members, rows.member_row(member))
        self._c.members[m] = member
        self._c.memberships[m] = set()
        self._c.held[m] = {}

    def add_membership(self, member: MemberId, constituency: ConstituencyId) -> None:
        if not self.has_member(member) or not self.has_constituency(constituency):
            raise inconsistent(f"membership of {member} in {constituency}")
        held = self._memberships(member)
        if constituency not in held:
            self._buffer.add(memberships, (constituency, member))
            held.add(constituency)

    def end_member(self, member: MemberId) -> None:
        m = self.member(member)
        self._write(q.END_MEMBER, id=member)
        self._write(q.DELETE_MEMBERSHIPS, id=member)
        self._c.members[member] = replace(m, active=False)
        self._c.memberships[member] = set()

    def add_election(self, election: Election) -> None:
        if self.has_election(election.election):
            raise inconsistent(f"election {election.election} created twice")
        self._buffer.add(elections, rows.election_row(election))
        self._c.elections[election.election] = election

    def add_candidate(self, election: ElectionId, candidate: MemberId) -> None:
        e = self.election(election)
        changed = replace(e, candidates=(*e.candidates, candidate))
        self._write(q.SET_CANDIDATES, id=election, a=rows.listing(changed.candidates))
        self._c.elections[election] = changed

    def mark_voted(self, election: ElectionId, voter: MemberId) -> None:
        if self.has_voted(election, voter):
            raise inconsistent(f"{voter} votes twice in {election}")
        self._buffer.add(voters, (election, voter))
        self._c.voted[(election, voter)] = True

    def add_ballot(self, election: ElectionId, ballot: Ballot) -> None:
        self._buffer.add(ballots, (election, ballot.voter, rows.listing(ballot.ranking)))

    def seal_ballot(self, election: ElectionId, token: str, ranking: tuple[MemberId, ...]) -> None:
        # A reused token is refused by the primary key (election, token), at the next flush.
        self._buffer.add(sealed_ballots, (election, token, rows.listing(ranking)))

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
        self._write(
            q.SET_CLOSED,
            id=election,
            elected=rows.listing(elected),
            withdrawn=rows.listing(withdrawn),
            seed=seed,
        )
        self._c.elections[election] = replace(
            e, status="closed", elected=elected, withdrawn=withdrawn, seed=seed
        )

    def publish_ballots(self, election: ElectionId, ballots: tuple[Ballot, ...]) -> None:
        self._write(q.DELETE_BALLOTS_SEALED, id=election)
        self._write(q.DELETE_BALLOTS_OPEN, id=election)
        self._write(q.DELETE_BALLOTS_PUBLISHED, id=election)
        for n, ballot in enumerate(ballots):
            self._buffer.add(
                published_ballots, (election, n, rows.listing(ballot.ranking), ballot.weight)
            )

    def fill_seat(
        self, constituency: ConstituencyId, number: int, holder: MemberId, election: ElectionId
    ) -> None:
        seat = self._seat(constituency, number)
        if seat.holder is not None:
            raise inconsistent(f"seat {number} of {constituency} is not vacant")
        held = self._held(holder)
        if any(k == constituency for k, _ in held):
            raise inconsistent(f"{holder} would hold two seats of {constituency}")
        self._write(q.SET_SEAT, a=constituency, b=number, holder=holder, election=election)
        filled = replace(seat, holder=holder, election=election)
        self._c.seats[constituency][number - 1] = filled
        held[(constituency, number)] = filled

    def vacate_seat(self, constituency: ConstituencyId, number: int, holder: MemberId) -> None:
        seat = self._seat(constituency, number)
        if seat.holder != holder:
            raise inconsistent(f"seat {number} of {constituency} is not held by {holder}")
        self._write(q.SET_SEAT, a=constituency, b=number, holder=None, election=None)
        self._c.seats[constituency][number - 1] = Seat(constituency, number)
        self._held(holder).pop((constituency, number), None)

    def add_petition(self, petition: Petition) -> None:
        found = self._petitions(petition.constituency)
        if petition.delegate in found:
            key = (petition.constituency, petition.delegate)
            raise inconsistent(f"petition {key} created twice")
        self._buffer.add(petitions, rows.petition_row(petition))
        found[petition.delegate] = petition

    def end_petition(self, constituency: ConstituencyId, delegate: MemberId) -> None:
        found = self._petitions(constituency)
        if delegate in found:
            self._write(q.DELETE_SIGNATURES, a=constituency, b=delegate)
            self._write(q.DELETE_PETITION, a=constituency, b=delegate)
            del found[delegate]

    def add_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None:
        if delegate not in self._petitions(constituency):
            raise inconsistent(f"signature on no petition against {delegate}")
        if not self.has_signed(constituency, delegate, signer):  # a set, as in memory
            self._buffer.add(signatures, (constituency, delegate, signer))

    def remove_signature(
        self, constituency: ConstituencyId, delegate: MemberId, signer: MemberId
    ) -> None:
        if not self.has_signed(constituency, delegate, signer):
            raise inconsistent(f"{signer} withdraws a signature they never gave")
        self._write(q.DELETE_SIGNATURE, a=constituency, b=delegate, c=signer)

    def _seat(self, constituency: ConstituencyId, number: int) -> Seat:
        found = self._seats(constituency) if self.has_constituency(constituency) else []
        if not 1 <= number <= len(found):
            raise inconsistent(f"no seat {number} in {constituency}")
        return found[number - 1]


def _found(value: T | None, key: str, noun: str) -> T:
    if value is None:
        raise not_found(noun, key)
    return value


def _chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    ordered = sorted(items)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]
