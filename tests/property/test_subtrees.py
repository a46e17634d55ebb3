"""The subtree cache (record/subtrees.py) gives exactly merkle.py's proofs and roots, reading
only a few short ranges, however it was fed (Hypothesis, small block levels)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    root,
    roots_at,
)
from councils.record.subtrees import SubtreeCache

MAX = 3000
LEAVES = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(MAX)]
ROOTS = roots_at(LEAVES, range(MAX + 1))


class Reads:
    """A ``read(start, end)`` over LEAVES that records what was asked."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int) -> Sequence[bytes]:
        assert 0 <= start < end <= self.size, (start, end, self.size)
        self.calls.append((start, end))
        return LEAVES[start:end]


def built(size: int, level: int, pieces: Sequence[int] = ()) -> SubtreeCache:
    cache = SubtreeCache(level)
    at = 0
    for piece in pieces:
        cache.extend(LEAVES[at : min(at + piece, size)])
        at = min(at + piece, size)
    cache.extend(LEAVES[at:size])
    assert cache.size == size
    return cache


FULL = {level: built(MAX, level) for level in (1, 2, 3, 4)}


def _reads_are_few_and_short(reads: Reads, level: int) -> None:
    assert len(reads.calls) <= 4, reads.calls
    assert all(end - start <= 1 << level for start, end in reads.calls), reads.calls


@pytest.mark.parametrize("level", [1, 2, 3])
def test_every_proof_of_small_trees_equals_merkles(level: int) -> None:
    for n in range(1, 70):
        cache = built(n, level)
        leaves = LEAVES[:n]
        reads = Reads(n)
        assert cache.root(n, reads) == ROOTS[n]
        for m in range(1, n + 1):
            reads = Reads(n)
            assert cache.consistency_proof(m, n, reads) == consistency_proof(leaves, m, n)
            _reads_are_few_and_short(reads, level)
            reads = Reads(n)
            assert cache.inclusion_proof(m - 1, n, reads) == inclusion_proof(leaves, m - 1, n)
            _reads_are_few_and_short(reads, level)
            assert cache.root(m, Reads(n)) == ROOTS[m]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_proofs_from_the_cache_equal_merkles_for_any_sizes(data: st.DataObject) -> None:
    level = data.draw(st.sampled_from([1, 2, 3, 4]), "level")
    n = data.draw(st.integers(1, MAX), "n")
    m = data.draw(st.integers(1, n), "m")
    index = data.draw(st.integers(0, n - 1), "index")
    # a cache fed exactly n leaves (blocks pending) and one fed more than the tree asked for
    for cache in (built(n, level), FULL[level]):
        reads = Reads(n)
        assert cache.consistency_proof(m, n, reads) == consistency_proof(LEAVES[:n], m, n)
        _reads_are_few_and_short(reads, level)
        reads = Reads(n)
        assert cache.inclusion_proof(index, n, reads) == inclusion_proof(LEAVES[:n], index, n)
        _reads_are_few_and_short(reads, level)
        reads = Reads(n)
        assert cache.root(n, reads) == ROOTS[n]
        assert len(reads.calls) <= 1


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(0, MAX),
    st.lists(st.integers(0, 300), max_size=30),
)
def test_extending_in_pieces_equals_building_at_once(
    level: int, size: int, pieces: list[int]
) -> None:
    once, bit_by_bit = built(size, level), built(size, level, pieces)
    assert once.size == bit_by_bit.size == size
    assert once._levels == bit_by_bit._levels and once._pending == bit_by_bit._pending
    assert bit_by_bit.root(size, Reads(size)) == ROOTS[size]
    # about two hashes per block: the cache stays small
    assert once.cached <= 2 * (size >> level)


def test_the_cache_refuses_what_it_cannot_answer() -> None:
    cache = built(10, 2)
    assert cache.root(0, Reads(10)) == EMPTY_ROOT
    assert cache.consistency_proof(10, 10, Reads(10)) == []
    with pytest.raises(InvalidCommand):
        cache.consistency_proof(3, 11, Reads(11))
    with pytest.raises(InvalidCommand):
        cache.consistency_proof(0, 5, Reads(10))
    with pytest.raises(InvalidCommand):
        cache.inclusion_proof(10, 10, Reads(10))
    with pytest.raises(InvalidCommand):
        cache.root(11, Reads(11))
    with pytest.raises(InvalidCommand):
        cache.extend([b"short"])
    with pytest.raises(InvalidCommand):
        SubtreeCache(0)
    with pytest.raises(RecordCorrupt):  # a read that comes back short is not hashed as if whole
        cache.consistency_proof(3, 10, lambda start, end: LEAVES[start : end - 1])
    assert root(LEAVES[:10]) == ROOTS[10]
