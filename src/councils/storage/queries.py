"""The SQL statements of the state, built once: each read of the :class:`StateView` is one of
these, an indexed query (docs/architecture.md, "Reads"); SQLAlchemy compiles each once and
caches it, so a read costs one round trip and no SQL building.

Parameters are named ``id``, ``a``, ``b``, ``c`` (and ``ids``, ``ids2`` for the expanding
``IN`` lists of :meth:`SqlState.prefetch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    Select,
    String,
    any_,
    bindparam,
    delete,
    distinct,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

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

__all__ = [
    "ALL_CONSTITUENCIES",
    "ALL_COUNCILS",
    "ALL_ELECTIONS",
    "ALL_FACTIONS",
    "ALL_MEMBERS",
    "ALL_ORGANISERS",
    "ALL_PETITIONS",
    "ALL_SEATS",
    "BALLOTS_OPEN",
    "BALLOTS_PUBLISHED",
    "BALLOTS_SEALED",
    "CONSTITUENCIES_ABOVE",
    "CONSTITUENCIES_ELECTING",
    "CONSTITUENCIES_IN",
    "CONSTITUENCY",
    "COUNCIL",
    "COUNCIL_ELECTORATE_SIZE",
    "COUNTED_SIGNATURES_BASE",
    "COUNTED_SIGNATURES_COUNCIL",
    "DELETE_BALLOTS_OPEN",
    "DELETE_BALLOTS_PUBLISHED",
    "DELETE_BALLOTS_SEALED",
    "DELETE_MEMBERSHIPS",
    "DELETE_PETITION",
    "DELETE_SIGNATURE",
    "DELETE_SIGNATURES",
    "ELECTION",
    "ELECTIONS_IN",
    "ELECTORATE_SIZE",
    "END_MEMBER",
    "FACTION",
    "HAS_SIGNED",
    "HAS_VOTED",
    "HELD",
    "HELD_IN",
    "MEMBER",
    "MEMBERSHIPS",
    "MEMBERSHIPS_IN",
    "MEMBERS_IN",
    "OPEN_ELECTIONS",
    "ORGANISED_BY",
    "ORGANISERS",
    "PETITIONS",
    "PETITIONS_IN",
    "SEATS",
    "SET_CANDIDATES",
    "SET_CLOSED",
    "SET_SEAT",
    "SIGNATURES",
    "TURNOUT",
    "VOTED_IN",
    "VOTERS",
]

_id: BindParameter[Any] = bindparam("id")
_a: BindParameter[Any] = bindparam("a")
_b: BindParameter[Any] = bindparam("b")
_c: BindParameter[Any] = bindparam("c")
_ids: BindParameter[Any] = bindparam("ids", expanding=True)
_ids2: BindParameter[Any] = bindparam("ids2", expanding=True)

# ---- by id
COUNCIL = select(*councils.c).where(councils.c.council == _id)
CONSTITUENCY = select(*constituencies.c).where(constituencies.c.constituency == _id)
FACTION = select(*factions.c).where(factions.c.faction == _id)
MEMBER = select(*members.c).where(members.c.member == _id)
ELECTION = select(*elections.c).where(elections.c.election == _id)

# ---- roles
ORGANISERS = select(organisers.c.organiser).where(organisers.c.council == _id)
ORGANISED_BY = (
    select(organisers.c.council).where(organisers.c.organiser == _id).order_by(organisers.c.council)
)

# ---- electorates
MEMBERSHIPS = select(memberships.c.constituency).where(memberships.c.member == _id)
ELECTORATE_SIZE = select(func.count()).where(memberships.c.constituency == _id)
COUNCIL_ELECTORATE_SIZE = select(func.count(distinct(seats.c.holder))).where(
    seats.c.council == _id, seats.c.holder.is_not(None)
)

# ---- seats
_SEAT_COLUMNS = (seats.c.constituency, seats.c.number, seats.c.holder, seats.c.election)
SEATS = select(*_SEAT_COLUMNS).where(seats.c.constituency == _id).order_by(seats.c.number)
HELD = select(*_SEAT_COLUMNS).where(seats.c.holder == _id)
CONSTITUENCIES_ELECTING = select(*constituencies.c).where(constituencies.c.council == _id)
CONSTITUENCIES_ABOVE = select(*constituencies.c).where(constituencies.c.of == _id)

# ---- elections
OPEN_ELECTIONS = (
    select(*elections.c)
    .where(elections.c.constituency == _id, elections.c.status == "open")
    .order_by(elections.c.election)
)
HAS_VOTED = select(func.count()).where(voters.c.election == _a, voters.c.voter == _b)
TURNOUT = select(func.count()).where(voters.c.election == _id)
VOTERS = select(voters.c.voter).where(voters.c.election == _id).order_by(voters.c.voter)
BALLOTS_OPEN = select(ballots.c.ranking, ballots.c.voter).where(ballots.c.election == _id)
BALLOTS_SEALED = select(sealed_ballots.c.ranking).where(sealed_ballots.c.election == _id)
BALLOTS_PUBLISHED = (
    select(published_ballots.c.ranking, published_ballots.c.weight)
    .where(published_ballots.c.election == _id)
    .order_by(published_ballots.c.n)
)

# ---- recall
PETITIONS = select(*petitions.c).where(petitions.c.constituency == _id)
_ON_PETITION = (signatures.c.constituency == _a, signatures.c.delegate == _b)
SIGNATURES = select(signatures.c.signer).where(*_ON_PETITION).order_by(signatures.c.signer)
HAS_SIGNED = select(func.count()).where(*_ON_PETITION, signatures.c.signer == _c)
COUNTED_SIGNATURES_BASE = (
    select(func.count())
    .select_from(signatures)
    .join(
        memberships,
        (memberships.c.constituency == signatures.c.constituency)
        & (memberships.c.member == signatures.c.signer),
    )
    .where(*_ON_PETITION)
)
COUNTED_SIGNATURES_COUNCIL = (
    select(func.count())
    .select_from(signatures)
    .where(
        *_ON_PETITION,
        exists().where(seats.c.council == _c, seats.c.holder == signatures.c.signer),
    )
)

# ---- prefetching: IN lists on SQLite, one array parameter (= ANY) on PostgreSQL, which
# binds and plans a thousand ids several times faster than a thousand parameters
_any: BindParameter[Any] = bindparam("ids", type_=ARRAY(String))
_any2: BindParameter[Any] = bindparam("ids2", type_=ARRAY(String))


def _both(column: Any) -> tuple[Any, Any]:
    return column.in_(_ids), column == any_(_any)


def _prefetch(columns: Sequence[Any], key: Any) -> dict[str, Select[Any]]:
    inn, anyy = _both(key)
    return {"sqlite": select(*columns).where(inn), "postgresql": select(*columns).where(anyy)}


MEMBERS_IN = _prefetch(list(members.c), members.c.member)
MEMBERSHIPS_IN = _prefetch([memberships.c.member, memberships.c.constituency], memberships.c.member)
HELD_IN = _prefetch(_SEAT_COLUMNS, seats.c.holder)
CONSTITUENCIES_IN = _prefetch(list(constituencies.c), constituencies.c.constituency)
PETITIONS_IN = _prefetch(list(petitions.c), petitions.c.constituency)
ELECTIONS_IN = _prefetch(list(elections.c), elections.c.election)
VOTED_IN = {
    "sqlite": select(voters.c.election, voters.c.voter).where(
        voters.c.election.in_(_ids), voters.c.voter.in_(_ids2)
    ),
    "postgresql": select(voters.c.election, voters.c.voter).where(
        voters.c.election == any_(_any), voters.c.voter == any_(_any2)
    ),
}

# ---- updates and deletes (each runs at once, after a flush of the buffer)
END_MEMBER = update(members).where(members.c.member == _id).values(active=False)
DELETE_MEMBERSHIPS = delete(memberships).where(memberships.c.member == _id)
SET_CANDIDATES = (
    update(elections).where(elections.c.election == _id).values(candidates=bindparam("a"))
)
SET_CLOSED = (
    update(elections)
    .where(elections.c.election == _id)
    .values(
        status="closed",
        elected=bindparam("elected"),
        withdrawn=bindparam("withdrawn"),
        seed=bindparam("seed"),
    )
)
DELETE_BALLOTS_OPEN = delete(ballots).where(ballots.c.election == _id)
DELETE_BALLOTS_SEALED = delete(sealed_ballots).where(sealed_ballots.c.election == _id)
DELETE_BALLOTS_PUBLISHED = delete(published_ballots).where(published_ballots.c.election == _id)
SET_SEAT = (
    update(seats)
    .where(seats.c.constituency == _a, seats.c.number == _b)
    .values(holder=bindparam("holder"), election=bindparam("election"))
)
DELETE_SIGNATURES = delete(signatures).where(*_ON_PETITION)
DELETE_SIGNATURE = delete(signatures).where(*_ON_PETITION, signatures.c.signer == _c)
DELETE_PETITION = delete(petitions).where(
    petitions.c.constituency == _a, petitions.c.delegate == _b
)

# ---- listings, in id order
ALL_COUNCILS = select(*councils.c).order_by(councils.c.council)
ALL_CONSTITUENCIES = select(*constituencies.c).order_by(constituencies.c.constituency)
ALL_FACTIONS = select(*factions.c).order_by(factions.c.faction)
ALL_MEMBERS = select(*members.c).order_by(members.c.member)
ALL_ELECTIONS = select(*elections.c).order_by(elections.c.election)
ALL_ORGANISERS = select(organisers.c.council, organisers.c.organiser).order_by(
    organisers.c.council, organisers.c.organiser
)
ALL_PETITIONS = select(*petitions.c).order_by(petitions.c.constituency, petitions.c.delegate)
ALL_SEATS = select(*_SEAT_COLUMNS).order_by(seats.c.constituency, seats.c.number)
