"""The Schulze method (beatpath; Condorcet), with winning votes, as a full ranking.

Rule (Schulze 2011, section 2; Debian Constitution, Appendix A.6):

1. ``d[a, b]`` is the number of ballots that rank ``a`` strictly above ``b``. Ballots may rank
   candidates equal (they then count for neither) and may leave candidates out: a candidate a
   ballot names is ranked above every candidate it leaves out; those left out are equal.
2. A link ``a → b`` exists when ``d[a, b] > d[b, a]``; its strength is ``d[a, b]`` ("winning
   votes"). A path's strength is that of its weakest link; ``p[a, b]`` is the strength of the
   strongest path from ``a`` to ``b`` (0 if none), found by a Floyd–Warshall widest-path pass.
3. ``a`` beats ``b`` when ``p[a, b] > p[b, a]``. Schulze (2011) proves this relation is a strict
   partial order (transitive), so it has a ranking: repeatedly place the candidates that no
   remaining candidate beats. Where several are unbeaten, the order among them is drawn by lot
   (:mod:`councils.counting.lots`) and the notes say so.

With several seats the ``seats`` highest of that ranking are elected (``Count.ranking`` is the
whole ranking). That is the non-proportional use of the ranking; it is not "Schulze STV".

Sources: Markus Schulze, "A new monotonic, clone-independent, reversal symmetric, and
Condorcet-consistent single-winner election method", Social Choice and Welfare 36 (2011)
267–303; Debian Constitution, Appendix A.6 ("Vote Counting").

Known deviations: Debian's quorum, supermajority requirements and its default option ("None of
the above", which drops every option that does not beat it) are not modeled: the default
option, if the profile has one, is an ordinary candidate. Debian compares two defeats of equal
winning votes by their losing votes; we compare by winning votes alone. Schulze's own
tie-breaking for a ranking (by a random ballot) is replaced by a lot among the tied candidates.

Arithmetic: exact integers throughout; the pairwise counts are summed in float64 only while the
total weight is below 2**53 (where float64 adds whole numbers exactly), else in int64.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from councils.counting.kernels import EXACT_FLOAT
from councils.counting.lots import lot_order
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round

__all__ = ["METHOD", "count_schulze", "pairwise", "strongest_paths"]

_NAME = "schulze"
#: Rows per block when building the pairwise matrix: bounds memory at ~n² × this × 9 bytes.
_BLOCK = 8192

IntMatrix = npt.NDArray[np.int64]


def count_schulze(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Rank every candidate by the Schulze method and elect the top ``seats``."""
    p = profile.effective()
    names = p.candidates
    n = p.n_candidates
    active = [c for c in range(n) if c not in p.withdrawn]
    d_all = pairwise(p)
    d = d_all[np.ix_(active, active)]
    paths = strongest_paths(d)
    m = len(active)
    beats = paths > paths.T

    lot = lot_order(seed, "schulze: ranking", active, names)
    lot_rank = {c: i for i, c in enumerate(lot)}
    remaining = list(range(m))
    ranking: list[int] = []
    notes: list[str] = []
    while remaining:
        unbeaten = [a for a in remaining if not any(beats[b, a] for b in remaining)]
        first = min(unbeaten, key=lambda a: lot_rank[active[a]])
        if len(unbeaten) > 1:
            notes.append(
                f"place {len(ranking) + 1}: "
                + ", ".join(names[active[a]] for a in unbeaten)
                + f" unbeaten; {names[active[first]]} placed first by lot (seed {seed})"
            )
        ranking.append(active[first])
        remaining.remove(first)

    elected = tuple(ranking[:seats])
    head_to_head = {active[a]: int((d[a] > d[:, a]).sum()) for a in range(m)}
    by_paths = {active[a]: int(beats[a].sum()) for a in range(m)}
    pair_notes = tuple(
        f"{names[active[a]]} over {names[active[b]]}: {int(d[a, b])} to {int(d[b, a])}"
        for a in range(m)
        for b in range(a + 1, m)
    )
    path_notes = tuple(
        f"strongest path {names[active[a]]} → {names[active[b]]}: {int(paths[a, b])}, "
        f"back: {int(paths[b, a])}"
        for a in range(m)
        for b in range(a + 1, m)
    )
    rounds = (
        Round(
            number=1,
            action="pairwise preferences (totals: rivals beaten head to head)",
            totals=tuple(Decimal(head_to_head[c]) if c in head_to_head else None for c in range(n)),
            notes=pair_notes,
        ),
        Round(
            number=2,
            action="strongest paths (totals: rivals beaten by strongest path)",
            totals=tuple(Decimal(by_paths[c]) if c in by_paths else None for c in range(n)),
            elected=elected,
            notes=(
                "ranking: " + " > ".join(names[c] for c in ranking),
                *notes,
                *path_notes,
            ),
        ),
    )
    return Count(
        method=_NAME,
        seats=seats,
        candidates=names,
        elected=elected,
        rounds=rounds,
        seed=seed,
        ranking=tuple(ranking),
    )


def pairwise(profile: Profile) -> IntMatrix:
    """``d[a, b]``: the weight of ballots ranking ``a`` strictly above ``b`` (rule 1 above).

    Vectorised over the aggregated rows: for each block of rows, one (rows × n × n) comparison of
    rank levels, summed by a matrix product with the weights.
    """
    n = profile.n_candidates
    ranks = profile.rank_matrix()
    weights = profile.weights
    exact_float = profile.total < EXACT_FLOAT
    d_float = np.zeros(n * n, dtype=np.float64)
    d_int = np.zeros(n * n, dtype=np.int64)
    for start in range(0, len(weights), _BLOCK):
        r = ranks[start : start + _BLOCK]
        above = (r[:, :, None] < r[:, None, :]).reshape(len(r), n * n)
        w = weights[start : start + _BLOCK]
        if exact_float:
            d_float += w.astype(np.float64) @ above.astype(np.float64)
        else:
            d_int += w @ above.astype(np.int64)
    d = np.rint(d_float).astype(np.int64) if exact_float else d_int
    return d.reshape(n, n)


def strongest_paths(d: IntMatrix) -> IntMatrix:
    """``p[a, b]``: the strength of the strongest path from ``a`` to ``b`` (winning votes).

    Floyd–Warshall for widest paths (as in Schulze 2011), one vectorised pass per intermediate
    candidate.
    """
    p = np.where(d > d.T, d, 0).astype(np.int64)
    np.fill_diagonal(p, 0)
    for k in range(len(d)):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
        np.fill_diagonal(p, 0)
    return p


METHOD = Method(
    name=_NAME,
    count=count_schulze,
    summary="Schulze (beatpath, winning votes): a full Condorcet ranking; top N elected.",
    source="Schulze, Social Choice and Welfare 36 (2011); Debian Constitution A.6.",
    equal_rankings=True,
)
