"""Events: what happened, in the past tense, one frozen dataclass per name.

Events are the only way state changes (:mod:`councils.domain.projection`) and, except the one
marked ``recorded = False``, each is appended to the public record as an *entry*: a plain dict
with ``"type"`` (the name), ``"v"`` (its version) and its fields; strings, integers, lists and
dicts only; an absent optional field is left out, never ``None``; no booleans, no floats (the
record's canonical encoding, docs/record-format.md). :func:`to_entry` and :func:`from_entry`
are exact inverses, which is what lets ``councils verify`` replay the record.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from functools import cache
from typing import Any, ClassVar, Literal, Union

from councils.domain.errors import RecordCorrupt
from councils.domain.ids import (
    Actor,
    ConstituencyId,
    CouncilId,
    ElectionId,
    FactionId,
    MemberId,
)

__all__ = [
    "EVENT_TYPES",
    "BallotCast",
    "BallotGroup",
    "BallotSealed",
    "CandidateNominated",
    "ConstituencyCreated",
    "CouncilCreated",
    "CountbackHeld",
    "ElectionClosed",
    "ElectionOpened",
    "Event",
    "FactionCreated",
    "MandateRecalled",
    "MemberJoined",
    "MemberLeft",
    "MemberRegistered",
    "OrganiserAppointed",
    "RecallOpened",
    "RecallSigned",
    "RecallWithdrawn",
    "SeatFilled",
    "SeatVacated",
    "from_entry",
    "to_entry",
]

Entry = dict[str, object]


@dataclass(frozen=True)
class Event:
    """Base of every event. ``type`` is its record name; ``v`` its version (bumped when fields
    change meaning); ``recorded`` False only for what must never reach the public record."""

    type: ClassVar[str] = ""
    v: ClassVar[int] = 1
    recorded: ClassVar[bool] = True


# ---------------------------------------------------------------------------- federation


@dataclass(frozen=True)
class CouncilCreated(Event):
    type: ClassVar[str] = "council.created"
    council: CouncilId
    name: str


@dataclass(frozen=True)
class ConstituencyCreated(Event):
    """``ballot`` is ``"secret"`` or ``"open"`` when the constituency chose; absent when it
    follows the constitution. Likewise ``method``."""

    type: ClassVar[str] = "constituency.created"
    constituency: ConstituencyId
    name: str
    kind: str
    council: CouncilId
    seats: int
    of: CouncilId | None = None
    method: str | None = None
    ballot: str | None = None


@dataclass(frozen=True)
class FactionCreated(Event):
    type: ClassVar[str] = "faction.created"
    faction: FactionId
    name: str


@dataclass(frozen=True)
class OrganiserAppointed(Event):
    """``organiser`` (a member id or ``@handle``) organises ``council`` from now on: may create
    its constituencies, register its members, open and close its elections, appoint others."""

    type: ClassVar[str] = "organiser.appointed"
    council: CouncilId
    organiser: Actor


# ---------------------------------------------------------------------------- members


@dataclass(frozen=True)
class MemberRegistered(Event):
    type: ClassVar[str] = "member.registered"
    member: MemberId
    name: str
    constituency: ConstituencyId
    faction: FactionId | None = None


@dataclass(frozen=True)
class MemberJoined(Event):
    type: ClassVar[str] = "member.joined"
    member: MemberId
    constituency: ConstituencyId


@dataclass(frozen=True)
class MemberLeft(Event):
    """The member left the federation, and with it every constituency listed."""

    type: ClassVar[str] = "member.left"
    member: MemberId
    constituencies: tuple[ConstituencyId, ...]


# ---------------------------------------------------------------------------- elections


@dataclass(frozen=True)
class ElectionOpened(Event):
    """``seats`` are the numbers of the vacant seats it fills; ``ballot`` is ``"secret"`` or
    ``"open"``; ``vacancy`` the rule for refilling them; ``cause`` is ``"command"`` or
    ``"vacancy"`` (opened by itself because countback found nobody, or by-election rule)."""

    type: ClassVar[str] = "election.opened"
    election: ElectionId
    constituency: ConstituencyId
    seats: tuple[int, ...]
    candidates: tuple[MemberId, ...]
    method: str
    ballot: str
    vacancy: str
    cause: str = "command"


@dataclass(frozen=True)
class CandidateNominated(Event):
    type: ClassVar[str] = "candidate.nominated"
    election: ElectionId
    candidate: MemberId


@dataclass(frozen=True)
class BallotCast(Event):
    """That ``voter`` voted. ``ranking`` is present only when the vote is open; a secret
    ballot's contents are published, unlinked, when the election closes."""

    type: ClassVar[str] = "ballot.cast"
    election: ElectionId
    voter: MemberId
    ranking: tuple[MemberId, ...] | None = None


