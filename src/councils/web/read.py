"""What each page shows, read from a :class:`~councils.domain.view.StateView`.

Plain dataclasses for the templates, so the templates hold no logic and these functions can be
tested without HTTP. Every read is one of the view's narrow questions, per council, per
constituency, per seat or per candidate: never a loop over members, so a page of a federation
of a million members costs what a page of a small one does (members are looked up only for the
seats and candidates shown). The council and constituency pages also walk the list of elections
once, for those held (the view lists only the open ones by constituency): that grows with the
constituencies, not with the members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from councils.domain.entities import Constituency, Council, Election, Petition
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId, MemberId
from councils.domain.view import StateView

#: Workplaces before districts, as the founding essay names them.
BASE_ORDER = ("workplace", "territory")

__all__ = [
    "CouncilRow",
    "DelegateVotes",
    "HeldRow",
    "Outcome",
    "PetitionRow",
    "SeatRow",
    "Tier",
    "VoteAbove",
    "constituency_page",
    "council_page",
    "election_page",
    "federation",
]


@dataclass(frozen=True)
class Person:
    member: str
    name: str
    faction: str | None
    active: bool = True


@dataclass(frozen=True)
class SeatRow:
    constituency: str
    constituency_name: str
    number: int
    holder: Person | None
    election: str | None


@dataclass(frozen=True)
class PetitionRow:
    constituency: str
    constituency_name: str
    delegate: Person
    signatures: int
    threshold: int
    electorate: int
    rule: str

    @property
    def percent(self) -> int:
        """How far the petition is towards its threshold, for the progress bar."""
        return min(100, round(100 * self.signatures / self.threshold)) if self.threshold else 0


@dataclass(frozen=True)
class ElectionRow:
    election: str
    constituency: str
    constituency_name: str
    status: str
    seats: int
    candidates: int
    turnout: int
    cause: str = ""


@dataclass(frozen=True)
class CouncilRow:
    council: str
    name: str
    seats: int
    held: int
    constituencies: int
    elected_by: str
    #: The lower councils that elect into it: (council, name).
    lower: list[tuple[str, str]]
    factions: list[tuple[str, int]]
    open_elections: int
    petitions: int


@dataclass(frozen=True)
class Tier:
    """Councils of one level: 0 is elected by workplaces and districts, each level above by
    the level below."""

    level: int
    title: str
    councils: list[CouncilRow]


class _Names:
    """Factions and people by id, each looked up once per page."""

    def __init__(self, view: StateView) -> None:
        self.view = view
        self.factions = {f.faction: f.name for f in view.factions()}
        self.person = cache(self._person)

    def _person(self, member: MemberId) -> Person:
        m = self.view.member(member)
        faction = self.factions.get(m.faction) if m.faction is not None else None
        return Person(m.member, m.name, faction, m.active)


def levels(view: StateView) -> dict[CouncilId, int]:
    """Each council's level: 0 if no council elects into it, else one above the highest
    council that does (councils elect upwards only, so this ends)."""
    below: dict[CouncilId, list[CouncilId]] = {c.council: [] for c in view.councils()}
    for k in view.constituencies():
        if k.of is not None:
            below.setdefault(k.council, []).append(k.of)
    out: dict[CouncilId, int] = {}

    def level(c: CouncilId) -> int:
        if c not in out:
            out[c] = 1 + max((level(b) for b in below.get(c, [])), default=-1)
        return out[c]

    for c in below:
        level(c)
    return out


def _tier_title(level: int, top: int) -> str:
    if level == 0:
        return "Councils elected by workplaces and districts"
    if level == top:
        return "The top of the federation"
    return "Councils elected by the councils below them"


def federation(view: StateView) -> list[Tier]:
    """Every council, top tier first, each with its seats, holders by faction, open elections
    and petitions under way."""
    names = _Names(view)
    lv = levels(view)
    top = max(lv.values(), default=0)
    rows: dict[int, list[CouncilRow]] = {}
    for council in view.councils():
        rows.setdefault(lv[council.council], []).append(_council_row(view, names, council))
    return [
        Tier(level, _tier_title(level, top), sorted(rows[level], key=lambda r: -r.seats))
        for level in sorted(rows, reverse=True)
    ]


def _council_row(view: StateView, names: _Names, council: Council) -> CouncilRow:
    electing = view.constituencies_electing(council.council)
    seats = [s for k in electing for s in view.seats(k.constituency)]
    factions = Counter(
        names.person(s.holder).faction or "no faction" for s in seats if s.holder is not None
    )
    kinds: Counter[str] = Counter(k.kind for k in electing if k.of is None)
    parts = [
        f"{kinds[kind]} {_kind_label(kind, kinds[kind])}" for kind in BASE_ORDER if kinds[kind]
    ]
    lower: list[tuple[str, str]] = [
        (k.of, view.council(k.of).name) for k in electing if k.of is not None
    ]
    if lower:
        parts.append("the " + _and([name for _, name in lower]))
    elected_by = _and(parts)
    return CouncilRow(
        council.council,
        council.name,
        len(seats),
        sum(1 for s in seats if s.holder is not None),
        len(electing),
        elected_by or "no constituency yet",
        lower,
        factions.most_common(),
        sum(len(view.open_elections(k.constituency)) for k in electing),
        sum(len(view.petitions_in(k.constituency)) for k in electing),
    )


def _and(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _kind_label(kind: str, n: int) -> str:
    label = {"workplace": "workplace", "territory": "district", "council": "council delegation"}
    word = label.get(kind, kind)
    return word if n == 1 else word + "s"


@dataclass(frozen=True)
class CouncilPage:
    council: Council
    row: CouncilRow
    seats: list[SeatRow]
    elections: list[ElectionRow]
    petitions: list[PetitionRow]
    #: The delegations this council sends up: (constituency, its name, the council above, name).
    sends: list[tuple[str, str, str, str]]
    #: Who organises it (member ids and ``@handles``): the page links them to its organise page.
    organisers: tuple[str, ...] = ()
    #: Its closed elections, with who each elected, by constituency (as the seats are).
    held: list[HeldRow] = field(default_factory=list)


def council_page(view: StateView, council_id: CouncilId) -> CouncilPage:
    council = view.council(council_id)
    names = _Names(view)
    electing = view.constituencies_electing(council_id)
    seats: list[SeatRow] = []
    elections: list[ElectionRow] = []
    petitions: list[PetitionRow] = []
    for k in sorted(electing, key=lambda k: k.name):
        seats += _seats(view, names, k)
        elections += [_election_row(view, k, e) for e in view.open_elections(k.constituency)]
        petitions += _petitions(view, names, k)
    held = _held(view, names, electing, seats)
    sends: list[tuple[str, str, str, str]] = [
        (k.constituency, k.name, k.council, view.council(k.council).name)
        for k in view.council_constituencies_of(council_id)
    ]
    return CouncilPage(
        council,
        _council_row(view, names, council),
        seats,
        elections,
        petitions,
        sends,
        view.organisers(council_id),
        held,
    )


def _seats(view: StateView, names: _Names, k: Constituency) -> list[SeatRow]:
    return [
        SeatRow(
            k.constituency,
            k.name,
            s.number,
            names.person(s.holder) if s.holder is not None else None,
            s.election,
        )
        for s in view.seats(k.constituency)
    ]


def _petitions(
    view: StateView, names: _Names, k: Constituency, size: int | None = None
) -> list[PetitionRow]:
    """The petitions under way in ``k``; ``size``: its electorate's, if the caller has it (a
    count, in SQL a query: asked once per constituency, and only if it has petitions)."""
    petitions = view.petitions_in(k.constituency)
    if not petitions:
        return []
    if size is None:
        size = view.electorate_size(k.constituency)
    out = []
    for p in petitions:
        out.append(
            PetitionRow(
                k.constituency,
                k.name,
                names.person(p.delegate),
                view.counted_signatures(k.constituency, p.delegate),
                p.needed(size),
                size,
                _rule(p),
            )
        )
    return out


def _rule(p: Petition) -> str:
    words = "more than" if p.comparison == "more-than" else "at least"
    return f"{words} {p.numerator}/{p.denominator} of the electorate"


def _election_row(view: StateView, k: Constituency, e: Election) -> ElectionRow:
    return ElectionRow(
        e.election,
        k.constituency,
        k.name,
        e.status,
        len(e.seats),
        len(e.candidates),
        view.turnout(e.election),
    )


@dataclass(frozen=True)
class Outcome:
    """Someone a closed election seated, and whether they still hold that seat."""

    person: Person
    #: Still holds a seat this election filled (not recalled, not gone since).
    seated: bool
    #: Given the seat later by a countback of this election's ballots, not elected at its close.
    countback: bool = False


@dataclass(frozen=True)
class HeldRow:
    """A closed election: its row and who it seated, in the order elected, then by countback."""

    row: ElectionRow
    outcome: tuple[Outcome, ...]


def _held(
    view: StateView, names: _Names, ks: Sequence[Constituency], seats: Sequence[SeatRow]
) -> list[HeldRow]:
    """The closed elections of the constituencies ``ks``, by constituency name and then id, each
    with who it seated; ``seats`` (theirs, read already) say who still sits by which election.
    One pass over the elections (the view lists only the open ones by constituency), however
    many constituencies there are."""
    by_id = {k.constituency: k for k in ks}
    closed = [e for e in view.elections() if e.status == "closed" and e.constituency in by_id]
    closed.sort(key=lambda e: (by_id[e.constituency].name, e.election))
    sitting: dict[str, list[Person]] = {}
    for s in seats:
        if s.holder is not None and s.election is not None:
            sitting.setdefault(s.election, []).append(s.holder)
    out = []
    for e in closed:
        now = sitting.get(e.election, [])
        members = {p.member for p in now}
        outcome = [Outcome(names.person(m), m in members) for m in e.elected]
        outcome += [Outcome(p, True, True) for p in now if p.member not in e.elected]
        out.append(HeldRow(_election_row(view, by_id[e.constituency], e), tuple(outcome)))
    return out


@dataclass(frozen=True)
class ConstituencyPage:
    constituency: Constituency
    council_name: str
    of_name: str | None
    electorate: int
    seats: list[SeatRow]
    elections: list[ElectionRow]
    petitions: list[PetitionRow]
    #: Each delegate (a held seat) with the votes they cast in the councils above.
    votes_above: list[DelegateVotes] = field(default_factory=list)
    #: The delegations the delegates' council elects, the councils above it: (constituency, its
    #: name, the council above, its name). Empty at the top of the federation.
    above: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class VoteAbove:
    """A ballot a delegate cast in an election of a delegation of their council: always
    public when the ballot is open; of a secret one only *that* they voted (the record says
    that much of every voter), never how."""

    election: str
    status: str
    #: The delegation it elects and the council above it sits in.
    constituency: str
    constituency_name: str
    council: str
    council_name: str
    secret: bool
    #: The candidates by name in the order ranked (empty: a blank ballot, or a secret one).
    ranking: tuple[str, ...]


@dataclass(frozen=True)
class DelegateVotes:
    delegate: Person
    #: The seats of the constituency they hold (usually one).
    seats: tuple[int, ...]
    votes: list[VoteAbove]


def constituency_page(view: StateView, cid: ConstituencyId) -> ConstituencyPage:
    k = view.constituency(cid)
    names = _Names(view)
    every = list(view.elections())
    elections = [_election_row(view, k, e) for e in every if e.constituency == cid]
    seats = _seats(view, names, k)
    delegations = view.council_constituencies_of(k.council)
    above: list[tuple[str, str, str, str]] = [
        (d.constituency, d.name, d.council, view.council(d.council).name) for d in delegations
    ]
    size = view.electorate_size(cid)
    return ConstituencyPage(
        k,
        view.council(k.council).name,
        view.council(k.of).name if k.of is not None else None,
        size,
        seats,
        elections,
        _petitions(view, names, k, size),
        _votes_above(view, names, seats, every, above),
        above,
    )


def _votes_above(
    view: StateView,
    names: _Names,
    seats: Sequence[SeatRow],
    elections: Sequence[Election],
    above: Sequence[tuple[str, str, str, str]],
) -> list[DelegateVotes]:
    """How the holders of ``seats`` voted in the elections of the delegations ``above`` (the
    delegates of a council elect the council above it), in election id order.

    One read of the ballots (or, if secret, of the voters) per election above, whatever the
    number of delegates: never a question per delegate per election."""
    held: dict[str, list[int]] = {}
    people: dict[str, Person] = {}
    for s in seats:
        if s.holder is not None:
            held.setdefault(s.holder.member, []).append(s.number)
            people[s.holder.member] = s.holder
    votes: dict[str, list[VoteAbove]] = {m: [] for m in held}
    where = {d: (d, name, council, council_name) for d, name, council, council_name in above}
    for e in elections if held else ():
        if e.constituency not in where:
            continue
        if e.secret:
            for voter in view.voters(e.election):
                if voter in votes:
                    votes[voter].append(
                        VoteAbove(e.election, e.status, *where[e.constituency], True, ())
                    )
        else:
            for b in view.ballots(e.election):
                if b.voter is not None and b.voter in votes:
                    ranked = tuple(names.person(c).name for c in b.ranking)
                    votes[b.voter].append(
                        VoteAbove(e.election, e.status, *where[e.constituency], False, ranked)
                    )
    return [DelegateVotes(people[m], tuple(held[m]), votes[m]) for m in held]


@dataclass(frozen=True)
class Candidate:
    person: Person
    elected: int | None
    withdrawn: bool


@dataclass(frozen=True)
class ElectionPage:
    election: Election
    constituency: Constituency
    council_name: str
    electorate: int
    turnout: int
    candidates: list[Candidate]
    #: Open ballots only (councils: delegates' votes are public): (voter, ranking names).
    public_votes: list[tuple[Person, list[str]]]
    #: Who organises the council it elects into (they may close it).
    organisers: tuple[str, ...] = ()


def election_page(view: StateView, eid: ElectionId) -> ElectionPage:
    e = view.election(eid)
    k = view.constituency(e.constituency)
    names = _Names(view)
    order = {m: i + 1 for i, m in enumerate(e.elected)}
    candidates = [Candidate(names.person(c), order.get(c), c in e.withdrawn) for c in e.candidates]
    candidates.sort(key=lambda c: (c.elected is None, c.elected or 0, c.person.name))
    public: list[tuple[Person, list[str]]] = []
    if not e.secret:
        for b in view.ballots(eid):
            if b.voter is not None:
                public.append((names.person(b.voter), [names.person(c).name for c in b.ranking]))
        public.sort(key=lambda v: v[0].name)
    return ElectionPage(
        e,
        k,
        view.council(k.council).name,
        view.electorate_size(k.constituency),
        view.turnout(eid),
        candidates,
        public,
        view.organisers(k.council),
    )


# ---------------------------------------------------------------------------- member pages


@dataclass(frozen=True)
class Brief:
    """A constituency as a member's page names it."""

    constituency: str
    name: str
    kind: str
    council: str
    council_name: str


