"""The public record: canonical entries, the RFC 9162 Merkle log, signed heads, receipts, exports.

Pure (DESIGN.md, "Layout"): no file or network I/O, no clock, no randomness. Keys, timestamps
and files come in from the caller; reports of every failure go out. The byte formats are
written down in docs/record-format.md, with test vectors, for anyone writing their own verifier.
"""

from councils.record.canonical import decode, encode
from councils.record.export import export_files, verify_export
from councils.record.heads import SignedTreeHead, TreeHead, public_key_of
from councils.record.lots import lot_seed
from councils.record.merkle import (
    EMPTY_ROOT,
    MerkleLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from councils.record.receipt import Receipt, issue_receipt, receipt_consistency, verify_receipt
from councils.record.report import Failure, Report
from councils.record.verify import verify_log

__all__ = [
    "EMPTY_ROOT",
    "Failure",
    "MerkleLog",
    "Receipt",
    "Report",
    "SignedTreeHead",
    "TreeHead",
    "consistency_proof",
    "decode",
    "encode",
    "export_files",
    "inclusion_proof",
    "issue_receipt",
    "leaf_hash",
    "lot_seed",
    "node_hash",
    "public_key_of",
    "receipt_consistency",
    "root",
    "verify_consistency",
    "verify_export",
    "verify_inclusion",
    "verify_log",
    "verify_receipt",
]
