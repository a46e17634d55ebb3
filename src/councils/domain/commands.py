"""Commands: what a person or program asks for, one frozen dataclass per ``noun.verb``.

A command is a request, not a fact: :mod:`councils.domain` decides whether it may happen and
what events it yields. Every command may carry ``at`` (when it was issued, supplied by the
service; the domain never reads the clock) and ``actor`` (who issues it; where a rule says "only
the member themselves", a command whose actor is someone else is refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from councils.domain.ids import (
    Actor,
    ConstituencyId,
    CouncilId,
    ElectionId,
    FactionId,
    MemberId,
    Timestamp,
)

__all__ = [
    "AppointOrganiser",
    "CastBallot",
    "CloseElection",
    "Command",
    "CreateConstituency",
    "CreateCouncil",
    "CreateFaction",
    "JoinConstituency",
    "LeaveFederation",
    "NominateCandidate",
    "OpenElection",
    "RegisterMember",
    "SignRecall",
    "WithdrawSignature",
]


@dataclass(frozen=True, kw_only=True)
class Command:
    """Base of every command: the envelope fields every command may carry. ``command`` is the
    registered name (``"recall.sign"``), the ``"command"`` key of its JSON form."""

    command: ClassVar[str] = ""
    at: Timestamp | None = None
    actor: Actor | None = None


@dataclass(frozen=True)
class CreateCouncil(Command):
    command: ClassVar[str] = "council.create"
    council: CouncilId
    name: str


@dataclass(frozen=True)
class AppointOrganiser(Command):
    """``organiser`` becomes an organiser of ``council``: a member id, or ``@handle`` for an
    organiser who is not a member."""

    command: ClassVar[str] = "organiser.appoint"
    council: CouncilId
    organiser: Actor


@dataclass(frozen=True)
class CreateConstituency(Command):
    command: ClassVar[str] = "constituency.create"
    constituency: ConstituencyId
    name: str
    kind: str
    council: CouncilId
    seats: int
    of: CouncilId | None = None
    method: str | None = None
    secret: bool | None = None


@dataclass(frozen=True)
class CreateFaction(Command):
    command: ClassVar[str] = "faction.create"
    faction: FactionId
    name: str


@dataclass(frozen=True)
class RegisterMember(Command):
    command: ClassVar[str] = "member.register"
    member: MemberId
    name: str
    constituency: ConstituencyId
    faction: FactionId | None = None


@dataclass(frozen=True)
class JoinConstituency(Command):
    command: ClassVar[str] = "member.join"
    member: MemberId
    constituency: ConstituencyId


@dataclass(frozen=True)
class LeaveFederation(Command):
    command: ClassVar[str] = "member.leave"
    member: MemberId


@dataclass(frozen=True)
class OpenElection(Command):
    command: ClassVar[str] = "election.open"
    election: ElectionId
    constituency: ConstituencyId
    candidates: tuple[MemberId, ...] = ()


@dataclass(frozen=True)
class NominateCandidate(Command):
    command: ClassVar[str] = "election.nominate"
    election: ElectionId
    candidate: MemberId


@dataclass(frozen=True)
class CastBallot(Command):
    command: ClassVar[str] = "ballot.cast"
    election: ElectionId
    voter: MemberId
    ranking: tuple[MemberId, ...]


@dataclass(frozen=True)
class CloseElection(Command):
    command: ClassVar[str] = "election.close"
    election: ElectionId


@dataclass(frozen=True)
class SignRecall(Command):
    command: ClassVar[str] = "recall.sign"
    constituency: ConstituencyId
    delegate: MemberId
    signer: MemberId


@dataclass(frozen=True)
class WithdrawSignature(Command):
    command: ClassVar[str] = "recall.withdraw"
    constituency: ConstituencyId
    delegate: MemberId
    signer: MemberId
