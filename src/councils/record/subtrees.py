"""Proofs over a long log in O(log n) reads: a cache of the log's large perfect subtrees.

:func:`councils.record.merkle.consistency_proof` hashes every leaf of the tree to answer one
proof; that is right for a verifier, who checks the whole record once, but not for a public
page that answers each visitor's receipt: at a million members the record holds ~1.8M entries,
57 MB of leaf hashes to read and ~1.8M SHA-256 per request.

Every RFC 9162 proof hash is the fold of a few *perfect subtrees* (``2**level`` leaves starting
at a multiple of ``2**level``; see ``merkle._perfect_parts``), and the perfect subtrees of an
append-only log never change once complete. :class:`SubtreeCache` keeps the hashes of the
complete ones at levels ``>= K`` (one hash per ``2**K`` leaves, plus half as many one level up,
and so on: about ``2 * n / 2**K`` hashes in all) and grows with the log. A proof then takes its
large parts from the cache and hashes only the small ones (levels ``< K``), which lie within a
few aligned blocks of ``2**K`` leaves (one at each end of the ranges the proof
touches), read through a ``read(start, end)`` callback: O(log n) node hashes and a few short
reads per proof. The proofs are exactly those of :mod:`councils.record.merkle`
(tests/property/test_subtrees.py checks that for every size up to a few thousand).

Pure: no I/O, no clock. The caller owns the leaves and says where to read them; what the cache
holds is only as good as the leaves it was fed, which is why the record page checks the root it
yields against the signed tree head before trusting it (web/record_check.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    _consistency_ranges,
    _fold,
    _inclusion_ranges,
    _perfect_hashes,
    _perfect_parts,
    node_hash,
    root,
)

__all__ = ["DEFAULT_LEVEL", "ReadLeaves", "SubtreeCache"]

#: ``read(start, end)``: the leaf hashes ``D[start:end]`` of the log, in order.
ReadLeaves = Callable[[int, int], Sequence[bytes]]

#: One cached hash per 256 leaves: ~14,000 hashes in all (440 KiB) at 1.8M entries, and a few
#: reads of at most 256 leaves per proof. Measured at 1M entries (bench/receipt_check.py): a
#: warm check takes ~1 ms at K = 8, ~2.5 ms at K = 10 (the reads and hashing of the small parts
#: dominate), ~0.5 ms at K = 6 for four times the memory of K = 8.
DEFAULT_LEVEL = 8


class SubtreeCache:
    """The hashes of a log's complete perfect subtrees at levels ``>= level``, append-only.

    ``extend`` feeds it the log's leaf hashes from its current :attr:`size` on; it keeps the
    fewer than ``2**level`` leaves past the last complete block until the block fills. Proofs
    and roots may be asked for any tree size up to :attr:`size`.
    """

    __slots__ = ("_block", "_level", "_levels", "_pending")

    def __init__(self, level: int = DEFAULT_LEVEL) -> None:
        if level < 1:
            raise InvalidCommand("record.bad_cache_level", "the cache level is at least 1")
        self._level = level
        self._block = 1 << level
        # _levels[j][i]: the hash of leaves [i * 2**(level+j), (i+1) * 2**(level+j)).
        self._levels: list[list[bytes]] = [[]]
        self._pending: list[bytes] = []

    @property
    def level(self) -> int:
        """``K``: the lowest level kept (blocks of ``2**K`` leaves)."""
        return self._level

    @property
    def size(self) -> int:
        """How many leaves the cache has been fed."""
        return len(self._levels[0]) * self._block + len(self._pending)

    @property
    def cached(self) -> int:
        """How many hashes the cache holds (all levels, the pending leaves not counted)."""
        return sum(len(hashes) for hashes in self._levels)

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes (those of the log from :attr:`size` on), a block at a time."""
        it = iter(leaf_hashes)
        while True:
            chunk = list(islice(it, self._block - len(self._pending)))
            if not chunk:
                return
            if any(len(h) != HASH_SIZE for h in chunk):
                raise InvalidCommand("record.bad_leaf", f"a leaf hash is {HASH_SIZE} bytes")
            self._pending.extend(chunk)
            if len(self._pending) == self._block:
                self._push(root(self._pending))
                self._pending = []

    def _push(self, block: bytes) -> None:
        """Add a complete block's hash and every perfect subtree it completes above it."""
        levels = self._levels
        levels[0].append(block)
        j = 0
        while len(levels[j]) % 2 == 0:
            parent = node_hash(levels[j][-2], levels[j][-1])
            if j + 1 == len(levels):
                levels.append([])
            levels[j + 1].append(parent)
            j += 1

    def root(self, size: int, read: ReadLeaves) -> bytes:
        """MTH(D[size]) (RFC 9162 §2.1.1) for ``size <= self.size``."""
        self._check_size(size)
        if size == 0:
            return EMPTY_ROOT
        return self._roots([(0, size)], read)[0]

    def consistency_proof(self, size1: int, size2: int, read: ReadLeaves) -> list[bytes]:
        """PROOF(size1, D[size2]), equal to :func:`merkle.consistency_proof` of the log's first
        ``size2`` leaves; empty when the sizes are equal."""
        if not 0 < size1 <= size2 <= self.size:
            raise InvalidCommand(
                "record.bad_proof_request",
                f"no consistency proof from {size1} to {size2} (the cache has {self.size} leaves)",
                {"size1": size1, "size2": size2},
            )
        if size1 == size2:
            return []
        return self._roots(_consistency_ranges(size1, size2), read)

    def inclusion_proof(self, index: int, size: int, read: ReadLeaves) -> list[bytes]:
        """PATH(index, D[size]), equal to :func:`merkle.inclusion_proof`."""
        if not 0 <= index < size <= self.size:
            raise InvalidCommand(
                "record.bad_proof_request",
                f"no leaf {index} in a tree of {size} (the cache has {self.size} leaves)",
                {"index": index, "size": size},
            )
        return self._roots(_inclusion_ranges(index, size), read)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise InvalidCommand(
                "record.tree_too_small", f"the cache has {self.size} leaves, not {size}"
            )

    def _roots(self, ranges: Sequence[tuple[int, int]], read: ReadLeaves) -> list[bytes]:
        """MTH of each ``D[start:end]``: large parts from the cache, small ones read and hashed.

        A perfect part at level ``>= K`` inside ``[0, size)`` ends on a block boundary at or
        below ``size``, so it is complete and cached. A part below ``K`` lies inside one aligned
        block; for each such block one read covers the span of the parts wanted in it.
        """
        parts = [_perfect_parts(start, end) for start, end in ranges]
        small: dict[int, list[tuple[int, int]]] = {}
        for level, index in (p for ps in parts for p in ps):
            if level < self._level:
                block = (index << level) >> self._level
                small.setdefault(block, []).append((level, index))
        hashes: dict[tuple[int, int], bytes] = {}
        for wanted in small.values():
            # Start the read on a multiple of the largest part wanted (inside the same block), so
            # every part keeps its alignment relative to the read's first leaf.
            top = max(level for level, _ in wanted)
            lo = (min(index << level for level, index in wanted) >> top) << top
            hi = max((index + 1) << level for level, index in wanted)
            leaves = read(lo, hi)
            if len(leaves) != hi - lo:
                raise RecordCorrupt(
                    "record.short_read",
                    f"asked for leaves {lo} to {hi}, got {len(leaves)}",
                    {"start": lo, "end": hi},
                )
            local = _perfect_hashes(
                leaves, [(level, index - (lo >> level)) for level, index in wanted]
            )
            for level, index in wanted:
                hashes[(level, index)] = local[(level, index - (lo >> level))]
        for level, index in (p for ps in parts for p in ps):
            if level >= self._level:
                hashes[(level, index)] = self._levels[level - self._level][index]
        return [_fold([hashes[p] for p in ps]) for ps in parts]
