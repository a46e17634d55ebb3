"""An in-memory record: canonical entries in an RFC 9162 Merkle log, held in a list.

The same encoding (:func:`councils.record.canonical.encode`) and tree
(:class:`councils.record.merkle.MerkleLog`) as the stored record, so every entry the bus
appends is checked to be encodable, and ``head()`` is the real Merkle root that lot seeds are
drawn from. Storage persists the log instead of this list.
"""

from __future__ import annotations

from collections.abc import Mapping

from councils.record import canonical
from councils.record.heads import SignedTreeHead
from councils.record.merkle import MerkleLog, leaf_hash

__all__ = ["InMemoryRecord"]


class InMemoryRecord:
    def __init__(self) -> None:
        self.entries: list[dict[str, object]] = []
        self._leaves: list[bytes] = []
        self._log = MerkleLog()

    def append(self, entry: Mapping[str, object]) -> int:
        data = canonical.encode(entry)
        self.entries.append(canonical.decode(data))
        leaf = leaf_hash(data)
        self._leaves.append(leaf)
        self._log.append(leaf)
        return len(self.entries) - 1

    def head(self) -> bytes:
        """The Merkle root (MTH) of the log so far."""
        return self._log.root()

    def __len__(self) -> int:
        return len(self.entries)

    def signed_head(self) -> SignedTreeHead | None:
        """The in-memory record signs no heads."""
        return None

    def truncate(self, size: int) -> None:
        """Drop every entry from ``size`` on (the unit of work's rollback)."""
        if size < len(self.entries):
            del self.entries[size:]
            del self._leaves[size:]
            self._log = MerkleLog.from_leaves(self._leaves)