@dataclass(frozen=True)
class OpenBallot:
    row: ElectionRow
    voted: bool


@dataclass(frozen=True)
class MemberPage:
    """A member's own page: where they vote, who represents them, what they may do now."""

    member: Person
    constituencies: list[Brief]
    #: Seats of each of their constituencies, by constituency id.
    delegates: Mapping[str, list[SeatRow]]
    ballots: list[OpenBallot]
    signed: list[PetitionRow]
    #: The seats the member holds: (constituency, its name, council, council name, seat number).
    holds: Sequence[tuple[str, str, str, str, int]]


def _brief(view: StateView, k: Constituency) -> Brief:
    return Brief(k.constituency, k.name, k.kind, k.council, view.council(k.council).name)


def electorates_of(view: StateView, member: MemberId) -> list[Constituency]:
    """Every constituency whose electorate holds ``member`` now: their workplaces and districts,
    and the council delegations of each council they sit in (a seated delegate elects upward)."""
    out = [view.constituency(k) for k in view.memberships(member)]
    councils = sorted(
        {view.constituency(s.constituency).council for s in view.seats_held_by(member)}
    )
    for c in councils:
        out += [
            k
            for k in view.council_constituencies_of(c)
            if view.in_electorate(k.constituency, member)
        ]
    return out