@dataclass(frozen=True)
class BallotSealed(Event):
    """A secret ballot put in the ballot box under a random ``token`` (its storage key).

    Never recorded: recorded next to its ``ballot.cast`` it would link voter and contents.
    """

    type: ClassVar[str] = "ballot.sealed"
    recorded: ClassVar[bool] = False
    election: ElectionId
    token: str
    ranking: tuple[MemberId, ...]


@dataclass(frozen=True)
class BallotGroup:
    """``count`` ballots that read exactly ``ranking``."""

    count: int
    ranking: tuple[MemberId, ...]


@dataclass(frozen=True)
class ElectionClosed(Event):
    """The count: ``elected`` in order of election, over the candidates minus ``withdrawn``
    (no longer eligible at the close), lots drawn from ``seed``. For a secret election
    ``ballots`` publishes the ballot box, grouped and sorted, so that anyone can recount."""

    type: ClassVar[str] = "election.closed"
    election: ElectionId
    elected: tuple[MemberId, ...]
    withdrawn: tuple[MemberId, ...] = ()
    seed: int = 0
    ballots: tuple[BallotGroup, ...] | None = None


# ---------------------------------------------------------------------------- seats


@dataclass(frozen=True)
class SeatFilled(Event):
    """``by`` is ``"election"`` or ``"countback"``; ``election`` is the election whose ballots
    put the member there (the original one, for a countback)."""

    type: ClassVar[str] = "seat.filled"
    constituency: ConstituencyId
    seat: int
    member: MemberId
    election: ElectionId
    by: str = "election"


@dataclass(frozen=True)
class SeatVacated(Event):
    """``reason`` is ``"recalled"``, ``"left"`` (the member left the federation) or
    ``"cascade"`` (they lost their seat in the lower council this constituency belongs to)."""

    type: ClassVar[str] = "seat.vacated"
    constituency: ConstituencyId
    seat: int
    member: MemberId
    election: ElectionId
    reason: str


@dataclass(frozen=True)
class CountbackHeld(Event):
    """The ballots of ``election`` counted again for a vacancy: ``order`` is the recount's order
    of election, over the candidates minus ``withdrawn``, lots from ``seed``."""

    type: ClassVar[str] = "countback.held"
    constituency: ConstituencyId
    seat: int
    election: ElectionId
    withdrawn: tuple[MemberId, ...]
    order: tuple[MemberId, ...]
    seed: int


# ---------------------------------------------------------------------------- recall


@dataclass(frozen=True)
class RecallOpened(Event):
    """A petition against ``delegate``'s mandate, with the threshold rule in force now."""

    type: ClassVar[str] = "recall.opened"
    constituency: ConstituencyId
    delegate: MemberId
    numerator: int
    denominator: int
    comparison: str


@dataclass(frozen=True)
class RecallSigned(Event):
    type: ClassVar[str] = "recall.signed"
    constituency: ConstituencyId
    delegate: MemberId
    signer: MemberId


@dataclass(frozen=True)
class RecallWithdrawn(Event):
    type: ClassVar[str] = "recall.withdrawn"
    constituency: ConstituencyId
    delegate: MemberId
    signer: MemberId


@dataclass(frozen=True)
class MandateRecalled(Event):
    """The petition reached its threshold: ``signatures`` counted of ``electorate``."""

    type: ClassVar[str] = "mandate.recalled"
    constituency: ConstituencyId
    delegate: MemberId
    signatures: int
    electorate: int


