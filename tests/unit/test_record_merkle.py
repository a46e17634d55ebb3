"""The Merkle log against the RFC 6962 / RFC 9162 vectors in tests/data/rfc6962 (see SOURCES.md).

Every vector must come out as upstream says, the ``wantErr`` probes included: a verifier that
accepts one of them would accept a forged proof.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from councils.domain.errors import InvalidCommand
from councils.record.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    consistency_proof,
    consistency_proofs,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    roots_at,
    verify_consistency,
    verify_inclusion,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "rfc6962"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


TREE = _load("tree_8_leaves.json")
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in TREE["leaf_inputs"]]
PROOFS = _load("proofs_8_leaves.json")


def _b64(x: str) -> bytes:
    return base64.b64decode(x)


def _probes(kind: str) -> list[Any]:
    files = sorted((DATA / "testdata" / kind).rglob("*.json"))
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(DATA))) for f in files]


def test_the_vector_folder_is_complete() -> None:
    assert len(list((DATA / "testdata" / "inclusion").rglob("*.json"))) == 98
    assert len(list((DATA / "testdata" / "consistency").rglob("*.json"))) == 98
    assert (DATA / "SOURCES.md").is_file()


@pytest.mark.parametrize("vector", _load("hasher_vectors.json")["vectors"], ids=lambda v: v["desc"])
def test_hasher_vectors(vector: dict[str, str]) -> None:
    want = bytes.fromhex(vector["want"])
    if "left" in vector:
        assert node_hash(bytes.fromhex(vector["left"]), bytes.fromhex(vector["right"])) == want
    elif "leaf_input" in vector:
        assert leaf_hash(bytes.fromhex(vector["leaf_input"])) == want
    else:
        assert root([]) == EMPTY_ROOT == want


def test_every_node_hash_by_level() -> None:
    level = LEAVES
    for want in TREE["node_hashes_by_level"]:
        assert [h.hex() for h in level] == want
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]


@pytest.mark.parametrize("size", range(9))
def test_root_of_every_prefix(size: int) -> None:
    want = bytes.fromhex(TREE["root_hashes_by_tree_size"][str(size)])
    assert root(LEAVES[:size]) == want
    assert MerkleLog.from_leaves(LEAVES[:size]).root() == want
    log = MerkleLog()
    log.extend(LEAVES[:size])
    assert log.root() == want
    assert roots_at(LEAVES, [size])[size] == want


@pytest.mark.parametrize(
    "case", PROOFS["inclusion"], ids=lambda c: f"{c['leaf_index_0based']}@{c['tree_size']}"
)
def test_inclusion_proofs_of_the_8_leaf_tree(case: dict[str, Any]) -> None:
    index, size = case["leaf_index_0based"], case["tree_size"]
    proof = inclusion_proof(LEAVES, index, size)
    assert [p.hex() for p in proof] == case["proof"]
    leaf = leaf_hash(bytes.fromhex(case["leaf_input"]))
    assert verify_inclusion(leaf, index, size, proof, bytes.fromhex(case["root"])).ok


@pytest.mark.parametrize("case", PROOFS["consistency"], ids=lambda c: f"{c['size1']}-{c['size2']}")
def test_consistency_proofs_of_the_8_leaf_tree(case: dict[str, Any]) -> None:
    size1, size2 = case["size1"], case["size2"]
    proof = consistency_proof(LEAVES, size1, size2)
    assert [p.hex() for p in proof] == case["proof"]
    assert consistency_proofs(LEAVES, [(size1, size2)]) == [proof]
    root1, root2 = bytes.fromhex(case["root1"]), bytes.fromhex(case["root2"])
    assert verify_consistency(size1, size2, proof, root1, root2).ok


@pytest.mark.parametrize("probe", _probes("inclusion"))
def test_inclusion_probes(probe: dict[str, Any]) -> None:
    report = verify_inclusion(
        _b64(probe["leafHash"]),
        probe["leafIdx"],
        probe["treeSize"],
        [_b64(p) for p in probe["proof"] or []],
        _b64(probe["root"]),
    )
    assert report.ok is not probe["wantErr"], [str(f) for f in report]
    if not report.ok:
        assert report.failures[0].code in {"record.bad_proof", "record.proof_mismatch"}


@pytest.mark.parametrize("probe", _probes("consistency"))
def test_consistency_probes(probe: dict[str, Any]) -> None:
    report = verify_consistency(
        probe["size1"],
        probe["size2"],
        [_b64(p) for p in probe["proof"] or []],
        _b64(probe["root1"]),
        _b64(probe["root2"]),
    )
    assert report.ok is not probe["wantErr"], [str(f) for f in report]


def test_happy_path_probes_are_what_we_generate() -> None:
    """The probes' happy paths are proofs over the 8-leaf tree: we must produce them too."""
    for f in sorted((DATA / "testdata" / "inclusion").glob("*/happy-path.json")):
        p = json.loads(f.read_text())
        got = inclusion_proof(LEAVES, p["leafIdx"], p["treeSize"])
        assert got == [_b64(x) for x in p["proof"] or []], f
    for f in sorted((DATA / "testdata" / "consistency").glob("*/happy-path.json")):
        p = json.loads(f.read_text())
        got = consistency_proof(LEAVES, p["size1"], p["size2"])
        assert got == [_b64(x) for x in p["proof"] or []], f


