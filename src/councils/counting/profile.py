"""A preference profile: the ballots of one election, held as numpy arrays.

Why arrays: a federation counts elections of millions of ballots, and a count touches every
ballot at every stage. Ballots are stored once, identical ballots aggregated into one row with a
weight, so a count works on (distinct rankings × depth) rather than on voters.

Layout
------
``rankings``  int16, shape (rows, depth): row ``r`` lists candidate indices in order of
              preference, padded with ``-1`` after the last preference.
``weights``   int64, shape (rows,): how many ballots read exactly like row ``r`` (≥ 1).
``levels``    int16, shape (rows, depth), or ``None``: the rank of each entry, so that entries
              of equal level are ranked equal (``[[a, b], c]`` → rankings ``a b c``, levels
              ``0 0 1``). ``None`` means every ballot is a strict order, which most methods need.

Candidates are named by index into ``candidates``. ``withdrawn`` candidates (BLT's negative
lines) stay in ``candidates`` so that indices never move, but :meth:`Profile.effective` strips
them from the ballots before a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from councils.counting.kernels import tally
from councils.domain.errors import InvalidCommand

__all__ = ["Ballot", "Profile", "sum_by_key"]

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int16]

#: One ballot for :meth:`Profile.from_ballots`: a sequence of candidate names or indices, or of
#: sets of them for equal rankings (``["a", {"b", "c"}, "d"]``).
Ballot = Sequence[str | int | Iterable[str | int]]

_INT63 = 2**62


@dataclass(frozen=True, eq=False)
class Profile:
    """The ballots of one election. Immutable; build with :meth:`from_ballots` or a reader."""

    candidates: tuple[str, ...]
    rankings: SmallArray
    weights: IntArray
    levels: SmallArray | None = None
    seats: int | None = None
    withdrawn: frozenset[int] = field(default_factory=frozenset)
    title: str | None = None
    #: True when this profile is already what :meth:`effective` returns (no withdrawn
    #: candidate on any ballot, no blank ballot, identical ballots merged), so a count can skip
    #: that work. Readers set it; leave it False when building by hand.
    is_effective: bool = False

    # ------------------------------------------------------------------ building

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Sequence[Ballot],
        weights: Sequence[int] | None = None,
        *,
        seats: int | None = None,
        withdrawn: Iterable[str | int] = (),
        title: str | None = None,
    ) -> Profile:
        """Build a profile from Python lists; the friendly door for tests and the API.

        Raises :class:`InvalidCommand` naming the ballot (0-based index) that is wrong: an
        unknown candidate, a candidate ranked twice, a weight that is not a positive integer.
        """
        names = tuple(candidates)
        if len(set(names)) != len(names):
            raise InvalidCommand("profile.duplicate_candidate", "two candidates share a name")
        index = {name: i for i, name in enumerate(names)}
        if weights is None:
            weights = [1] * len(ballots)
        if len(weights) != len(ballots):
            raise InvalidCommand(
                "profile.weights_length", "there must be one weight for each ballot"
            )

        def resolve(item: str | int, where: int) -> int:
            if isinstance(item, bool):
                raise InvalidCommand(
                    "profile.unknown_candidate", f"ballot {where}: {item!r} is not a candidate"
                )
            if isinstance(item, int):
                if 0 <= item < len(names):
                    return item
            elif item in index:
                return index[item]
            raise InvalidCommand(
                "profile.unknown_candidate",
                f"ballot {where}: {item!r} is not a candidate",
                {"ballot": where, "candidate": str(item)},
            )

        rows: list[list[int]] = []
        lvls: list[list[int]] = []
        ties = False
        for b, ballot in enumerate(ballots):
            row: list[int] = []
            lvl: list[int] = []
            for level, entry in enumerate(ballot):
                group = [entry] if isinstance(entry, str | int) else list(entry)
                if len(group) > 1:
                    ties = True
                for item in group:
                    row.append(resolve(item, b))
                    lvl.append(level)
            if len(set(row)) != len(row):
                raise InvalidCommand(
                    "profile.repeated_candidate",
                    f"ballot {b}: a candidate is ranked twice",
                    {"ballot": b},
                )
            rows.append(row)
            lvls.append(lvl)
        for b, w in enumerate(weights):
            if isinstance(w, bool) or not isinstance(w, int) or w < 1:
                raise InvalidCommand(
                    "profile.bad_weight",
                    f"ballot {b}: weight must be a positive whole number, not {w!r}",
                    {"ballot": b},
                )
        depth = max((len(r) for r in rows), default=0)
        rankings = np.full((len(rows), depth), -1, dtype=np.int16)
        levels = np.full((len(rows), depth), -1, dtype=np.int16)
        for r, (row, lvl) in enumerate(zip(rows, lvls, strict=True)):
            rankings[r, : len(row)] = row
            levels[r, : len(lvl)] = lvl
        withdrawn_idx = frozenset(resolve(w, -1) for w in withdrawn)
        return cls(
            candidates=names,
            rankings=rankings,
            weights=np.asarray(weights, dtype=np.int64),
            levels=levels if ties else None,
            seats=seats,
            withdrawn=withdrawn_idx,
            title=title,
        )

    # ------------------------------------------------------------------ facts

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def depth(self) -> int:
        return int(self.rankings.shape[1])

    @property
    def total(self) -> int:
        """Number of ballots (the sum of the weights), blank ballots included."""
        return int(self.weights.sum())

    @property
    def has_ties(self) -> bool:
        """Whether any ballot ranks two candidates equal."""
        return self.levels is not None and _has_ties(self.levels)

    def require_strict(self, method: str) -> None:
        """Refuse equal rankings for a method that does not define them."""
        if self.has_ties:
            raise InvalidCommand(
                "count.equal_rankings",
                f"{method} does not define equal rankings, and some ballots rank candidates "
                "equal; use a method that does (schulze, approval) or fix the ballots",
                {"method": method},
            )

    # ------------------------------------------------------------------ transforms

    def effective(self) -> Profile:
        """The profile a count sees: withdrawn candidates struck out, later preferences moved
        up, blank ballots dropped, identical ballots merged."""
        if self.is_effective:
            return self
        rankings, levels = self.rankings, self.levels
        if self.withdrawn:
            struck = np.isin(rankings, np.fromiter(self.withdrawn, dtype=np.int16))
            rankings = np.where(struck, np.int16(-1), rankings)
            if levels is not None:
                levels = np.where(struck, np.int16(-1), levels)
        # Move the preferences that remain to the front of each row, keeping their order.
        if self.depth and (
            self.withdrawn or np.any((rankings[:, :-1] < 0) & (rankings[:, 1:] >= 0))
        ):
            order = np.argsort(rankings < 0, axis=1, kind="stable")
            rankings = np.take_along_axis(rankings, order, axis=1)
            if levels is not None:
                levels = np.take_along_axis(levels, order, axis=1)
        keep = rankings[:, 0] >= 0 if self.depth else np.zeros(len(rankings), dtype=bool)
        rankings, weights = rankings[keep], self.weights[keep]
        if levels is not None:
            levels = levels[keep]
        # Trim trailing all-empty columns.
        used = int((rankings >= 0).sum(axis=1).max()) if len(rankings) else 0
        rankings = np.ascontiguousarray(rankings[:, :used])
        if levels is not None:
            levels = np.ascontiguousarray(levels[:, :used])
        if levels is not None and not _has_ties(levels):
            levels = None
        out = Profile(
            self.candidates, rankings, weights, levels, self.seats, self.withdrawn, self.title
        )
        return replace(out.aggregated(), is_effective=True)

    def aggregated(self) -> Profile:
        """Merge identical ballots into one row, summing their weights (row order: sorted, so
        that the same ballots give the same profile whatever order a file lists them in).

        Rows that fit one exact int64 key (mixed radix, :func:`_row_keys`) are grouped by
        sorting the keys alone (:func:`sum_by_key`) and rebuilt from the distinct keys: sorting
        an int64 array is several times faster than ``np.unique`` with its index and inverse,
        and this runs on every large profile. Wider rows fall back to ``np.unique`` on rows.
        """
        n = len(self.rankings)
        if n <= 1:
            return self
        keys = _row_keys(self.rankings, self.levels, self.n_candidates)
        if keys is not None:
            uniq, weights = sum_by_key(keys, self.weights)
            rankings, levels = _rows_from_keys(
                uniq, self.depth, self.n_candidates, self.levels is not None
            )
            return Profile(
                self.candidates, rankings, weights, levels, self.seats, self.withdrawn, self.title
            )
        stacked = self.rankings if self.levels is None else np.hstack([self.rankings, self.levels])
        stacked = np.ascontiguousarray(stacked)
        view = stacked.view(np.dtype((np.void, stacked.dtype.itemsize * stacked.shape[1])))
        _, first, inverse = np.unique(view.ravel(), return_index=True, return_inverse=True)
        # A row's group is its index among the distinct rows: grouping those sums exactly.
        _, weights = sum_by_key(inverse.ravel().astype(np.int64), self.weights)
        rankings = self.rankings[first]
        levels_ = self.levels[first] if self.levels is not None else None
        return Profile(
            self.candidates, rankings, weights, levels_, self.seats, self.withdrawn, self.title
        )

    def rank_matrix(self) -> SmallArray:
        """(rows, candidates): the rank level of each candidate on each ballot; a candidate left
        off a ballot gets ``depth`` (ranked below everyone the ballot names)."""
        rows, depth = self.rankings.shape
        ranks = np.full((rows, self.n_candidates), depth, dtype=np.int16)
        lv = (
            self.levels
            if self.levels is not None
            else np.broadcast_to(np.arange(depth, dtype=np.int16), (rows, depth))
        )
        r_idx, c_idx = np.nonzero(self.rankings >= 0)
        ranks[r_idx, self.rankings[r_idx, c_idx]] = lv[r_idx, c_idx]
        return ranks

    def first_preferences(self) -> IntArray:
        """Ballots whose first preference is each candidate (strict ballots; blanks ignored)."""
        firsts = self.rankings[:, 0] if self.depth else np.empty(0, dtype=np.int16)
        return tally(firsts, self.weights[: len(firsts)], self.n_candidates)


def _has_ties(levels: SmallArray) -> bool:
    """Whether some row puts two candidates at the same level."""
    lv = levels[:, 1:]
    return bool(np.any((lv >= 0) & (lv == levels[:, :-1])))


def _row_keys(
    rankings: SmallArray, levels: SmallArray | None, n_candidates: int
) -> IntArray | None:
    """An exact int64 key per row (mixed radix), or ``None`` when the rows are too wide for one.

    Digit ``j`` is ``ranking + 1`` (times ``depth + 1``, plus ``level + 1``, with levels), most
    significant first, so keys sort like the rows. Built one column at a time: a full int64 copy
    of a (10M × 12) profile would be a gigabyte.
    """
    depth = rankings.shape[1]
    base = _key_base(n_candidates, depth, levels is not None)
    if depth == 0:
        return np.zeros(len(rankings), dtype=np.int64)
    if base**depth >= _INT63:
        return None
    if levels is not None and int(levels.max()) >= depth:
        return None  # levels beyond the row's length: no exact key of this shape
    keys = np.zeros(len(rankings), dtype=np.int64)
    for j in range(depth):
        keys *= base
        digit = rankings[:, j].astype(np.int64) + 1
        if levels is not None:
            digit *= depth + 1
            digit += levels[:, j].astype(np.int64) + 1
        keys += digit
    return keys


def _key_base(n_candidates: int, depth: int, with_levels: bool) -> int:
    return (n_candidates + 1) * (depth + 1) if with_levels else n_candidates + 1


def _rows_from_keys(
    keys: IntArray, depth: int, n_candidates: int, with_levels: bool
) -> tuple[SmallArray, SmallArray | None]:
    """The rows that :func:`_row_keys` encoded (its inverse)."""
    base = _key_base(n_candidates, depth, with_levels)
    rankings = np.empty((len(keys), depth), dtype=np.int16)
    levels = np.empty((len(keys), depth), dtype=np.int16) if with_levels else None
    rest = keys.copy()
    for j in range(depth - 1, -1, -1):
        digit = rest % base
        rest //= base
        if levels is not None:
            rankings[:, j] = digit // (depth + 1) - 1
            levels[:, j] = digit % (depth + 1) - 1
        else:
            rankings[:, j] = digit - 1
    return rankings, levels


def sum_by_key(keys: IntArray, weights: IntArray | None) -> tuple[IntArray, IntArray]:
    """The distinct ``keys`` (non-negative), sorted, and the summed ``weights`` of each (``None``:
    every weight is 1); exact.

    Why not ``np.unique(..., return_inverse=True)``: it argsorts, several times slower than
    sorting the keys alone. With all weights 1 (most real files) the sums are run lengths of the
    sorted keys; otherwise the weight rides in the key's spare low bits when it fits, and only
    when it does not do we pay for an argsort.
    """
    if len(keys) == 0:
        return keys, np.zeros(0, dtype=np.int64)
    summed: IntArray | None = None
    if weights is None or bool(np.all(weights == 1)):
        ordered = np.sort(keys)
    else:
        wbits = int(weights.max()).bit_length()
        kbits = int(keys.max()).bit_length()
        if int(weights.min()) >= 0 and kbits + wbits <= 62:
            packed = np.sort((keys << wbits) | weights)
            ordered = packed >> wbits
            summed = packed & ((1 << wbits) - 1)
        else:
            order = np.argsort(keys, kind="stable")
            ordered, summed = keys[order], weights[order]
    cut = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    starts = np.concatenate((np.zeros(1, dtype=np.int64), cut))
    if summed is None:
        sums = np.diff(starts, append=len(ordered))
    else:
        sums = np.add.reduceat(summed, starts)
    return ordered[starts], sums.astype(np.int64)
