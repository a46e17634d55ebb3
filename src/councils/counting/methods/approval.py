"""Approval voting, single and block.

Rule: a ballot approves every candidate it names, in whatever order and at whatever level (a
ranked ballot is read as the set of the candidates it names; equal rankings are welcome, they
change nothing). Each candidate's score is the number of ballots that approve them; the
``seats`` candidates with the highest scores are elected. With one seat this is approval voting
as proposed by Brams and Fishburn ("Approval Voting", American Political Science Review 72(3),
1978); with several it is block approval (each voter may approve any number of candidates, the
most approved fill the seats), the rule of many association and union rule books.

Ties in approvals are broken by first preferences: the number of ballots that put the
candidate at their top level (a ranked ballot says more than a set; using its order only to
break ties leaves the approval count itself untouched, and makes a candidate whom every ballot
ranks first win even when the same ballots also approve others). Candidates equal on both are
ordered by lot (:mod:`councils.counting.lots`); the round's notes name every such decision.

Known deviations: the first-preference tie-break is ours; textbook approval goes straight to a
lot. Block approval is not proportional: a majority that approves the same candidates takes
every seat.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from councils.counting.kernels import tally
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round
from councils.counting.tally import pick_top

__all__ = ["METHOD", "count_approval"]

_NAME = "approval"


def count_approval(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Elect the ``seats`` candidates approved (named) by the most ballots."""
    p = profile.effective()
    n = p.n_candidates
    scores = np.zeros(n, dtype=np.int64)
    # A candidate appears at most once on a ballot, so summing every column counts ballots.
    for j in range(p.depth):
        scores += tally(p.rankings[:, j], p.weights, n)
    firsts = _top_level_counts(p)
    eligible = [c for c in range(n) if c not in p.withdrawn]
    # Approvals first, first preferences second, in one exact integer key (int64 holds it up
    # to three billion ballots).
    key = scores * (p.total + 1) + firsts
    elected, lot_notes = pick_top(key, eligible, seats, seed, p.candidates, _NAME)
    notes = _tie_notes(scores, firsts, eligible, elected, p.candidates) + list(lot_notes)
    totals = tuple(None if c in p.withdrawn else Decimal(int(scores[c])) for c in range(n))
    rnd = Round(
        number=1,
        action="approvals counted",
        totals=totals,
        elected=tuple(elected),
        notes=(f"{p.total} ballots; each approves every candidate it names", *notes),
    )
    return Count(
        method=_NAME,
        seats=seats,
        candidates=p.candidates,
        elected=tuple(elected),
        rounds=(rnd,),
        seed=seed,
    )


def _top_level_counts(p: Profile) -> npt.NDArray[np.int64]:
    """Ballots that put each candidate at their top level (first preference, or tied first)."""
    n = p.n_candidates
    if p.depth == 0 or len(p.weights) == 0:
        return np.zeros(n, dtype=np.int64)
    if p.levels is None:
        return p.first_preferences()
    ranks = p.rank_matrix()
    top = (ranks == ranks.min(axis=1, keepdims=True)) & (ranks < p.depth)
    return np.asarray(p.weights @ top.astype(np.int64), dtype=np.int64)


def _tie_notes(
    scores: npt.NDArray[np.int64],
    firsts: npt.NDArray[np.int64],
    eligible: list[int],
    elected: list[int],
    names: tuple[str, ...],
) -> list[str]:
    """Say where equal approvals across the last seat were decided by first preferences."""
    notes: list[str] = []
    for value in sorted({int(scores[c]) for c in eligible}, reverse=True):
        group = [c for c in eligible if int(scores[c]) == value]
        inside = [c for c in group if c in elected]
        straddles = len(group) > 1 and 0 < len(inside) < len(group)
        if straddles and len({int(firsts[c]) for c in group}) > 1:
            detail = ", ".join(f"{names[c]} {int(firsts[c])}" for c in group)
            notes.append(
                f"{value} approvals each for {len(group)} candidates, "
                f"broken by first preferences ({detail})"
            )
    return notes


METHOD = Method(
    name=_NAME,
    count=count_approval,
    summary="Approval voting; with several seats, block approval (the most approved win).",
    source="Brams & Fishburn, 'Approval Voting', APSR 72(3), 1978 (textbook rule).",
    equal_rankings=True,
)
