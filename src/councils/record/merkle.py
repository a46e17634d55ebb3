"""The Merkle log of the record: RFC 9162 §2.1 hashing, proofs, and an incremental frontier.

* leaf hash ``SHA-256(0x00 ‖ entry)``, node hash ``SHA-256(0x01 ‖ left ‖ right)`` (§2.1.1);
  the distinct prefixes stop a leaf from passing for a node (second-preimage attacks);
* the root ``MTH(D[n])`` of ``n`` leaves splits at the largest power of two below ``n``
  (§2.1.1); the empty tree's root is ``SHA-256("")``;
* inclusion proofs ``PATH(m, D[n])`` (§2.1.3) and consistency proofs ``PROOF(m, D[n])``
  (§2.1.4), generated and verified exactly as the RFC's algorithms do, with the edge rules of
  the transparency-dev verifier that tests/data/rfc6962 encodes (a proof of the wrong length is
  an error; a consistency proof from the empty tree is meaningless and refused).

Speed. A verifier recomputes the root of millions of leaves, so nothing here recurses per node:
every root or proof is assembled from *perfect subtrees* (``2**k`` leaves starting at a multiple
of ``2**k``), and all the perfect subtrees one computation needs are hashed in a single pass
that pairs a level's hashes into the next, level by level (a list comprehension over
``hashlib``: about 0.35 s for a root of 2**20 leaves). :class:`MerkleLog` keeps only the
frontier (the perfect subtrees whose sizes are the binary digits of the log's size), so the
service appends one leaf in O(1) amortised hashes, reads the root in O(log n), and persists
``size`` and ``frontier``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record.report import Report

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleLog",
    "consistency_proof",
    "consistency_proofs",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_inclusion_proof",
    "roots_at",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256
HASH_SIZE = 32
#: MTH({}) = SHA-256() — the root of the empty tree (RFC 9162 §2.1.1).
EMPTY_ROOT = _sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 ‖ entry)``: the hash of one leaf (RFC 9162 §2.1.1)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 ‖ left ‖ right)``: the hash of an interior node (RFC 9162 §2.1.1)."""
    return _sha256(b"\x01" + left + right).digest()


def _largest_power_below(n: int) -> int:
    """The ``k`` of RFC 9162 §2.1.1: the largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_parts(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees ``(level, index)`` that make up ``D[start:end]``, left to right.

    ``D[start:end]`` must be a subtree that RFC 9162's recursion can reach: ``start`` a multiple
    of a power of two at least ``end - start``. Its MTH is then the right-to-left fold of these
    parts with :func:`node_hash`, because each split point ``k`` of §2.1.1 falls on a part edge.
    """
    parts = []
    while start < end:
        level = (end - start).bit_length() - 1
        parts.append((level, start >> level))
        start += 1 << level
    return parts


def _fold(parts: Sequence[bytes]) -> bytes:
    """``node(p0, node(p1, ... node(p[-2], p[-1])))``: a subtree's root from its perfect parts."""
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = _sha256(b"\x01" + part + acc).digest()
    return acc