def test_append_returns_the_inclusion_proof_of_the_new_leaf() -> None:
    log = MerkleLog()
    for i, leaf in enumerate(LEAVES):
        proof = log.append(leaf)
        assert proof == inclusion_proof(LEAVES, i, i + 1)
        assert verify_inclusion(leaf, i, i + 1, proof, log.root()).ok


def test_the_frontier_restores_the_log() -> None:
    log = MerkleLog.from_leaves(LEAVES[:7])
    again = MerkleLog(log.size, log.frontier)
    again.append(LEAVES[7])
    assert again.root() == root(LEAVES)
    assert len(log.frontier) == 3


def test_a_frontier_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidCommand):
        MerkleLog(3, [LEAVES[0]])
    with pytest.raises(InvalidCommand):
        MerkleLog(1, [b"short"])
    with pytest.raises(InvalidCommand):
        MerkleLog().append(b"short")


@pytest.mark.parametrize(
    ("index", "size"), [(0, 0), (8, 8), (-1, 3), (0, 9)], ids=["empty", "past", "negative", "big"]
)
def test_impossible_inclusion_proofs_are_refused(index: int, size: int) -> None:
    with pytest.raises(InvalidCommand):
        inclusion_proof(LEAVES, index, size)


@pytest.mark.parametrize(("size1", "size2"), [(0, 3), (4, 3), (1, 9)])
def test_impossible_consistency_proofs_are_refused(size1: int, size2: int) -> None:
    with pytest.raises(InvalidCommand):
        consistency_proof(LEAVES, size1, size2)


def test_consistency_proofs_from_zero_and_of_equal_sizes_are_empty() -> None:
    assert consistency_proofs(LEAVES, [(0, 5), (3, 3), (3, 5)]) == [
        [],
        [],
        consistency_proof(LEAVES, 3, 5),
    ]
    assert consistency_proof(LEAVES, 4, 4) == []


def test_a_root_of_a_million_leaves_is_fast() -> None:
    """The log is meant for millions of entries: one level-by-level pass, no recursion."""
    import time

    leaves = [i.to_bytes(32, "big") for i in range(1 << 20)]
    start = time.perf_counter()
    expected = root(leaves)
    spent = time.perf_counter() - start
    log = MerkleLog.from_leaves(leaves)
    assert log.root() == expected
    assert spent < 5, spent


def test_every_proof_of_every_pair_up_to_33_leaves_verifies() -> None:
    leaves = [leaf_hash(i.to_bytes(2, "big")) for i in range(33)]
    roots = roots_at(leaves, range(34))
    for size in range(1, 34):
        for index in range(size):
            proof = inclusion_proof(leaves, index, size)
            assert verify_inclusion(leaves[index], index, size, proof, roots[size]).ok
        for size1 in range(1, size + 1):
            proof = consistency_proof(leaves, size1, size)
            assert verify_consistency(size1, size, proof, roots[size1], roots[size]).ok
