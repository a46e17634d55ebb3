"""Signed tree heads, receipts and lot seeds (docs/record-format.md)."""

from __future__ import annotations

import pytest

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record import canonical
from councils.record.heads import SignedTreeHead, TreeHead, public_key_of
from councils.record.lots import lot_seed
from councils.record.merkle import MerkleLog, consistency_proof, leaf_hash, root
from councils.record.receipt import Receipt, issue_receipt, receipt_consistency, verify_receipt

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
PUB = public_key_of(KEY)
ENTRIES = [canonical.encode({"type": "ballot.cast", "v": 1, "n": i}) for i in range(13)]
LEAVES = [leaf_hash(e) for e in ENTRIES]


def head(size: int, log: str = "city") -> SignedTreeHead:
    return TreeHead(log, size, root(LEAVES[:size]), 1_700_000_000_000 + size).sign(KEY)


def test_sign_and_verify() -> None:
    signed = head(5)
    assert signed.verify(PUB).ok
    assert len(signed.signature) == 64
    assert signed.head.signing_input() == (
        b'{"log":"city","root":"'
        + root(LEAVES[:5]).hex().encode()
        + b'","size":5,"timestamp":1700000000005,"type":"tree.head","v":1}'
    )


def test_ed25519_is_deterministic() -> None:
    assert head(5).signature == head(5).signature


def test_another_key_does_not_verify() -> None:
    report = head(5).verify(public_key_of(OTHER))
    assert report.codes() == ["record.bad_signature"]
    assert head(5).verify(b"short").codes() == ["record.bad_key"]


@pytest.mark.parametrize("field", ["log", "size", "root", "timestamp"])
def test_a_changed_field_breaks_the_signature(field: str) -> None:
    signed = head(5)
    h = signed.head
    changed = {
        "log": TreeHead("town", h.size, h.root, h.timestamp),
        "size": TreeHead(h.log, 6, h.root, h.timestamp),
        "root": TreeHead(h.log, h.size, root(LEAVES[:6]), h.timestamp),
        "timestamp": TreeHead(h.log, h.size, h.root, h.timestamp + 1),
    }[field]
    assert not SignedTreeHead(changed, signed.signature).verify(PUB).ok


def test_json_round_trip() -> None:
    signed = head(7)
    line = signed.to_json()
    assert SignedTreeHead.from_json(line) == signed
    assert canonical.decode(line)["signature"] == signed.signature.hex()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: {**d, "extra": 1},
        lambda d: {k: v for k, v in d.items() if k != "timestamp"},
        lambda d: {**d, "root": d["root"].upper()},
        lambda d: {**d, "root": d["root"][:-2]},
        lambda d: {**d, "signature": d["signature"][:-2]},
        lambda d: {**d, "size": -1},
        lambda d: {**d, "log": 5},
        lambda d: {**d, "v": 2},
        lambda d: {**d, "type": "tree.heads"},
    ],
)
def test_malformed_heads_are_refused(mutate: object) -> None:
    obj = canonical.decode(head(3).to_json())
    bad = canonical.encode(mutate(obj))  # type: ignore[operator]
    with pytest.raises((RecordCorrupt, InvalidCommand)):
        SignedTreeHead.from_json(bad)


def test_a_head_refuses_a_short_root() -> None:
    with pytest.raises(InvalidCommand):
        TreeHead("city", 1, b"\x00" * 31, 0)
    with pytest.raises(InvalidCommand):
        head(1).head.sign(b"short")


# --- receipts ----------------------------------------------------------------------------


def test_a_receipt_from_append_verifies_at_its_own_size_and_later() -> None:
    log = MerkleLog()
    receipts = []
    for i, leaf in enumerate(LEAVES):
        proof = log.append(leaf)
        receipts.append(Receipt("city", i, leaf, log.size, tuple(proof)))
    for r in receipts:
        own = head(r.tree_size)
        assert verify_receipt(r, own, PUB, (), ENTRIES[r.leaf_index]).ok
        for later in range(r.tree_size, len(LEAVES) + 1):
            tie = receipt_consistency(r, LEAVES, later)
            assert verify_receipt(r, head(later), PUB, tie).ok, (r.leaf_index, later)


def test_receipt_json_round_trip() -> None:
    r = issue_receipt("city", LEAVES[:9], 4)
    assert Receipt.from_json(r.to_json() + b"\n") == r
    assert canonical.decode(r.to_json())["type"] == "record.receipt"
    with pytest.raises(RecordCorrupt):
        Receipt.from_json(b'{"type":"record.receipt","v":1}')


def test_a_receipt_fails_when_anything_is_off() -> None:
    r = issue_receipt("city", LEAVES[:9], 4)
    later = head(12)
    tie = consistency_proof(LEAVES, 9, 12)
    assert verify_receipt(r, later, PUB, tie).ok
    # the ballot the voter holds is not the one recorded
    assert "record.entry_changed" in verify_receipt(r, later, PUB, tie, ENTRIES[5]).codes()
    # a forged leaf hash
    forged = Receipt(r.log, r.leaf_index, LEAVES[5], r.tree_size, r.proof)
    assert verify_receipt(forged, later, PUB, tie).codes() == ["record.receipt_not_in_head"]
    # the head is signed by someone else
    foreign = TreeHead("city", 12, root(LEAVES[:12]), 0).sign(OTHER)
    assert verify_receipt(r, foreign, PUB, tie).codes() == ["record.bad_signature"]
    # a head older than the receipt
    assert verify_receipt(r, head(8), PUB).codes() == ["record.head_too_old"]
    # another log's head
    assert "record.wrong_log" in verify_receipt(r, head(12, "town"), PUB, tie).codes()
    # a wrong or missing consistency proof
    assert not verify_receipt(r, later, PUB, ()).ok
    assert not verify_receipt(r, later, PUB, tie[1:]).ok
    # a proof of the wrong length
    short = Receipt(r.log, r.leaf_index, r.leaf_hash, r.tree_size, r.proof[1:])
    assert verify_receipt(short, later, PUB, tie).codes() == ["record.bad_proof"]


def test_a_head_whose_log_dropped_the_ballot_does_not_verify_the_receipt() -> None:
    r = issue_receipt("city", LEAVES[:9], 4)
    rewritten = LEAVES[:4] + LEAVES[5:13]
    fork = TreeHead("city", 12, root(rewritten), 0).sign(KEY)
    tie = consistency_proof(rewritten, 9, 12)
    assert verify_receipt(r, fork, PUB, tie).codes() == ["record.receipt_not_in_head"]


def test_receipt_consistency_refuses_impossible_sizes() -> None:
    r = issue_receipt("city", LEAVES[:9], 4)
    with pytest.raises(InvalidCommand):
        receipt_consistency(r, LEAVES, 8)
    with pytest.raises(InvalidCommand):
        receipt_consistency(r, LEAVES, 14)


# --- lots --------------------------------------------------------------------------------


def test_lot_seeds_are_reproducible_in_range_and_depend_on_both_inputs() -> None:
    r = root(LEAVES)
    seed = lot_seed(r, "e7 round 4: exclusion")
    assert seed == lot_seed(r, "e7 round 4: exclusion")
    assert 0 <= seed < 2**63
    assert seed != lot_seed(r, "e7 round 5: exclusion")
    assert seed != lot_seed(root(LEAVES[:12]), "e7 round 4: exclusion")
    with pytest.raises(InvalidCommand):
        lot_seed(b"short", "x")
