"""Rows to read models and back: the one place that knows how an entity is laid out in SQL.

A row to insert is a tuple in the table's column order (:mod:`councils.storage.buffer` sends
them as they are); a row read back is indexed by the same order.

Lists (an election's seats and candidates, a ballot's ranking) are stored as compact JSON
arrays: they are always read and written whole, and JSON keeps them readable in ``sqlite3``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from councils.domain.entities import (
    Comparison,
    Constituency,
    Council,
    Election,
    Faction,
    Kind,
    Member,
    Petition,
    Seat,
    VacancyRule,
)
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId, FactionId, MemberId

__all__ = [
    "constituency_of",
    "constituency_row",
    "council_of",
    "election_of",
    "election_row",
    "faction_of",
    "ids",
    "ints",
    "listing",
    "member_of",
    "member_row",
    "petition_of",
    "petition_row",
    "seat_of",
]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def listing(values: Iterable[object]) -> str:
    """A list as stored: a compact JSON array."""
    return _dumps(list(values))


def ids(text: str) -> tuple[MemberId, ...]:
    """A stored list of member ids."""
    return tuple(MemberId(v) for v in json.loads(text))


def ints(text: str) -> tuple[int, ...]:
    """A stored list of integers (seat numbers)."""
    return tuple(int(v) for v in json.loads(text))


def council_of(row: Sequence[Any]) -> Council:
    return Council(CouncilId(row[0]), row[1])


def constituency_row(k: Constituency) -> tuple[object, ...]:
    return (k.constituency, k.name, k.kind, k.council, k.seats, k.of, k.method, k.secret)


def constituency_of(row: Sequence[Any]) -> Constituency:
    """From ``(constituency, name, kind, council, seats, of, method, secret)``."""
    return Constituency(
        ConstituencyId(row[0]),
        row[1],
        cast(Kind, row[2]),
        CouncilId(row[3]),
        int(row[4]),
        None if row[5] is None else CouncilId(row[5]),
        row[6],
        None if row[7] is None else bool(row[7]),
    )


def faction_of(row: Sequence[Any]) -> Faction:
    return Faction(FactionId(row[0]), row[1])


def member_row(m: Member) -> tuple[object, ...]:
    return (m.member, m.name, m.faction, m.active)


def member_of(row: Sequence[Any]) -> Member:
    """From ``(member, name, faction, active)``."""
    return Member(
        MemberId(row[0]), row[1], None if row[2] is None else FactionId(row[2]), bool(row[3])
    )


def election_row(e: Election) -> tuple[object, ...]:
    return (
        e.election,
        e.constituency,
        listing(e.seats),
        listing(e.candidates),
        e.method,
        e.secret,
        e.vacancy,
        e.status,
        listing(e.elected),
        listing(e.withdrawn),
        e.seed,
    )


def election_of(row: Sequence[Any]) -> Election:
    """From the columns of ``elections`` in table order."""
    return Election(
        ElectionId(row[0]),
        ConstituencyId(row[1]),
        ints(row[2]),
        ids(row[3]),
        row[4],
        bool(row[5]),
        cast(VacancyRule, row[6]),
        cast(Literal["open", "closed"], row[7]),
        ids(row[8]),
        ids(row[9]),
        int(row[10]),
    )


def seat_of(row: Sequence[Any]) -> Seat:
    """From ``(constituency, number, holder, election)``."""
    return Seat(
        ConstituencyId(row[0]),
        int(row[1]),
        None if row[2] is None else MemberId(row[2]),
        None if row[3] is None else ElectionId(row[3]),
    )


def petition_row(p: Petition) -> tuple[object, ...]:
    return (p.constituency, p.delegate, p.numerator, p.denominator, p.comparison)


def petition_of(row: Sequence[Any]) -> Petition:
    """From ``(constituency, delegate, numerator, denominator, comparison)``."""
    return Petition(
        ConstituencyId(row[0]),
        MemberId(row[1]),
        int(row[2]),
        int(row[3]),
        cast(Comparison, row[4]),
    )
