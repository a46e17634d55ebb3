"""docs/record-format.md: its test vectors are exactly what the code produces.

The page is meant to be enough for anyone to write their own verifier, so every vector on it is
parsed here and recomputed; a change to the format that is not made on the page (or the other
way round) fails.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from councils.domain.errors import RecordCorrupt
from councils.record import canonical
from councils.record.export import FILES, README, export_files, verify_export
from councils.record.heads import SignedTreeHead, TreeHead, public_key_of
from councils.record.lots import lot_seed
from councils.record.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from councils.record.receipt import Receipt, verify_receipt

DOC = Path(__file__).resolve().parents[2] / "docs" / "record-format.md"
TEXT = DOC.read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)(?: (\S+))?\n(.*?)^```$", re.S | re.M)


def _blocks(kind: str) -> list[tuple[str, str]]:
    return [(m[2] or "", m[3]) for m in FENCE.finditer(TEXT) if m[1] == kind]


def _vectors() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for _, body in _blocks("vector"):
        fields = dict(line.split(": ", 1) for line in body.splitlines())
        assert fields["name"] not in found, fields["name"]
        found[fields["name"]] = fields
    return found


VECTORS = _vectors()
LOG = [line.encode() for line in dict(_blocks("jsonl"))["example-log"].splitlines()]
LEAVES = [leaf_hash(e) for e in LOG]


def named(prefix: str) -> list[dict[str, str]]:
    return [v for name, v in VECTORS.items() if name.startswith(prefix)]


def proof(v: dict[str, str], key: str = "proof") -> list[bytes]:
    return [bytes.fromhex(v[k]) for k in sorted(v, key=_natural) if re.fullmatch(rf"{key}_\d+", k)]


def _natural(key: str) -> tuple[str, int]:
    head, _, tail = key.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (key, -1)


def test_the_page_has_every_kind_of_vector() -> None:
    for prefix, least in [
        ("canonical/", 5),
        ("refused/", 20),
        ("hash/", 3),
        ("tree/", 10),
        ("head/", 2),
        ("receipt/", 1),
        ("lot/", 2),
    ]:
        assert len(named(prefix)) >= least, prefix
    assert len(LOG) == 7


@pytest.mark.parametrize("v", named("canonical/"), ids=lambda v: v["name"])
def test_canonical_vectors(v: dict[str, str]) -> None:
    data = canonical.encode(json.loads(v["input"]))
    assert data.hex() == v["canonical_hex"]
    if "canonical" in v:
        assert data.decode() == v["canonical"]
    assert leaf_hash(data).hex() == v["leaf_hash"]
    assert canonical.decode(data) == json.loads(v["input"])


@pytest.mark.parametrize("v", named("refused/"), ids=lambda v: v["name"])
def test_refused_vectors(v: dict[str, str]) -> None:
    with pytest.raises(RecordCorrupt):
        canonical.decode(bytes.fromhex(v["input_hex"]))


def test_hash_vectors() -> None:
    assert VECTORS["hash/empty-tree"]["root"] == EMPTY_ROOT.hex() == root([]).hex()
    leaf = VECTORS["hash/leaf"]
    assert leaf_hash(bytes.fromhex(leaf["entry_hex"])).hex() == leaf["leaf_hash"]
    node = VECTORS["hash/node"]
    left, right = bytes.fromhex(node["left"]), bytes.fromhex(node["right"])
    assert node_hash(left, right).hex() == node["node_hash"]


def test_the_example_log_is_canonical_and_its_tree_is_as_listed() -> None:
    assert [canonical.encode(canonical.decode(e)) for e in LOG] == LOG
    hashes = VECTORS["tree/leaf-hashes"]
    assert [h.hex() for h in LEAVES] == [hashes[f"leaf_{i}"] for i in range(len(LOG))]
    roots = VECTORS["tree/roots"]
    assert [root(LEAVES[:n]).hex() for n in range(len(LOG) + 1)] == [
        roots[f"root_{n}"] for n in range(len(LOG) + 1)
    ]


@pytest.mark.parametrize("v", named("tree/inclusion-"), ids=lambda v: v["name"])
def test_inclusion_vectors(v: dict[str, str]) -> None:
    index, size = int(v["index"]), int(v["size"])
    assert LEAVES[index].hex() == v["leaf_hash"]
    assert root(LEAVES[:size]).hex() == v["root"]
    assert inclusion_proof(LEAVES, index, size) == proof(v)
    assert verify_inclusion(LEAVES[index], index, size, proof(v), bytes.fromhex(v["root"])).ok


@pytest.mark.parametrize("v", named("tree/consistency-"), ids=lambda v: v["name"])
def test_consistency_vectors(v: dict[str, str]) -> None:
    size1, size2 = int(v["size1"]), int(v["size2"])
    assert root(LEAVES[:size1]).hex() == v["root1"]
    assert root(LEAVES[:size2]).hex() == v["root2"]
    assert consistency_proof(LEAVES, size1, size2) == proof(v)
    r1, r2 = bytes.fromhex(v["root1"]), bytes.fromhex(v["root2"])
    assert verify_consistency(size1, size2, proof(v), r1, r2).ok


@pytest.mark.parametrize("v", named("head/"), ids=lambda v: v["name"])
def test_head_vectors(v: dict[str, str]) -> None:
    key = bytes.fromhex(v["private_key"])
    assert public_key_of(key).hex() == v["public_key"]
    size = int(v["size"])
    assert root(LEAVES[:size]).hex() == v["root"]
    head = TreeHead(v["log"], size, bytes.fromhex(v["root"]), int(v["timestamp"]))
    assert head.signing_input().decode() == v["signing_input"]
    signed = head.sign(key)
    assert signed.signature.hex() == v["signature"]
    assert signed.to_json().decode() == v["published"]
    parsed = SignedTreeHead.from_json(v["published"].encode())
    assert parsed.verify(bytes.fromhex(v["public_key"])).ok


def test_receipt_vector() -> None:
    v = VECTORS["receipt/entry-4"]
    receipt = Receipt.from_json(v["receipt"].encode())
    assert receipt.to_json().decode() == v["receipt"]
    assert receipt.leaf_hash == LEAVES[receipt.leaf_index]
    assert receipt.proof == tuple(inclusion_proof(LEAVES, receipt.leaf_index, receipt.tree_size))
    got = root_from_inclusion_proof(
        receipt.leaf_hash, receipt.leaf_index, receipt.tree_size, receipt.proof
    )
    assert got.hex() == v["root_at_issue"]
    head = SignedTreeHead.from_json(v["head"].encode())
    tie = proof(v, "consistency")
    assert tie == consistency_proof(LEAVES, receipt.tree_size, head.size)
    public_key = bytes.fromhex(VECTORS["head/size-7"]["public_key"])
    assert verify_receipt(receipt, head, public_key, tie, LOG[receipt.leaf_index]).ok


@pytest.mark.parametrize("v", named("lot/"), ids=lambda v: v["name"])
def test_lot_vectors(v: dict[str, str]) -> None:
    size = int(v["name"].rsplit("-", 1)[1])
    assert root(LEAVES[:size]).hex() == v["root"]
    seed_input = {"type": "lot.seed", "v": 1, "root": v["root"], "context": v["context"]}
    assert canonical.encode(seed_input).decode() == v["seed_input"]
    assert lot_seed(bytes.fromhex(v["root"]), v["context"]) == int(v["seed"])


def test_the_example_export_is_byte_for_byte_what_the_exporter_writes() -> None:
    shown = {name: body.encode() for name, body in _blocks("file")}
    assert set(shown) == set(FILES) - {README}
    heads = [SignedTreeHead.from_json(line) for line in shown["heads.jsonl"].splitlines()]
    public_key = bytes.fromhex(shown["public_key.txt"].decode())
    files = export_files(LOG, heads, public_key)
    assert {name: files[name] for name in shown} == shown
    assert verify_export(shown).ok
    assert heads == [
        SignedTreeHead.from_json(VECTORS[f"head/size-{h.size}"]["published"].encode())
        for h in heads
    ]
