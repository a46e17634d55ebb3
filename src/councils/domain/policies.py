"""Policies: what the rules make happen by themselves, in the same transaction as the event that
set them off.

- ``member.left`` → every seat the member holds is vacated (``seat.vacated``, reason ``left``),
  from the highest council down, so that each seat goes for the reason it went.
- ``seat.vacated`` → **cascade**: if the member now holds no seat at all in that council, every
  seat they hold through a ``council`` constituency of that council is vacated (reason
  ``cascade``), and so on up; then the vacancy is **filled** (:func:`fill_vacancy`).
- **thresholds** (:func:`check_threshold`) are evaluated whenever the signatures or the
  electorate of a petition's constituency change: after every ``recall.signed``; after
  ``member.joined`` and ``member.left`` for the member's base constituencies; after
  ``seat.filled`` and ``seat.vacated`` in a council for every ``council`` constituency of that
  council (once the vacancy's cascade and refill are settled, so a vacancy refilled at once does
  not shrink the electorate the threshold is measured against). A petition whose counted
  signatures reach the threshold ends the mandate: ``mandate.recalled``, ``seat.vacated``
  (reason ``recalled``). So after every transaction no petition stands at its threshold.

Why generators: a reaction yields one event at a time, and the bus applies that event and
settles *its* reactions before the reaction resumes; so every decision here reads the state as
it is after everything before it, and two reactions can never both fill (or vacate) one seat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from councils.domain.checks import eligible
from councils.domain.context import Context
from councils.domain.elections import opening
from councils.domain.entities import Constituency, Seat
from councils.domain.errors import inconsistent
from councils.domain.events import (
    CountbackHeld,
    Event,
    MandateRecalled,
    MemberJoined,
    MemberLeft,
    MemberRegistered,
    RecallSigned,
    SeatFilled,
    SeatVacated,
)
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId, MemberId
from councils.domain.tally import order_of_election
from councils.domain.view import StateView

__all__ = ["check_threshold", "fill_vacancy", "react"]

Reaction = Iterator[Event]


def react(event: Event, view: StateView, ctx: Context) -> Reaction:
    """The events ``event`` sets off, one at a time (see the module docstring)."""
    reaction = _REACTIONS.get(type(event))
    if reaction is not None:
        yield from reaction(event, view, ctx)


def _member_left(e: MemberLeft, view: StateView, ctx: Context) -> Reaction:
    while seats := view.seats_held_by(e.member):
        seat = _topmost(view, e.member, seats)
        yield SeatVacated(seat.constituency, seat.number, e.member, _filled_by(seat), "left")
    for cid in e.constituencies:
        yield from _check_petitions(view, cid)


def _topmost(view: StateView, member: MemberId, seats: tuple[Seat, ...]) -> Seat:
    """A seat no other seat of the member depends on: in a council where the member holds no
    seat through a ``council`` constituency of it."""
    held = {s.constituency for s in seats}
    for seat in seats:
        council = view.constituency(seat.constituency).council
        if not any(k.constituency in held for k in view.council_constituencies_of(council)):
            return seat
    return seats[0]  # unreachable while councils form no cycle (constituency.cycle)


def _seat_vacated(e: SeatVacated, view: StateView, ctx: Context) -> Reaction:
    constituency = view.constituency(e.constituency)
    council = constituency.council
    lost_council = not view.holds_seat_in(council, e.member)
    if lost_council:
        above = {k.constituency for k in view.council_constituencies_of(council)}
        while seats := [s for s in view.seats_held_by(e.member) if s.constituency in above]:
            seat = seats[0]
            yield SeatVacated(seat.constituency, seat.number, e.member, _filled_by(seat), "cascade")
    yield from fill_vacancy(view, ctx, constituency, e.seat, e.election, e.member)
    yield from _check_council_petitions(view, council)


def _seat_filled(e: SeatFilled, view: StateView, ctx: Context) -> Reaction:
    yield from _check_council_petitions(view, view.constituency(e.constituency).council)


def _signed(e: RecallSigned, view: StateView, ctx: Context) -> Reaction:
    yield from check_threshold(view, e.constituency, e.delegate)


def _joined(e: MemberJoined | MemberRegistered, view: StateView, ctx: Context) -> Reaction:
    yield from _check_petitions(view, e.constituency)


def fill_vacancy(
    view: StateView,
    ctx: Context,
    constituency: Constituency,
    seat: int,
    election_id: ElectionId,
    departed: MemberId,
) -> Reaction:
    """Fill a vacated seat at once, by the vacancy rule of the election that filled it.

    **Countback** (rule ``countback``): that election's ballots are counted again, by its own
    method and number of seats, with the departed member withdrawn, and every other candidate who
    is no longer eligible (left, out of the electorate, or seated in this constituency by another
    election); the members still seated from that election stay in the count as candidates. The
    new holder is the first candidate in the recount's order of election who is not still seated
    from that election (``countback.held``, then ``seat.filled`` by ``countback``).

    If nobody is left, or the rule is ``by-election``, an election for that one seat opens by
    itself (``election.opened``, cause ``vacancy``, no candidates yet: ``election.nominate``),
    with the rules in force now.
    """
    cid = constituency.constituency
    election = view.election(election_id)
    if election.vacancy == "countback":
        seated = {s.holder for s in view.seats(cid) if s.election == election_id and s.holder}
        withdrawn = tuple(
            c
            for c in election.candidates
            if c == departed or (c not in seated and not eligible(view, cid, c))
        )
        seed = ctx.supply.seed(f"countback {cid} seat {seat}")
        order = order_of_election(view, election, withdrawn, seed)
        yield CountbackHeld(cid, seat, election_id, withdrawn, order, seed)
        winner = next((c for c in order if c not in seated), None)
        if winner is not None:
            yield SeatFilled(cid, seat, winner, election_id, "countback")
            return
    new_id = ElectionId(ctx.supply.new_id(cid))
    yield opening(view, ctx, new_id, constituency, (seat,), (), "vacancy")


def check_threshold(view: StateView, cid: ConstituencyId, delegate: MemberId) -> Reaction:
    """End the mandate if the petition's counted signatures reach its threshold against the
    electorate now (signers who left the electorate do not count)."""
    if not view.has_petition(cid, delegate):
        return
    petition = view.petition(cid, delegate)
    size = view.electorate_size(cid)
    counted = view.counted_signatures(cid, delegate)
    if counted < petition.needed(size):
        return
    seat = _seat_of(view, cid, delegate)
    yield MandateRecalled(cid, delegate, counted, size)
    yield SeatVacated(cid, seat.number, delegate, _filled_by(seat), "recalled")


def _check_petitions(view: StateView, cid: ConstituencyId) -> Reaction:
    for petition in view.petitions_in(cid):
        yield from check_threshold(view, cid, petition.delegate)


def _check_council_petitions(view: StateView, council: CouncilId) -> Reaction:
    for k in view.council_constituencies_of(council):
        yield from _check_petitions(view, k.constituency)


def _seat_of(view: StateView, cid: ConstituencyId, delegate: MemberId) -> Seat:
    for seat in view.seats(cid):
        if seat.holder == delegate:
            return seat
    raise inconsistent(f"a petition against {delegate} in {cid}, who holds no seat of it")


def _filled_by(seat: Seat) -> ElectionId:
    if seat.election is None:
        raise inconsistent(f"seat {seat.number} of {seat.constituency} has no election")
    return seat.election


_REACTIONS: dict[type[Event], Callable[[Any, StateView, Context], Reaction]] = {
    MemberLeft: _member_left,
    MemberJoined: _joined,
    MemberRegistered: _joined,
    SeatVacated: _seat_vacated,
    SeatFilled: _seat_filled,
    RecallSigned: _signed,
}
