"""Helpers shared by the methods: the top of a score list (plurality, approval), and the
"earlier rounds" tie-break of the elimination counts (IRV, Scottish STV)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from councils.counting.lots import lot_order

__all__ = ["narrow_by_earlier", "pick_top"]


def pick_top(
    scores: npt.NDArray[np.int64],
    eligible: Sequence[int],
    seats: int,
    seed: int,
    names: Sequence[str],
    context: str,
) -> tuple[list[int], tuple[str, ...]]:
    """The ``seats`` highest-scoring eligible candidates, highest first, and notes on any lot.

    A tie across the cut-off is broken by lot; candidates tied wholly inside the elected group
    are ordered by lot too, so the order of election is always defined.
    """
    order = sorted(eligible, key=lambda c: -int(scores[c]))
    elected: list[int] = []
    notes: list[str] = []
    i = 0
    while i < len(order) and len(elected) < seats:
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        group = order[i:j]
        room = seats - len(elected)
        if len(group) > 1:
            drawn = lot_order(seed, f"{context}: tie at {int(scores[group[0]])}", group, names)
            if len(group) > room:
                notes.append(
                    "tie between "
                    + ", ".join(names[c] for c in group)
                    + f" for {room} seat(s), broken by lot (seed {seed})"
                )
            group = drawn
        elected.extend(group[:room])
        i = j
    return elected, tuple(notes)


def narrow_by_earlier(
    tied: Sequence[int],
    earlier: Sequence[Sequence[int]],
    choose: Callable[[Iterable[int]], int],
) -> tuple[list[int], int | None]:
    """Break a tie by the earlier rounds, most recent first: at each round where the ``tied``
    candidates differed, keep those with the ``choose`` (min or max) vote there.

    Returns the candidates still tied (one, if settled) and the index in ``earlier`` of the
    round that settled it, or None when some remain equal in every round (then a lot decides).
    """
    group = list(tied)
    for k in range(len(earlier) - 1, -1, -1):
        votes = earlier[k]
        edge = choose(votes[c] for c in group)
        kept = [c for c in group if votes[c] == edge]
        if len(kept) < len(group):
            group = kept
            if len(group) == 1:
                return group, k
    return group, None
