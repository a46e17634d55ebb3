"""A voter's receipt, handed back with a cast ballot (DESIGN.md, "The record").

The bus returns the record index of each event a command appended; for ``ballot.cast`` that
index is the voter's leaf. The receipt is that leaf's hash and its inclusion proof in the tree
of the record as the batch left it (:func:`councils.record.receipt.issue_receipt`): with any
later signed tree head and a consistency proof, the voter can check that their ballot stayed in
the record. It never contains the sealed ballot's token (that would prove how they voted).

The record sink protocol only promises ``append``, ``head`` and ``len``; proofs need every
leaf hash, which a store exposes as ``leaf_hashes()`` (SQL) or ``entries`` (memory).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from councils.domain.errors import RecordCorrupt
from councils.record import canonical
from councils.record.merkle import leaf_hash
from councils.record.receipt import Receipt, issue_receipt
from councils.service.bus import Result
from councils.service.uow import RecordSink

__all__ = ["leaf_hashes", "receipts_for"]


@runtime_checkable
class _HasLeafHashes(Protocol):
    def leaf_hashes(self) -> Sequence[bytes]: ...


@runtime_checkable
class _HasEntries(Protocol):
    @property
    def entries(self) -> Sequence[Mapping[str, object]]: ...


def leaf_hashes(record: RecordSink) -> Sequence[bytes]:
    """Every leaf hash of the record, in order."""
    if isinstance(record, _HasLeafHashes):
        return record.leaf_hashes()
    if isinstance(record, _HasEntries):
        return [leaf_hash(canonical.encode(e)) for e in record.entries]
    raise RecordCorrupt(
        "record.no_leaves",
        "this storage cannot list the record's leaf hashes, so it cannot issue receipts",
    )


def receipts_for(results: Sequence[Result], record: RecordSink, log: str) -> dict[int, Receipt]:
    """Receipts for the ``ballot.cast`` of each result that cast one, by result index."""
    wanted = {
        r.index: r.entries[i]
        for r in results
        for i, e in enumerate(r.events)
        if e.type == "ballot.cast"
    }
    if not wanted:
        return {}
    leaves = leaf_hashes(record)
    return {index: issue_receipt(log, leaves, leaf) for index, leaf in wanted.items()}
