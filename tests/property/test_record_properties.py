"""Properties of the Merkle log and the canonical encoding, over random logs (Hypothesis)."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from councils.record import canonical
from councils.record.export import ENTRIES, export_files, verify_export
from councils.record.heads import TreeHead, public_key_of
from councils.record.merkle import (
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

KEY = bytes(range(32))
PUB = public_key_of(KEY)


def leaves_of(n: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, written as the RFC's recursion (slow, for comparison only)."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


sizes = st.integers(min_value=1, max_value=130)


@given(sizes)
def test_batch_and_incremental_roots_agree_with_the_rfc_recursion(n: int) -> None:
    leaves = leaves_of(n)
    log = MerkleLog()
    for i, leaf in enumerate(leaves):
        proof = log.append(leaf)
        assert log.root() == reference_root(leaves[: i + 1])
        assert proof == inclusion_proof(leaves, i, i + 1)
    assert root(leaves) == reference_root(leaves) == MerkleLog.from_leaves(leaves).root()
    restored = MerkleLog(log.size, log.frontier)
    assert restored.root() == log.root()


@given(st.data(), sizes)
def test_every_inclusion_proof_verifies_and_no_mutation_does(data: st.DataObject, n: int) -> None:
    leaves = leaves_of(n)
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    top = root(leaves[:size])
    proof = inclusion_proof(leaves, index, size)
    assert verify_inclusion(leaves[index], index, size, proof, top).ok
    # any other index, size, leaf, root, or any changed proof hash fails
    other = data.draw(st.integers(0, size - 1).filter(lambda i: leaves[i] != leaves[index]))
    if other != index:
        assert not verify_inclusion(leaves[index], other, size, proof, top).ok
    assert not verify_inclusion(leaf_hash(b"x"), index, size, proof, top).ok
    assert not verify_inclusion(leaves[index], index, size, proof, leaf_hash(b"x")).ok
    if size < n:
        assert not verify_inclusion(
            leaves[index], index, size + 1, proof, root(leaves[: size + 1])
        ).ok
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1), label="hash")
        bit = data.draw(st.integers(0, 255), label="bit")
        bad = list(proof)
        bad[k] = bytes(b ^ (1 << (bit % 8)) if j == bit // 8 else b for j, b in enumerate(bad[k]))
        assert not verify_inclusion(leaves[index], index, size, bad, top).ok
        assert not verify_inclusion(leaves[index], index, size, proof[:-1], top).ok
        assert not verify_inclusion(leaves[index], index, size, [*proof, proof[0]], top).ok


@given(st.data(), sizes)
def test_every_consistency_proof_verifies_and_no_mutation_does(data: st.DataObject, n: int) -> None:
    leaves = leaves_of(n)
    size2 = data.draw(st.integers(1, n), label="size2")
    size1 = data.draw(st.integers(1, size2), label="size1")
    r1, r2 = root(leaves[:size1]), root(leaves[:size2])
    proof = consistency_proof(leaves, size1, size2)
    assert verify_consistency(size1, size2, proof, r1, r2).ok
    assert not verify_consistency(size1, size2, proof, leaf_hash(b"x"), r2).ok
    assert not verify_consistency(size1, size2, proof, r1, leaf_hash(b"x")).ok
    if size1 < size2:
        forked = [*leaves[: size1 - 1], leaf_hash(b"x"), *leaves[size1:size2]]
        assert not verify_consistency(size1, size2, proof, r1, root(forked)).ok
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1), label="hash")
        bad = list(proof)
        bad[k] = bytes([bad[k][0] ^ 1]) + bad[k][1:]
        assert not verify_consistency(size1, size2, bad, r1, r2).ok
        assert not verify_consistency(size1, size2, proof[1:], r1, r2).ok


json_values = st.recursive(
    st.text(max_size=8) | st.integers(-(2**63) + 1, 2**63 - 1),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
entries = st.builds(
    lambda fields, kind, v: {**fields, "type": kind, "v": v},
    st.dictionaries(st.text(max_size=6), json_values, max_size=5),
    st.from_regex(r"[a-z]{1,6}\.[a-z]{1,6}", fullmatch=True),
    st.integers(1, 5),
)


@given(entries)
def test_encode_decode_round_trip_and_only_one_spelling(entry: dict[str, object]) -> None:
    data = canonical.encode(entry)
    assert canonical.decode(data) == entry
    assert canonical.encode(canonical.decode(data)) == data
    assert b"\n" not in data


@settings(max_examples=60, deadline=None)
@given(st.data(), st.integers(2, 40))
def test_any_mutation_of_an_export_is_detected_and_located(data: st.DataObject, n: int) -> None:
    log = [canonical.encode({"type": "x.y", "v": 1, "i": i}) for i in range(n)]
    hashes = [leaf_hash(e) for e in log]
    cut = data.draw(st.integers(1, n), label="cut")
    heads = [TreeHead("l", s, root(hashes[:s]), s).sign(KEY) for s in sorted({cut, n})]
    files = export_files(log, heads, PUB)
    assert verify_export(files).ok
    kind = data.draw(st.sampled_from(["flip", "delete", "insert", "swap"]), label="kind")
    i = data.draw(st.integers(0, n - 1), label="i")
    changed = list(log)
    if kind == "flip":
        pos = data.draw(st.integers(0, len(log[i]) - 1), label="pos")
        entry = bytearray(log[i])
        entry[pos] ^= 1 << data.draw(st.integers(0, 6), label="bit")
        if b"\n" in entry:
            return
        changed[i] = bytes(entry)
    elif kind == "delete":
        del changed[i]
    elif kind == "insert":
        changed.insert(i, canonical.encode({"type": "x.y", "v": 1, "i": -1}))
    else:
        j = data.draw(st.integers(0, n - 1).filter(lambda j: j != i), label="j")
        changed[i], changed[j] = changed[j], changed[i]
        i = min(i, j)
    report = verify_export({**files, ENTRIES: b"".join(e + b"\n" for e in changed)})
    assert not report.ok
    assert report.indices()[0] == i, [str(f) for f in report]
