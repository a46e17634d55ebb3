"""A voter's receipt, handed back with a cast ballot (DESIGN.md, "The record").

The bus returns the record index of each event a command appended; for ``ballot.cast`` that
index is the voter's leaf. The receipt is that leaf's hash and its inclusion proof in the tree
of ``index + 1`` leaves, the record just after the append (docs/record-format.md): with any
later signed tree head and a consistency proof the voter can check that their ballot stayed in
the record. It never contains the sealed ballot's token (that would prove how they voted).

The SQL unit of work issues receipts itself as it appends (``uow.receipt(index)``, from the
Merkle frontier, without reading the log back); over memory they are computed from the
entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from councils.domain.errors import RecordCorrupt
from councils.record import canonical
from councils.record.merkle import leaf_hash
from councils.record.receipt import Receipt, issue_receipt
from councils.service.bus import Result
from councils.service.uow import UnitOfWork

__all__ = ["receipts_for"]


@runtime_checkable
class _IssuesReceipts(Protocol):
    def receipt(self, index: int) -> Receipt | None: ...


@runtime_checkable
class _HasEntries(Protocol):
    @property
    def entries(self) -> Sequence[Mapping[str, object]]: ...


def receipts_for(results: Sequence[Result], uow: UnitOfWork, log: str) -> dict[int, Receipt]:
    """Receipts for the ``ballot.cast`` of each result that cast one, by result index."""
    wanted = {
        r.index: r.entries[i]
        for r in results
        for i, e in enumerate(r.events)
        if e.type == "ballot.cast"
    }
    out: dict[int, Receipt] = {}
    leaves: list[bytes] | None = None
    for index, leaf in wanted.items():
        if isinstance(uow, _IssuesReceipts):
            receipt = uow.receipt(leaf)
            if receipt is not None:
                out[index] = receipt
                continue
        if leaves is None:
            leaves = _leaves(uow)
        out[index] = issue_receipt(log, leaves[: leaf + 1], leaf)
    return out


def _leaves(uow: UnitOfWork) -> list[bytes]:
    record = uow.record
    if isinstance(record, _HasEntries):
        return [leaf_hash(canonical.encode(e)) for e in record.entries]
    raise RecordCorrupt(
        "record.no_receipt",
        "this storage neither issues receipts nor lists its entries, so it cannot give a "
        "voter their receipt",
    )