def member_page(view: StateView, member: MemberId) -> MemberPage:
    names = _Names(view)
    ks = electorates_of(view, member)
    delegates: dict[str, list[SeatRow]] = {k.constituency: _seats(view, names, k) for k in ks}
    ballots = [
        OpenBallot(_election_row(view, k, e), view.has_voted(e.election, member))
        for k in ks
        for e in view.open_elections(k.constituency)
    ]
    signed = [
        p
        for k in ks
        for p in _petitions(view, names, k)
        if view.has_signed(k.constituency, MemberId(p.delegate.member), member)
    ]
    holds = []
    for s in view.seats_held_by(member):
        k = view.constituency(s.constituency)
        holds.append((k.constituency, k.name, k.council, view.council(k.council).name, s.number))
    return MemberPage(
        names.person(member), [_brief(view, k) for k in ks], delegates, ballots, signed, holds
    )


@dataclass(frozen=True)
class RecallRow:
    seat: SeatRow
    #: The petition against the seat's holder, if one is under way.
    petition: PetitionRow | None
    #: Whether the member looking at the page has signed it.
    signed: bool


@dataclass(frozen=True)
class RecallPage:
    constituency: Constituency
    council_name: str
    electorate: int
    rows: list[RecallRow]
    #: Whether the member looking at the page is in the electorate (may sign).
    may_sign: bool


def recall_page(view: StateView, cid: ConstituencyId, member: MemberId | None) -> RecallPage:
    """The delegates of a constituency, each with the petition against them, for ``member``
    (``None``: nobody logged in as a member) to sign or withdraw from."""
    k = view.constituency(cid)
    names = _Names(view)
    size = view.electorate_size(cid)
    petitions = {p.delegate.member: p for p in _petitions(view, names, k, size)}
    rows = []
    for s in _seats(view, names, k):
        holder = s.holder.member if s.holder is not None else None
        petition = petitions.get(holder) if holder is not None else None
        signed = (
            member is not None
            and holder is not None
            and view.has_member(member)
            and view.has_signed(cid, MemberId(holder), member)
        )
        rows.append(RecallRow(s, petition, signed))
    may = member is not None and view.has_member(member) and view.in_electorate(cid, member)
    return RecallPage(k, view.council(k.council).name, size, rows, may)
