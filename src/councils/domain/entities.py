"""What the state holds, as the :class:`~councils.domain.view.StateView` returns it.

These are read models: frozen snapshots of one row each. They change only through events
(:mod:`councils.domain.projection`), never by mutation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from councils.domain.ids import ConstituencyId, CouncilId, ElectionId, FactionId, MemberId

__all__ = [
    "BASE_KINDS",
    "KINDS",
    "Ballot",
    "Comparison",
    "Constituency",
    "Council",
    "Election",
    "Faction",
    "Kind",
    "Member",
    "Petition",
    "Seat",
    "VacancyRule",
]

Kind = Literal["workplace", "territory", "council"]
KINDS: tuple[Kind, ...] = ("workplace", "territory", "council")
#: Kinds whose electorate is registered members (rather than the seated members of a council).
BASE_KINDS: frozenset[str] = frozenset({"workplace", "territory"})

VacancyRule = Literal["countback", "by-election"]
Comparison = Literal["more-than", "at-least"]


@dataclass(frozen=True)
class Council:
    council: CouncilId
    name: str


@dataclass(frozen=True)
class Constituency:
    """Elects ``seats`` seats in ``council``.

    A ``workplace`` or ``territory`` constituency has registered members as its electorate; a
    ``council`` constituency's electorate is whoever holds a seat in council ``of`` right now.
    ``method`` and ``secret`` are the constituency's own choice, ``None`` when it follows the
    constitution (resolved when an election opens).
    """

    constituency: ConstituencyId
    name: str
    kind: Kind
    council: CouncilId
    seats: int
    of: CouncilId | None = None
    method: str | None = None
    secret: bool | None = None

    @property
    def is_base(self) -> bool:
        return self.kind in BASE_KINDS


@dataclass(frozen=True)
class Faction:
    faction: FactionId
    name: str


@dataclass(frozen=True)
class Member:
    """A registered member. ``active`` is False once they left; their id is never reused."""

    member: MemberId
    name: str
    faction: FactionId | None = None
    active: bool = True


@dataclass(frozen=True)
class Seat:
    """Seat ``number`` (1-based) of a constituency: its holder, and the election that filled it
    (kept for countback, which recounts that election's ballots)."""

    constituency: ConstituencyId
    number: int
    holder: MemberId | None = None
    election: ElectionId | None = None


@dataclass(frozen=True)
class Election:
    """One election: it fills the vacant ``seats`` (numbers) it reserved when it opened.

    ``method``, ``secret`` and ``vacancy`` are the rules in force when it opened; they stay in
    force for it (and for countbacks of the seats it filled) whatever the constitution says
    later.
    """

    election: ElectionId
    constituency: ConstituencyId
    seats: tuple[int, ...]
    candidates: tuple[MemberId, ...]
    method: str
    secret: bool
    vacancy: VacancyRule
    status: Literal["open", "closed"] = "open"
    elected: tuple[MemberId, ...] = ()
    withdrawn: tuple[MemberId, ...] = ()
    seed: int = 0


@dataclass(frozen=True)
class Ballot:
    """A ranking, how many ballots read exactly so (``weight``), and its voter when the vote is
    open. Secret ballots never carry a voter."""

    ranking: tuple[MemberId, ...]
    voter: MemberId | None = None
    weight: int = 1


@dataclass(frozen=True)
class Petition:
    """A recall petition against the holder of a seat, with the threshold rule in force when it
    opened: the mandate ends when the counted signatures are more than (or at least)
    ``numerator/denominator`` of the electorate at that moment, and at least one."""

    constituency: ConstituencyId
    delegate: MemberId
    numerator: int
    denominator: int
    comparison: Comparison

    def needed(self, electorate: int) -> int:
        """Signatures that end the mandate, for an electorate of this size (never below 1)."""
        product = self.numerator * electorate
        if self.comparison == "more-than":
            return max(1, product // self.denominator + 1)
        return max(1, -(-product // self.denominator))
