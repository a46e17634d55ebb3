"""Whole-profile kernels shared by the ranked counting methods (IRV, approval, list PR, ...).

Why here: an elimination count asks, at every round, "which continuing candidate does each
ballot now count for?". Asked once per ballot in Python that is the whole cost of a count; asked
once per round over the aggregated rows of a :class:`~councils.counting.profile.Profile` with
numpy it is a few array operations, whatever the number of ballots. (Counts that move only the
ballots of one candidate at a time use the pointer kernel in
:mod:`councils.counting.stv_core` instead.)

All sums are exact integers (int64): a count must never depend on float rounding.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["EXACT_FLOAT", "first_continuing", "tally"]

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int16]
BoolArray = npt.NDArray[np.bool_]

#: float64 adds whole numbers exactly below this, and ``np.bincount`` sums in float64.
EXACT_FLOAT = 2**53


def first_continuing(rankings: SmallArray, continuing: BoolArray) -> SmallArray:
    """For each row of ``rankings``, its highest-ranked candidate still ``continuing``, or -1.

    ``rankings`` is a profile's (rows, depth) array padded with -1; ``continuing`` has one flag
    per candidate. A row that names no continuing candidate is exhausted: -1.
    """
    rows = rankings.shape[0]
    if rows == 0 or rankings.shape[1] == 0:
        return np.full(rows, -1, dtype=np.int16)
    # Index -1 (the padding) reads the appended False.
    flags = np.append(continuing.astype(np.bool_), False)[rankings]
    pos = flags.argmax(axis=1)
    at = np.arange(rows)
    found = flags[at, pos]
    return np.where(found, rankings[at, pos], np.int16(-1)).astype(np.int16)


def tally(choice: SmallArray, weights: IntArray, n_candidates: int) -> IntArray:
    """Sum ``weights`` by the candidate in ``choice`` (-1, no candidate, is ignored), exactly."""
    ok = choice >= 0
    picked, w = choice[ok], weights[ok]
    if int(w.sum()) < EXACT_FLOAT:
        return np.bincount(picked, weights=w, minlength=n_candidates).astype(np.int64)
    out = np.zeros(n_candidates, dtype=np.int64)
    for c in range(n_candidates):
        out[c] = int(w[picked == c].sum())
    return out
