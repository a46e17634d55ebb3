"""The projection: the one place that says how each event changes state.

``apply(event, store)`` is run by the service for every event a command yields (in the same
transaction as its record entry) and by replay for every entry of the record, over any
:class:`~councils.domain.view.StateStore`: the in-memory one and the SQL one share it, so that
replaying the record must arrive at exactly the stored state. It decides nothing: every rule was
checked before the event existed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from councils.domain.entities import (
    Ballot,
    Comparison,
    Constituency,
    Council,
    Election,
    Faction,
    Kind,
    Member,
    Petition,
    VacancyRule,
)
from councils.domain.events import (
    BallotCast,
    BallotSealed,
    CandidateNominated,
    ConstituencyCreated,
    CouncilCreated,
    CountbackHeld,
    ElectionClosed,
    ElectionOpened,
    Event,
    FactionCreated,
    MandateRecalled,
    MemberJoined,
    MemberLeft,
    MemberRegistered,
    OrganiserAppointed,
    RecallOpened,
    RecallSigned,
    RecallWithdrawn,
    SeatFilled,
    SeatVacated,
)
from councils.domain.view import StateStore

__all__ = ["apply"]


def apply(event: Event, store: StateStore) -> None:
    """Change ``store`` as ``event`` says."""
    _APPLY[type(event)](event, store)


def _council_created(e: CouncilCreated, s: StateStore) -> None:
    s.add_council(Council(e.council, e.name))


def _organiser_appointed(e: OrganiserAppointed, s: StateStore) -> None:
    s.add_organiser(e.council, e.organiser)


def _constituency_created(e: ConstituencyCreated, s: StateStore) -> None:
    secret = None if e.ballot is None else e.ballot == "secret"
    s.add_constituency(
        Constituency(
            e.constituency, e.name, cast(Kind, e.kind), e.council, e.seats, e.of, e.method, secret
        )
    )


def _faction_created(e: FactionCreated, s: StateStore) -> None:
    s.add_faction(Faction(e.faction, e.name))


def _member_registered(e: MemberRegistered, s: StateStore) -> None:
    s.add_member(Member(e.member, e.name, e.faction))
    s.add_membership(e.member, e.constituency)


def _member_joined(e: MemberJoined, s: StateStore) -> None:
    s.add_membership(e.member, e.constituency)


def _member_left(e: MemberLeft, s: StateStore) -> None:
    s.end_member(e.member)


def _election_opened(e: ElectionOpened, s: StateStore) -> None:
    s.add_election(
        Election(
            e.election,
            e.constituency,
            e.seats,
            e.candidates,
            e.method,
            e.ballot == "secret",
            cast(VacancyRule, e.vacancy),
        )
    )


def _candidate_nominated(e: CandidateNominated, s: StateStore) -> None:
    s.add_candidate(e.election, e.candidate)


def _ballot_cast(e: BallotCast, s: StateStore) -> None:
    s.mark_voted(e.election, e.voter)
    if e.ranking is not None:
        s.add_ballot(e.election, Ballot(e.ranking, e.voter))


def _ballot_sealed(e: BallotSealed, s: StateStore) -> None:
    s.seal_ballot(e.election, e.token, e.ranking)


def _election_closed(e: ElectionClosed, s: StateStore) -> None:
    s.close_election(e.election, e.elected, e.withdrawn, e.seed)
    if e.ballots is not None:
        s.publish_ballots(e.election, tuple(Ballot(g.ranking, None, g.count) for g in e.ballots))


def _seat_filled(e: SeatFilled, s: StateStore) -> None:
    s.fill_seat(e.constituency, e.seat, e.member, e.election)


def _seat_vacated(e: SeatVacated, s: StateStore) -> None:
    """The mandate ends, and with it any petition against it (rule: a petition is against a
    mandate, not a person; a later mandate of the same member starts with none)."""
    s.vacate_seat(e.constituency, e.seat, e.member)
    s.end_petition(e.constituency, e.member)


def _recall_opened(e: RecallOpened, s: StateStore) -> None:
    s.add_petition(
        Petition(
            e.constituency, e.delegate, e.numerator, e.denominator, cast(Comparison, e.comparison)
        )
    )


def _recall_signed(e: RecallSigned, s: StateStore) -> None:
    s.add_signature(e.constituency, e.delegate, e.signer)


def _recall_withdrawn(e: RecallWithdrawn, s: StateStore) -> None:
    s.remove_signature(e.constituency, e.delegate, e.signer)


def _nothing(e: Event, s: StateStore) -> None:
    """For events that only inform the record (the seat change follows as its own event)."""


_APPLY: dict[type[Event], Callable[[Any, StateStore], None]] = {
    CouncilCreated: _council_created,
    OrganiserAppointed: _organiser_appointed,
    ConstituencyCreated: _constituency_created,
    FactionCreated: _faction_created,
    MemberRegistered: _member_registered,
    MemberJoined: _member_joined,
    MemberLeft: _member_left,
    ElectionOpened: _election_opened,
    CandidateNominated: _candidate_nominated,
    BallotCast: _ballot_cast,
    BallotSealed: _ballot_sealed,
    ElectionClosed: _election_closed,
    SeatFilled: _seat_filled,
    SeatVacated: _seat_vacated,
    CountbackHeld: _nothing,
    RecallOpened: _recall_opened,
    RecallSigned: _recall_signed,
    RecallWithdrawn: _recall_withdrawn,
    MandateRecalled: _nothing,
}
