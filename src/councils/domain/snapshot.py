"""The canonical snapshot of a state: a plain dict, equal for equal states whatever the store.

``councils verify`` replays the record into an empty in-memory store and compares the two
snapshots. So a snapshot holds exactly what the record determines: everything, except the
sealed ballots of a secret election that is still open (by design the record does not have
them until the close; the number of voters it does have).
"""

from __future__ import annotations

from councils.domain.entities import Constituency, Election, Member
from councils.domain.view import StateView

__all__ = ["snapshot"]


def snapshot(view: StateView) -> dict[str, object]:
    """Every council, organiser, constituency (with its seats), faction, member, election and
    petition, in id order, as JSON-able values."""
    councils = list(view.councils())
    return {
        "councils": [{"council": c.council, "name": c.name} for c in councils],
        "organisers": [
            {"council": c.council, "organiser": o}
            for c in councils
            for o in view.organisers(c.council)
        ],
        "constituencies": [_constituency(view, k) for k in view.constituencies()],
        "factions": [{"faction": f.faction, "name": f.name} for f in view.factions()],
        "members": [_member(view, m) for m in view.members()],
        "elections": [_election(view, e) for e in view.elections()],
        "petitions": [
            {
                "constituency": p.constituency,
                "delegate": p.delegate,
                "threshold": [p.numerator, p.denominator],
                "comparison": p.comparison,
                "signers": list(view.signatures(p.constituency, p.delegate)),
            }
            for p in view.petitions()
        ],
    }


def _constituency(view: StateView, k: Constituency) -> dict[str, object]:
    return {
        "constituency": k.constituency,
        "name": k.name,
        "kind": k.kind,
        "council": k.council,
        "of": k.of,
        "method": k.method,
        "secret": k.secret,
        "seats": [
            {"seat": s.number, "holder": s.holder, "election": s.election}
            for s in view.seats(k.constituency)
        ],
    }


def _member(view: StateView, m: Member) -> dict[str, object]:
    return {
        "member": m.member,
        "name": m.name,
        "faction": m.faction,
        "active": m.active,
        "constituencies": list(view.memberships(m.member)),
    }


def _election(view: StateView, e: Election) -> dict[str, object]:
    sealed = e.secret and e.status == "open"
    return {
        "election": e.election,
        "constituency": e.constituency,
        "status": e.status,
        "seats": list(e.seats),
        "candidates": list(e.candidates),
        "method": e.method,
        "secret": e.secret,
        "vacancy": e.vacancy,
        "elected": list(e.elected),
        "withdrawn": list(e.withdrawn),
        "seed": e.seed,
        "voters": list(view.voters(e.election)),
        "ballots": None
        if sealed
        else [
            {"ranking": list(b.ranking), "voter": b.voter, "weight": b.weight}
            for b in view.ballots(e.election)
        ],
    }
