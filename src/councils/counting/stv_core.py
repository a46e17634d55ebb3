"""The pointer kernel of the transfer-based counts: "the next available preference".

Why a kernel: an STV count moves the same ballots many times. Each ballot row keeps a pointer
to the preference it currently sits on; when its candidate is elected or excluded, only the
rows that candidate holds move on, to their next preference for a candidate who is still
*continuing* (SSI 2007/42 Schedule 1, rule 48(1)(a) and 50(2)(a): "the next available
preference"). Done one paper at a time in Python this is the whole cost of a count; done here it
is a few vectorised passes over the moving rows, one per preference skipped, so a stage costs
in proportion to the papers it moves, not to the whole profile.

Any method that moves ballots on by pointer (Scottish STV here; IRV or other Gregory counts)
can use :func:`next_preference`; :mod:`councils.counting.kernels` holds the whole-profile
kernels (first continuing preference of every row, exact tallies).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["next_preference"]

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int16]
BoolArray = npt.NDArray[np.bool_]


def next_preference(
    rankings: SmallArray, rows: IntArray, start: IntArray, continuing: BoolArray
) -> tuple[IntArray, SmallArray]:
    """Where each of ``rows`` goes next: the first preference at or after ``start`` that names
    a continuing candidate.

    ``rankings`` is a profile's (rows × depth) array, padded with ``-1``; ``rows`` are row
    indices into it and ``start`` the position to look from for each (``pointer + 1`` after a
    transfer, ``0`` at the first stage). ``continuing[c]`` says whether candidate ``c`` may
    still receive ballots.

    Returns ``(position, candidate)`` per row; ``candidate`` is ``-1`` for a ballot that is
    exhausted (no continuing candidate named at or after ``start``). Cost: one vectorised pass
    per preference skipped, each over the rows that still have to move.
    """
    depth = int(rankings.shape[1])
    n = len(continuing)
    # stop[c] for c in -1..n-1: index -1 is the padding, which ends the search (exhausted).
    stop = np.ones(n + 1, dtype=np.bool_)
    stop[:n] = continuing
    pos: IntArray = np.array(start, dtype=np.int64)
    cand = np.full(len(rows), -1, dtype=np.int16)
    if depth == 0 or len(rows) == 0:
        return pos, cand
    flat = rankings.reshape(-1)
    base = np.asarray(rows, dtype=np.int64) * depth
    todo = np.arange(len(rows), dtype=np.int64)
    while todo.size:
        p = pos[todo]
        inside = p < depth
        if not inside.all():
            todo, p = todo[inside], p[inside]
        c = flat[base[todo] + p]
        done = stop[c]
        cand[todo[done]] = c[done]
        todo = todo[~done]
        pos[todo] += 1
    return pos, cand
