"""Plurality (first past the post) and block plurality.

Rule: each ballot gives one vote to each of its first ``seats`` preferences (one for single
plurality); the ``seats`` candidates with the most votes are elected. With one seat this is
first past the post; with several it is the block vote ("bloc voting") of many union and
association rule books. Ballots that rank candidates equal are refused: a plurality ballot
names candidates, it does not rank them equal.

Ties for the last seat are broken by lot (:mod:`councils.counting.lots`).
Known deviations: none; there is no single legal text, this is the textbook rule.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round
from councils.counting.tally import pick_top

__all__ = ["METHOD", "count_plurality"]


def count_plurality(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Elect the ``seats`` candidates named most often among the ballots' first ``seats``
    preferences."""
    profile.require_strict("plurality")
    p = profile.effective()
    n = p.n_candidates
    depth = min(seats, p.depth)
    votes = np.zeros(n, dtype=np.int64)
    for j in range(depth):
        col = p.rankings[:, j]
        ok = col >= 0
        votes += np.bincount(col[ok], weights=p.weights[ok], minlength=n).astype(np.int64)
    eligible = [c for c in range(n) if c not in p.withdrawn]
    elected, notes = pick_top(votes, eligible, seats, seed, p.candidates, "plurality")
    totals = tuple(None if c in p.withdrawn else Decimal(int(votes[c])) for c in range(n))
    rnd = Round(
        number=1, action="votes counted", totals=totals, elected=tuple(elected), notes=notes
    )
    return Count(
        method="plurality",
        seats=seats,
        candidates=p.candidates,
        elected=tuple(elected),
        rounds=(rnd,),
        seed=seed,
    )


METHOD = Method(
    name="plurality",
    count=count_plurality,
    summary="Plurality; with several seats, the block vote (each ballot's first N preferences).",
    source="Textbook rule (first past the post / block vote).",
)
