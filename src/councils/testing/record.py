"""An in-memory record: a list of entries and a hash chain standing in for the Merkle root.

Enough for the bus, the tests and the simulator: ``head()`` commits to every entry so far
(SHA-256 chained over sorted-key compact JSON), so lot seeds depend on the whole record as they
will on the Merkle log of :mod:`councils.record`, which replaces this in storage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

__all__ = ["InMemoryRecord"]

_EMPTY = hashlib.sha256(b"").digest()


class InMemoryRecord:
    def __init__(self) -> None:
        self.entries: list[dict[str, object]] = []
        self._heads: list[bytes] = [_EMPTY]

    def append(self, entry: Mapping[str, object]) -> int:
        data = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        self.entries.append(json.loads(data))
        self._heads.append(hashlib.sha256(self._heads[-1] + data.encode()).digest())
        return len(self.entries) - 1

    def head(self) -> bytes:
        return self._heads[-1]

    def __len__(self) -> int:
        return len(self.entries)

    def truncate(self, size: int) -> None:
        """Drop every entry from ``size`` on (the unit of work's rollback)."""
        del self.entries[size:]
        del self._heads[size + 1 :]
