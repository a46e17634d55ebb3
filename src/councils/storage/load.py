"""The whole stored state, read into the in-memory reference store: what ``councils verify``
compares, snapshot against snapshot, with the record replayed.

Why not snapshot the SQL view directly: a snapshot asks, per member, for their memberships;
over a million members that is a million queries. Here each table is read once, in key order,
and fed to :class:`~councils.testing.memory.InMemoryState` through its ``StateStore`` methods,
so the copy obeys the reference store's rules. A row those rules refuse (a seat filled twice,
a membership of an unknown member) is reported as a :class:`Problem` and skipped, and the rest
is still loaded and compared. Only the tables of the state are read: the private account
tables (accounts, invitations, sessions, API tokens, failed logins) are not part of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Connection, Executable, select

from councils.domain.entities import Ballot, Election
from councils.domain.errors import CouncilError
from councils.domain.ids import ElectionId, MemberId
from councils.storage import queries as q
from councils.storage import rows
from councils.storage.metadata import (
    ballots,
    memberships,
    published_ballots,
    sealed_ballots,
    seats,
    signatures,
    voters,
)
from councils.testing.memory import InMemoryState

__all__ = ["Problem", "load_state"]


@dataclass(frozen=True)
class Problem:
    """A stored row the reference store refuses: ``where`` names the table and row."""

    where: str
    what: str


Row = Any


def _stream(conn: Connection, stmt: Executable) -> Iterable[Row]:
    return cast(Iterable[Row], conn.execution_options(yield_per=50_000).execute(stmt))


class _Loader:
    """Feeds rows to the in-memory store, keeping what it refuses as problems."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.state = InMemoryState()
        self.problems: list[Problem] = []

    def each(
        self, stmt: Executable, where: Callable[[Row], str], action: Callable[[Row], None]
    ) -> None:
        for r in _stream(self.conn, stmt):
            try:
                action(r)
            except CouncilError as err:
                self.problems.append(Problem(where(r), err.message))


def load_state(conn: Connection) -> tuple[InMemoryState, list[Problem]]:
    """Every table, into a fresh in-memory state; the rows that could not be loaded."""
    run = _Loader(conn)
    s = run.state
    run.each(
        q.ALL_COUNCILS, lambda r: f"councils {r[0]}", lambda r: s.add_council(rows.council_of(r))
    )
    run.each(
        q.ALL_ORGANISERS,
        lambda r: f"organisers {r[0]} {r[1]}",
        lambda r: s.add_organiser(r[0], r[1]),
    )
    run.each(
        q.ALL_CONSTITUENCIES,
        lambda r: f"constituencies {r[0]}",
        lambda r: s.add_constituency(rows.constituency_of(r)),
    )
    run.each(
        q.ALL_FACTIONS, lambda r: f"factions {r[0]}", lambda r: s.add_faction(rows.faction_of(r))
    )
    run.each(q.ALL_MEMBERS, lambda r: f"members {r[0]}", lambda r: s.add_member(rows.member_of(r)))
    run.each(
        select(memberships.c.member, memberships.c.constituency).order_by(
            memberships.c.member, memberships.c.constituency
        ),
        lambda r: f"memberships {r[0]} in {r[1]}",
        lambda r: s.add_membership(r[0], r[1]),
    )
    run.each(
        q.ALL_ELECTIONS,
        lambda r: f"elections {r[0]}",
        lambda r: _election(s, rows.election_of(r)),
    )
    _ballots(run)
    run.each(
        select(seats.c.constituency, seats.c.number, seats.c.holder, seats.c.election)
        .where(seats.c.holder.is_not(None))
        .order_by(seats.c.constituency, seats.c.number),
        lambda r: f"seats {r[0]} {r[1]}",
        lambda r: s.fill_seat(r[0], int(r[1]), r[2], r[3]),
    )
    run.each(
        q.ALL_PETITIONS,
        lambda r: f"petitions {r[0]} {r[1]}",
        lambda r: s.add_petition(rows.petition_of(r)),
    )
    run.each(
        select(signatures.c.constituency, signatures.c.delegate, signatures.c.signer).order_by(
            *signatures.primary_key.columns
        ),
        lambda r: f"signatures {r[0]} {r[1]} {r[2]}",
        lambda r: s.add_signature(r[0], r[1], r[2]),
    )
    return s, run.problems


def _election(state: InMemoryState, e: Election) -> None:
    """Add as opened, then close it as stored (the store's only way to a closed election)."""
    if e.status != "closed":
        state.add_election(e)
        return
    state.add_election(replace(e, status="open", elected=(), withdrawn=(), seed=0))
    state.close_election(e.election, e.elected, e.withdrawn, e.seed)


def _ballots(run: _Loader) -> None:
    """Voters; then published groups before open and sealed ballots (publishing replaces the
    ballot box, so the other order would drop rows the database holds)."""
    s = run.state
    run.each(
        select(voters.c.election, voters.c.voter).order_by(voters.c.election, voters.c.voter),
        lambda r: f"voters {r[0]} {r[1]}",
        lambda r: s.mark_voted(r[0], r[1]),
    )
    published = select(
        published_ballots.c.election, published_ballots.c.ranking, published_ballots.c.weight
    ).order_by(published_ballots.c.election, published_ballots.c.n)
    boxes: dict[ElectionId, list[Ballot]] = {}
    for r in _stream(run.conn, published):
        boxes.setdefault(r[0], []).append(Ballot(rows.ids(r[1]), None, int(r[2])))
    for election, box in boxes.items():
        try:
            s.publish_ballots(election, tuple(box))
        except CouncilError as err:  # pragma: no cover - publishing refuses nothing today
            run.problems.append(Problem(f"published_ballots {election}", err.message))
    run.each(
        select(ballots.c.election, ballots.c.voter, ballots.c.ranking).order_by(
            ballots.c.election, ballots.c.voter
        ),
        lambda r: f"ballots {r[0]} {r[1]}",
        lambda r: s.add_ballot(r[0], Ballot(rows.ids(r[2]), MemberId(r[1]))),
    )
    run.each(
        select(sealed_ballots.c.election, sealed_ballots.c.token, sealed_ballots.c.ranking),
        lambda r: f"sealed_ballots {r[0]}",
        lambda r: s.seal_ballot(r[0], r[1], rows.ids(r[2])),
    )