def _perfect_hashes(
    leaves: Sequence[bytes], wanted: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """The hashes of the wanted perfect subtrees ``(level, index)``, in one level-by-level pass.

    Level ``k + 1`` is computed only as far as the highest index wanted at or above it needs,
    so a root of ``n`` leaves costs ``n - 1`` node hashes and no recursion.
    """
    want = sorted(set(wanted))
    if not want:
        return {}
    top = max(level for level, _ in want)
    # reach[k]: how many hashes of level k the pass must compute.
    reach = [0] * (top + 1)
    for level, index in want:
        reach[level] = max(reach[level], index + 1)
    for level in range(top, 0, -1):
        reach[level - 1] = max(reach[level - 1], 2 * reach[level])
    if reach[0] > len(leaves):
        raise InvalidCommand(
            "record.tree_too_small", f"the tree has {len(leaves)} leaves, not {reach[0]}"
        )
    by_level: dict[int, list[int]] = {}
    for level, index in want:
        by_level.setdefault(level, []).append(index)
    found: dict[tuple[int, int], bytes] = {}
    current: Sequence[bytes] = leaves
    for level in range(top + 1):
        for index in by_level.get(level, ()):
            found[(level, index)] = current[index]
        if level == top:
            break
        pairs = iter(current[: reach[level + 1] * 2])
        current = [
            _sha256(b"\x01" + left + right).digest()
            for left, right in zip(pairs, pairs, strict=False)
        ]
    return found


def _subtree_roots(leaves: Sequence[bytes], ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """MTH of each ``D[start:end]`` (each a subtree RFC 9162's recursion reaches)."""
    parts = [_perfect_parts(start, end) for start, end in ranges]
    hashes = _perfect_hashes(leaves, (p for ps in parts for p in ps))
    return [_fold([hashes[p] for p in ps]) for ps in parts]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of these leaf hashes (RFC 9162 §2.1.1); ``EMPTY_ROOT`` for none."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return _subtree_roots(leaf_hashes, [(0, len(leaf_hashes))])[0]


def roots_at(leaf_hashes: Sequence[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """The root of the first ``size`` leaves for each size, all in one pass over the leaves.

    This is how a verifier checks many signed tree heads against one list of entries without
    rehashing the list once per head.
    """
    wanted = sorted(set(sizes))
    for size in wanted:
        if not 0 <= size <= len(leaf_hashes):
            raise InvalidCommand(
                "record.tree_too_small", f"the tree has {len(leaf_hashes)} leaves, not {size}"
            )
    nonempty = [s for s in wanted if s]
    found = dict(
        zip(nonempty, _subtree_roots(leaf_hashes, [(0, s) for s in nonempty]), strict=True)
    )
    if 0 in wanted:
        found[0] = EMPTY_ROOT
    return found


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The subtrees whose roots form PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf upward."""
    ranges = []
    start, end = 0, size
    while end - start > 1:
        k = _largest_power_below(end - start)
        if index - start < k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def inclusion_proof(
    leaf_hashes: Sequence[bytes], index: int, size: int | None = None
) -> list[bytes]:
    """PATH(index, D[size]): the audit path of leaf ``index`` in the tree of the first ``size``
    leaves (default: all of them), RFC 9162 §2.1.3.1, nearest sibling first."""
    size = len(leaf_hashes) if size is None else size
    if not 0 <= index < size <= len(leaf_hashes):
        raise InvalidCommand(
            "record.bad_proof_request",
            f"no leaf {index} in a tree of {size} (the log has {len(leaf_hashes)} leaves)",
            {"index": index, "size": size},
        )
    return _subtree_roots(leaf_hashes, _inclusion_ranges(index, size))


def _consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """The subtrees whose roots form PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1), in order."""
    ranges = []
    start, end, complete = 0, size2, True
    while True:
        m = size1 - start
        if m == end - start:
            if not complete:
                ranges.append((start, end))
            break
        k = _largest_power_below(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            complete = False
    ranges.reverse()
    return ranges


def consistency_proof(
    leaf_hashes: Sequence[bytes], size1: int, size2: int | None = None
) -> list[bytes]:
    """PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1): shows the tree of ``size1`` leaves is a prefix
    of the tree of ``size2`` (default: all leaves). Empty when the sizes are equal."""
    size2 = len(leaf_hashes) if size2 is None else size2
    if not 0 < size1 <= size2 <= len(leaf_hashes):
        raise InvalidCommand(
            "record.bad_proof_request",
            f"no consistency proof from {size1} to {size2} (the log has {len(leaf_hashes)} leaves)",
            {"size1": size1, "size2": size2},
        )
    if size1 == size2:
        return []
    return _subtree_roots(leaf_hashes, _consistency_ranges(size1, size2))


def consistency_proofs(
    leaf_hashes: Sequence[bytes], pairs: Sequence[tuple[int, int]]
) -> list[list[bytes]]:
    """:func:`consistency_proof` for many ``(size1, size2)`` pairs in one pass over the leaves
    (an export ties every signed head to the one before). A pair from size 0 gets ``[]``:
    every tree extends the empty one, and RFC 9162 defines no proof for it."""
    wanted: list[list[tuple[int, int]]] = []
    for size1, size2 in pairs:
        if not 0 <= size1 <= size2 <= len(leaf_hashes):
            raise InvalidCommand(
                "record.bad_proof_request",
                f"no consistency proof from {size1} to {size2} "
                f"(the log has {len(leaf_hashes)} leaves)",
                {"size1": size1, "size2": size2},
            )
        wanted.append(_consistency_ranges(size1, size2) if 0 < size1 < size2 else [])
    parts = [[_perfect_parts(a, b) for a, b in ranges] for ranges in wanted]
    hashes = _perfect_hashes(leaf_hashes, (p for ps in parts for pp in ps for p in pp))
    return [[_fold([hashes[p] for p in pp]) for pp in ps] for ps in parts]


def _inclusion_proof_length(index: int, size: int) -> int:
    return len(_inclusion_ranges(index, size))


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` yields for ``leaf`` at ``index`` in a tree of ``size`` leaves.

    RFC 9162 §2.1.3.2 steps 1–6 (everything but the final comparison with the root). Raises
    :class:`RecordCorrupt` (``record.bad_proof``) when the proof cannot be right for those
    numbers: index outside the tree, leaf or proof hash not 32 bytes, proof of the wrong length.
    """

    def bad(reason: str) -> RecordCorrupt:
        return RecordCorrupt("record.bad_proof", f"inclusion proof: {reason}", {"reason": reason})

    if not 0 <= index < size:
        raise bad(f"leaf index {index} is not in a tree of size {size}")
    if len(leaf) != HASH_SIZE:
        raise bad(f"the leaf hash has {len(leaf)} bytes, not {HASH_SIZE}")
    if any(len(p) != HASH_SIZE for p in proof):
        raise bad(f"a proof hash is not {HASH_SIZE} bytes")
    expected = _inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise bad(f"{len(proof)} hashes where a tree of size {size} needs {expected}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:  # unreachable after the length check; kept as RFC 9162 §2.1.3.2 step 5.1
            raise bad("the proof is too long")
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise bad("the proof is too short")
    return r


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> Report:
    """Check that ``leaf`` is leaf ``index`` of the tree of ``size`` leaves whose root is
    ``root_hash`` (RFC 9162 §2.1.3.2)."""
    report = Report()
    where = f"inclusion of leaf {index} in tree of size {size}"
    try:
        computed = root_from_inclusion_proof(leaf, index, size, proof)
    except RecordCorrupt as err:
        report.fail("record.bad_proof", err.message, where, index)
        return report
    if computed != root_hash:
        report.fail("record.proof_mismatch", "the proof does not lead to the root", where, index)
    return report


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> Report:
    """Check that the tree of ``size1`` leaves with root ``root1`` is a prefix of the tree of
    ``size2`` leaves with root ``root2`` (RFC 9162 §2.1.4.2).

    Edge rules (those of transparency-dev's verifier, which tests/data/rfc6962 encodes):
    ``size2 < size1`` fails; ``size1 == 0`` fails, even 0 → 0, since every tree extends the
    empty one and such a "proof" shows nothing; equal sizes need an empty proof and equal roots.
    """
    report = Report()
    where = f"consistency of tree size {size1} with tree size {size2}"

    def fail(what: str, code: str = "record.bad_proof") -> Report:
        report.fail(code, what, where)
        return report

    if size2 < size1:
        return fail(f"the second tree ({size2}) is smaller than the first ({size1})")
    if size1 == 0:
        return fail("a consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if proof:
            return fail("trees of equal size need an empty proof")
        if root1 != root2:
            return fail("two trees of the same size have different roots", "record.fork")
        return report
    if not proof:
        return fail("the proof is empty")
    if any(len(p) != HASH_SIZE for p in proof):
        return fail(f"a proof hash is not {HASH_SIZE} bytes")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: size1 is an exact power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return fail("the proof is too long")
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return fail("the proof is too short")
    if fr != root1:
        return fail("the proof does not lead to the first root", "record.proof_mismatch")
    if sr != root2:
        return fail("the proof does not lead to the second root", "record.proof_mismatch")
    return report


class MerkleLog:
    """An append-only Merkle log held as its frontier: O(log n) state, cheap appends.

    The frontier is the list of perfect-subtree roots whose sizes are the binary digits of
    ``size``, largest (leftmost) first; MTH of the whole log is their right-to-left fold
    (RFC 9162 §2.1.1 splits at exactly those boundaries). Appending a leaf merges equal-sized
    subtrees like a binary counter carries. The service persists ``size`` and ``frontier`` and
    restores them with ``MerkleLog(size, frontier)``.
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self, size: int = 0, frontier: Iterable[bytes] = ()) -> None:
        hashes = list(frontier)
        if size < 0 or len(hashes) != size.bit_count():
            raise InvalidCommand(
                "record.bad_frontier",
                f"a log of size {size} has {max(size, 0).bit_count()} frontier hashes, "
                f"not {len(hashes)}",
            )
        if any(len(h) != HASH_SIZE for h in hashes):
            raise InvalidCommand("record.bad_frontier", "frontier hashes are 32 bytes")
        self._size = size
        self._frontier = hashes

    @classmethod
    def from_leaves(cls, leaf_hashes: Sequence[bytes]) -> MerkleLog:
        """The log holding these leaves, its frontier computed in one pass."""
        parts = _perfect_parts(0, len(leaf_hashes))
        hashes = _perfect_hashes(leaf_hashes, parts)
        return cls(len(leaf_hashes), [hashes[p] for p in parts])

    @property
    def size(self) -> int:
        """How many leaves the log holds."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The roots of the perfect subtrees that make up the log, largest first."""
        return tuple(self._frontier)

    def root(self) -> bytes:
        """MTH of the whole log (RFC 9162 §2.1.1), in ``popcount(size) - 1`` node hashes."""
        return _fold(self._frontier) if self._frontier else EMPTY_ROOT

    def append(self, leaf: bytes) -> list[bytes]:
        """Append one leaf hash; return its inclusion proof in the log of the new size.

        That proof is the old frontier read smallest first: the leaf's left siblings on its way
        up are exactly the perfect subtrees already in the log (RFC 9162 §2.1.3.1 for
        ``m = n - 1``). So a voter's receipt costs nothing beyond the append.
        """
        if len(leaf) != HASH_SIZE:
            raise InvalidCommand("record.bad_leaf", f"a leaf hash is {HASH_SIZE} bytes")
        proof = self._frontier[::-1]
        carry, size = leaf, self._size
        while size & 1:
            carry = _sha256(b"\x01" + self._frontier.pop() + carry).digest()
            size >>= 1
        self._frontier.append(carry)
        self._size += 1
        return proof

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append many leaf hashes."""
        for leaf in leaves:
            self.append(leaf)
