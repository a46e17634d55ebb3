"""A voter's receipt: proof that their ballot is in the public record, checkable by anyone.

The receipt is what the service hands back when a ballot is appended (DESIGN.md, "The
record"): the leaf index, the leaf hash, the size of the log just after the append and the
inclusion proof at that size (RFC 9162 §2.1.3). It needs no signature of its own, because it
is never trusted by itself:

1. the inclusion proof turns the leaf hash into a root, the root of the log at ``tree_size``
   (RFC 9162 §2.1.3.2 without the last comparison);
2. a *signed* tree head of any later size is then tied to that root by a consistency proof
   (§2.1.4), which the log serves or a verifier computes from the published export.

If the log had dropped or altered the ballot, or forked its history, no consistency proof
could link the root the receipt implies to what the log later signed. At the same size the
consistency proof is empty and the two roots must simply be equal.

The receipt's JSON is the canonical encoding of::

    {"type": "record.receipt", "v": 1, "log": LOG, "leaf_index": I, "leaf_hash": HEX,
     "tree_size": N, "proof": [HEX, ...]}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record import canonical
from councils.record.heads import SignedTreeHead, parse_hex
from councils.record.merkle import (
    HASH_SIZE,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_inclusion_proof,
    verify_consistency,
)
from councils.record.report import Report

__all__ = ["RECEIPT_TYPE", "Receipt", "issue_receipt", "receipt_consistency", "verify_receipt"]

RECEIPT_TYPE = "record.receipt"


@dataclass(frozen=True)
class Receipt:
    """Leaf ``leaf_index`` (hash ``leaf_hash``) of log ``log`` and its inclusion proof in the
    log's tree of ``tree_size`` leaves."""

    log: str
    leaf_index: int
    leaf_hash: bytes
    tree_size: int
    proof: tuple[bytes, ...]

    def to_entry(self) -> dict[str, object]:
        return {
            "type": RECEIPT_TYPE,
            "v": 1,
            "log": self.log,
            "leaf_index": self.leaf_index,
            "leaf_hash": self.leaf_hash.hex(),
            "tree_size": self.tree_size,
            "proof": [p.hex() for p in self.proof],
        }

    def to_json(self) -> bytes:
        """The canonical encoding of :meth:`to_entry` (one line, no newline)."""
        return canonical.encode(self.to_entry())

    @classmethod
    def from_json(cls, data: bytes) -> Receipt:
        """Parse a receipt; :class:`RecordCorrupt` (``record.bad_receipt``) if it is not one.

        Surrounding whitespace (a trailing newline of a saved file) is forgiven; the object
        itself must be canonical.
        """
        obj = canonical.decode(data.strip())
        keys = {"type", "v", "log", "leaf_index", "leaf_hash", "tree_size", "proof"}
        if obj.get("type") != RECEIPT_TYPE or obj.get("v") != 1 or set(obj) != keys:
            raise RecordCorrupt(
                "record.bad_receipt",
                f'a receipt has "type" "{RECEIPT_TYPE}", "v" 1 and the keys "log", '
                '"leaf_index", "leaf_hash", "tree_size" and "proof"',
            )
        log, index, size, proof = obj["log"], obj["leaf_index"], obj["tree_size"], obj["proof"]
        if not (isinstance(log, str) and isinstance(index, int) and isinstance(size, int)):
            raise RecordCorrupt(
                "record.bad_receipt", '"log" is a string, "leaf_index" and "tree_size" integers'
            )
        if not isinstance(proof, list):
            raise RecordCorrupt("record.bad_receipt", '"proof" is a list of hashes')
        return cls(
            log,
            index,
            parse_hex(obj["leaf_hash"], HASH_SIZE, "the leaf hash"),
            size,
            tuple(parse_hex(p, HASH_SIZE, "a proof hash") for p in proof),
        )


def issue_receipt(log: str, leaf_hashes: Sequence[bytes], index: int) -> Receipt:
    """The receipt for leaf ``index`` at the log's current size (all of ``leaf_hashes``).

    A service that appends with :meth:`MerkleLog.append` already has the proof and builds the
    :class:`Receipt` directly; this is for one that holds the list of leaf hashes.
    """
    size = len(leaf_hashes)
    return Receipt(log, index, leaf_hashes[index], size, tuple(inclusion_proof(leaf_hashes, index)))


def receipt_consistency(receipt: Receipt, leaf_hashes: Sequence[bytes], size: int) -> list[bytes]:
    """The consistency proof a checker needs to hold ``receipt`` against a head of ``size``,
    computed from the log's leaf hashes (as a verifier does from an export)."""
    if not receipt.tree_size <= size <= len(leaf_hashes) or receipt.tree_size < 1:
        raise InvalidCommand(
            "record.bad_proof_request",
            f"cannot tie a receipt at size {receipt.tree_size} to a head of size {size} "
            f"with {len(leaf_hashes)} leaves",
        )
    return consistency_proof(leaf_hashes, receipt.tree_size, size)


def verify_receipt(
    receipt: Receipt,
    head: SignedTreeHead,
    public_key: bytes,
    consistency: Sequence[bytes] = (),
    entry: bytes | None = None,
) -> Report:
    """Check a receipt against a signed tree head of the same or a later size.

    ``consistency`` is PROOF(receipt.tree_size, D[head.size]) (RFC 9162 §2.1.4); empty when the
    sizes are equal. ``entry``, when given, is the entry the voter expects at that index: its
    leaf hash must be the receipt's. Every check runs; the report lists each that fails.
    """
    report = Report()
    where = f"receipt for leaf {receipt.leaf_index}"
    report.extend(head.verify(public_key, f"tree head of size {head.size}"))
    if receipt.log != head.log:
        report.fail(
            "record.wrong_log",
            f"the receipt is from log {receipt.log!r}, the head from log {head.log!r}",
            where,
            receipt.leaf_index,
        )
    if entry is not None and leaf_hash(entry) != receipt.leaf_hash:
        report.fail(
            "record.entry_changed",
            "the entry's leaf hash is not the receipt's",
            where,
            receipt.leaf_index,
        )
    if head.size < receipt.tree_size:
        report.fail(
            "record.head_too_old",
            f"the head (size {head.size}) is older than the receipt (size {receipt.tree_size})",
            where,
            receipt.leaf_index,
        )
        return report
    try:
        old_root = root_from_inclusion_proof(
            receipt.leaf_hash, receipt.leaf_index, receipt.tree_size, receipt.proof
        )
    except RecordCorrupt as err:
        report.fail("record.bad_proof", err.message, where, receipt.leaf_index)
        return report
    tie = verify_consistency(receipt.tree_size, head.size, consistency, old_root, head.root)
    for failure in tie:
        report.fail(
            "record.receipt_not_in_head",
            f"the receipt does not lead to the signed head of size {head.size}: {failure.what}",
            where,
            receipt.leaf_index,
        )
    if report.ok:
        report.note(
            f"leaf {receipt.leaf_index} is in the log {head.log!r} as signed at size {head.size}"
        )
    return report