EVENT_TYPES: Mapping[str, type[Event]] = types.MappingProxyType(
    {
        cls.type: cls
        for cls in (
            CouncilCreated,
            ConstituencyCreated,
            FactionCreated,
            OrganiserAppointed,
            MemberRegistered,
            MemberJoined,
            MemberLeft,
            ElectionOpened,
            CandidateNominated,
            BallotCast,
            BallotSealed,
            ElectionClosed,
            SeatFilled,
            SeatVacated,
            CountbackHeld,
            RecallOpened,
            RecallSigned,
            RecallWithdrawn,
            MandateRecalled,
        )
    }
)


# ---------------------------------------------------------------------------- encoding


def to_entry(event: Event) -> Entry:
    """The record entry of ``event``: ``{"type", "v", **fields}``, ``None`` fields left out."""
    entry: Entry = {"type": event.type, "v": event.v}
    entry.update(_encode_fields(event))
    return entry


def _encode_fields(obj: object) -> Entry:
    out: Entry = {}
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if value is not None:
            out[f.name] = _encode(value)
    return out


def _encode(value: object) -> object:
    if isinstance(value, bool):
        raise TypeError("events carry no booleans")
    if isinstance(value, str | int):
        return value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _encode_fields(value)
    raise TypeError(f"cannot encode {type(value).__name__} in an event")


def from_entry(entry: Mapping[str, object]) -> Event:
    """The event a record entry encodes. Raises :class:`RecordCorrupt` naming what is wrong:
    an unknown type or version, a missing, unexpected or mistyped field. Keys outside the
    event's fields that the envelope adds (``"at"``) are ignored."""
    name = entry.get("type")
    if not isinstance(name, str) or name not in EVENT_TYPES:
        raise RecordCorrupt(
            "record.unknown_type", f"unknown entry type {name!r}", {"type": str(name)}
        )
    cls = EVENT_TYPES[name]
    if entry.get("v") != cls.v:
        raise RecordCorrupt(
            "record.unknown_version",
            f"{name}: version {entry.get('v')!r} is not {cls.v}",
            {"type": name},
        )
    extra = set(entry) - {f.name for f in fields(cls)} - {"type", "v", "at"}
    if extra:
        raise RecordCorrupt(
            "record.unexpected_field",
            f"{name}: unexpected field {sorted(extra)[0]!r}",
            {"type": name, "field": sorted(extra)[0]},
        )
    return typing.cast(Event, _decode_object(cls, entry, name))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_object(cls: type, data: Mapping[str, object], where: str) -> object:
    hints = _hints(cls)
    kwargs: dict[str, object] = {}
    for f in fields(cls):
        if f.name in data:
            kwargs[f.name] = _decode(data[f.name], hints[f.name], f"{where}.{f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise RecordCorrupt(
                "record.missing_field", f"{where}: missing field {f.name!r}", {"field": f.name}
            )
    return cls(**kwargs)


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType) and type(None) in typing.get_args(
        hint
    )


def _decode(value: object, hint: Any, where: str) -> object:
    if _optional(hint):
        (inner,) = (a for a in typing.get_args(hint) if a is not type(None))
        return _decode(value, inner, where)
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:
        return _decode(value, supertype, where)
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise _mistyped(where, "a list")
        (item,) = typing.get_args(hint)[:1]
        return tuple(_decode(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is Literal:
        if value not in typing.get_args(hint):
            raise _mistyped(where, f"one of {typing.get_args(hint)}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise _mistyped(where, "a string")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _mistyped(where, "an integer")
        return value
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise _mistyped(where, "an object")
        return _decode_object(hint, value, where)
    raise TypeError(f"{where}: no decoder for {hint!r}")  # a bug in an event's declaration


def _mistyped(where: str, expected: str) -> RecordCorrupt:
    return RecordCorrupt(
        "record.bad_field", f"{where} must be {expected}", {"field": where, "expected": expected}
    )
