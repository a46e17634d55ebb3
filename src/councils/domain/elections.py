"""Command family ``election.open``, ``election.nominate``, ``ballot.cast``, ``election.close``.

Rules:

- an election fills the seats of its constituency that are vacant, and not already being filled
  by another open election, when it opens (``election.no_vacant_seat`` if there are none);
- candidates must be active members of the constituency's electorate (``election.
  candidate_not_in_electorate``) holding no seat of it yet (``election.candidate_already_seated``),
  each named once; more may be nominated until the first ballot is cast
  (``election.voting_started``);
- the method, the secrecy of the ballot and the vacancy rule are fixed when it opens: the
  constituency's own choice, else the constitution's default for its council (method: ``irv``
  for one seat, ``scottish-stv`` for more; secret in workplace and territory constituencies,
  open in ``council`` ones, where constituents must see how their delegates vote);
- only the electorate votes (``ballot.not_in_electorate``), each voter at most once
  (``ballot.already_cast``), and only for themselves (``ballot.not_own``); a ballot ranks
  candidates of the election, each once; an empty ranking is a blank ballot;
- a secret ballot yields ``ballot.cast`` (*that* the member voted, public) and, unrecorded,
  ``ballot.sealed`` (the ranking under a random token, no voter); the ballot box is published
  grouped and sorted when the election closes;
- closing counts the ballots over the candidates still eligible (the others are withdrawn) and
  seats the winners in the reserved seats, lowest number first; seats the count leaves unfilled
  stay vacant for a later election;
- opening, closing and nominating are for an organiser of the constituency's council
  (``council.not_organiser``) when the command names an actor; a member may also nominate
  themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from councils.counting import REGISTRY
from councils.domain.checks import eligible, require_organiser, require_self
from councils.domain.commands import CastBallot, CloseElection, NominateCandidate, OpenElection
from councils.domain.context import Context
from councils.domain.entities import Constituency, Election
from councils.domain.errors import Conflict, InvalidCommand, NotPermitted, RuleViolation
from councils.domain.events import (
    BallotCast,
    BallotSealed,
    CandidateNominated,
    ElectionClosed,
    ElectionOpened,
    Event,
    SeatFilled,
)
from councils.domain.ids import ConstituencyId, ElectionId, MemberId
from councils.domain.tally import ballot_groups, order_of_election
from councils.domain.view import StateView

__all__ = ["cast", "close", "free_seats", "nominate", "open_election", "opening"]


def open_election(cmd: OpenElection, view: StateView, ctx: Context) -> list[Event]:
    constituency = view.constituency(cmd.constituency)
    require_organiser(
        ctx, view, constituency.council, f"open elections in {constituency.constituency}"
    )
    if view.has_election(cmd.election):
        raise Conflict(
            "election.exists",
            f"election {cmd.election} already exists",
            {"election": cmd.election},
        )
    seats = free_seats(view, cmd.constituency)
    if not seats:
        raise RuleViolation(
            "election.no_vacant_seat",
            f"{cmd.constituency} has no vacant seat that an open election is not already filling",
            {"constituency": cmd.constituency},
        )
    if len(set(cmd.candidates)) != len(cmd.candidates):
        raise InvalidCommand(
            "election.duplicate_candidate",
            "election.open: a candidate is named twice",
            {"election": cmd.election},
        )
    for candidate in cmd.candidates:
        _check_candidate(view, constituency, candidate)
    return [opening(view, ctx, cmd.election, constituency, seats, cmd.candidates, "command")]


def free_seats(view: StateView, constituency: ConstituencyId) -> tuple[int, ...]:
    """Vacant seats of the constituency that no open election is filling."""
    reserved = {n for e in view.open_elections(constituency) for n in e.seats}
    return tuple(
        s.number for s in view.seats(constituency) if s.holder is None and s.number not in reserved
    )


def opening(
    view: StateView,
    ctx: Context,
    election: ElectionId,
    constituency: Constituency,
    seats: tuple[int, ...],
    candidates: Sequence[MemberId],
    cause: str,
) -> ElectionOpened:
    """The ``election.opened`` event, with the rules in force now copied into it."""
    rules = ctx.constitution.rules_for(constituency.council)
    method = constituency.method or rules.method_for(len(seats))
    REGISTRY.get(method)
    secret = (
        constituency.secret
        if constituency.secret is not None
        else rules.secret_for(constituency.is_base)
    )
    return ElectionOpened(
        election,
        constituency.constituency,
        seats,
        tuple(candidates),
        method,
        "secret" if secret else "open",
        rules.vacancy_rule,
        cause,
    )


def nominate(cmd: NominateCandidate, view: StateView, ctx: Context) -> list[Event]:
    if ctx.actor is not None and str(ctx.actor) != str(cmd.candidate):  # or themselves
        _require_organiser(ctx, view, cmd.election, f"nominate candidates in {cmd.election}")
    election = _open(view, cmd.election)
    constituency = view.constituency(election.constituency)
    if cmd.candidate in election.candidates:
        raise Conflict(
            "election.already_candidate",
            f"{cmd.candidate} is already a candidate in {cmd.election}",
            {"election": cmd.election, "candidate": cmd.candidate},
        )
    if view.voters(cmd.election):
        raise RuleViolation(
            "election.voting_started",
            f"{cmd.election}: candidates cannot be added once ballots have been cast",
            {"election": cmd.election},
        )
    _check_candidate(view, constituency, cmd.candidate)
    return [CandidateNominated(cmd.election, cmd.candidate)]


def cast(cmd: CastBallot, view: StateView, ctx: Context) -> list[Event]:
    election = _open(view, cmd.election)
    require_self(ctx, cmd.voter, "ballot.not_own", "cast a ballot")
    view.member(cmd.voter)
    if not view.in_electorate(election.constituency, cmd.voter):
        raise NotPermitted(
            "ballot.not_in_electorate",
            f"{cmd.voter} is not in the electorate of {election.constituency}",
            {"election": cmd.election, "voter": cmd.voter},
        )
    if view.has_voted(cmd.election, cmd.voter):
        raise Conflict(
            "ballot.already_cast",
            f"{cmd.voter} has already voted in {cmd.election}",
            {"election": cmd.election, "voter": cmd.voter},
        )
    if len(set(cmd.ranking)) != len(cmd.ranking):
        raise InvalidCommand(
            "ballot.repeated_candidate",
            "ballot.cast: a candidate is ranked twice",
            {"election": cmd.election},
        )
    for candidate in cmd.ranking:
        if candidate not in election.candidates:
            raise RuleViolation(
                "ballot.not_a_candidate",
                f"{candidate} is not a candidate in {cmd.election}",
                {"election": cmd.election, "candidate": candidate},
            )
    if election.secret:
        return [
            BallotCast(cmd.election, cmd.voter),
            BallotSealed(cmd.election, ctx.supply.token(), cmd.ranking),
        ]
    return [BallotCast(cmd.election, cmd.voter, cmd.ranking)]


def close(cmd: CloseElection, view: StateView, ctx: Context) -> list[Event]:
    _require_organiser(ctx, view, cmd.election, f"close {cmd.election}")
    election = _open(view, cmd.election)
    withdrawn = tuple(
        c for c in election.candidates if not eligible(view, election.constituency, c)
    )
    seed = ctx.supply.seed(f"election {cmd.election}")
    elected = order_of_election(view, election, withdrawn, seed)
    vacant = {s.number for s in view.seats(election.constituency) if s.holder is None}
    seats = sorted(n for n in election.seats if n in vacant)
    ballots = ballot_groups(view, election) if election.secret else None
    events: list[Event] = [ElectionClosed(cmd.election, elected, withdrawn, seed, ballots)]
    events.extend(
        SeatFilled(election.constituency, n, member, cmd.election)
        for n, member in zip(seats, elected, strict=False)
    )
    return events


def _require_organiser(ctx: Context, view: StateView, eid: ElectionId, doing: str) -> None:
    """The actor must organise the council the election's constituency elects into (checked
    before whether it is open: who may act comes before what the state allows)."""
    council = view.constituency(view.election(eid).constituency).council
    require_organiser(ctx, view, council, doing)


def _open(view: StateView, eid: ElectionId) -> Election:
    election = view.election(eid)
    if election.status != "open":
        raise RuleViolation("election.not_open", f"election {eid} is closed", {"election": eid})
    return election


def _check_candidate(view: StateView, constituency: Constituency, candidate: MemberId) -> None:
    cid = constituency.constituency
    member = view.member(candidate)
    if not member.active or not view.in_electorate(cid, candidate):
        raise RuleViolation(
            "election.candidate_not_in_electorate",
            f"{candidate} is not in the electorate of {cid}",
            {"constituency": cid, "candidate": candidate},
        )
    if any(s.constituency == cid for s in view.seats_held_by(candidate)):
        raise RuleViolation(
            "election.candidate_already_seated",
            f"{candidate} already holds a seat of {cid}",
            {"constituency": cid, "candidate": candidate},
        )
