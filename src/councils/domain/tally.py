"""Counting an election's ballots with the counting engine, for a close and for a countback.

Both count the same way: the election's own method (fixed when it opened), its own number of
seats, over its candidates minus those ``withdrawn`` (no longer eligible); lots from ``seed``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from councils.counting import REGISTRY, Profile
from councils.domain.entities import Election
from councils.domain.events import BallotGroup
from councils.domain.ids import MemberId
from councils.domain.view import StateView

__all__ = ["ballot_groups", "order_of_election"]


def order_of_election(
    view: StateView, election: Election, withdrawn: Iterable[MemberId], seed: int
) -> tuple[MemberId, ...]:
    """The candidates the count elects, in its order of election (at most ``len(seats)``)."""
    out = set(withdrawn)
    if all(c in out for c in election.candidates):
        return ()
    ballots = view.ballots(election.election)
    profile = Profile.from_ballots(
        election.candidates,
        [b.ranking for b in ballots],
        [b.weight for b in ballots],
        withdrawn=sorted(out),
    )
    count = REGISTRY.get(election.method).count(profile, len(election.seats), seed=seed)
    elected = [election.candidates[i] for i in count.elected]
    return tuple(c for c in elected if c not in out)[: len(election.seats)]


def ballot_groups(view: StateView, election: Election) -> tuple[BallotGroup, ...]:
    """The ballot box as published at a secret election's close: identical rankings merged,
    sorted by ranking, so nothing in the record reveals the order in which they were cast."""
    counts: Counter[tuple[MemberId, ...]] = Counter()
    for ballot in view.ballots(election.election):
        counts[ballot.ranking] += ballot.weight
    return tuple(BallotGroup(n, ranking) for ranking, n in sorted(counts.items()))
