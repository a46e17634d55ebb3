"""The record in SQL: the :class:`~councils.service.uow.RecordSink` of a unit of work, and the
loaders that read the whole record back (for ``councils verify`` and ``record export``).

Appending an entry encodes it canonically (:func:`councils.record.canonical.encode`), hashes
the leaf (RFC 9162: ``SHA-256(0x00 ‖ entry)``), extends the :class:`~councils.record.merkle.
MerkleLog` frontier and queues the row ``(idx, data, leaf)`` in the unit of work's write
buffer, so that the entry reaches the database in the same transaction as the state change it
records. The unit of work persists the frontier and signs one tree head per committed batch.

A ``ballot.cast`` entry keeps its inclusion proof (what :meth:`MerkleLog.append` returns for
free) as the voter's :class:`~councils.record.receipt.Receipt`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, select

from councils.domain.errors import RecordCorrupt, RuleViolation
from councils.record import canonical
from councils.record.heads import SignedTreeHead, TreeHead
from councils.record.merkle import HASH_SIZE, MerkleLog, leaf_hash
from councils.record.receipt import Receipt
from councils.storage.buffer import WriteBuffer
from councils.storage.metadata import entries, federation, log_state, tree_heads

__all__ = [
    "FederationInfo",
    "LogState",
    "SqlRecord",
    "join_frontier",
    "load_entries",
    "load_federation",
    "load_heads",
    "load_log_state",
    "split_frontier",
]

#: Entries whose receipt the voter gets back.
RECEIPT_TYPES = frozenset({"ballot.cast"})


@dataclass(frozen=True)
class FederationInfo:
    """The federation's one row: its log's name, public key and constitution (TOML)."""

    log: str
    public_key: bytes
    constitution: str | None


@dataclass(frozen=True)
class LogState:
    size: int
    frontier: tuple[bytes, ...]


def split_frontier(data: bytes) -> tuple[bytes, ...]:
    return tuple(data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE))


def join_frontier(frontier: tuple[bytes, ...]) -> bytes:
    return b"".join(frontier)


class SqlRecord:
    """The record as one unit of work appends to it (see the module docstring)."""

    def __init__(
        self,
        buffer: WriteBuffer,
        log: str,
        state: LogState,
        latest_head: Callable[[], SignedTreeHead | None] | None = None,
    ) -> None:
        self._buffer = buffer
        self._latest_head = latest_head
        #: The head this unit of work signed as it committed, if it appended anything.
        self.committed_head: SignedTreeHead | None = None
        self.log = log
        self.start = state.size
        self._merkle = MerkleLog(state.size, state.frontier)
        self._receipts: dict[int, Receipt] = {}

    @classmethod
    def on(cls, conn: Connection, buffer: WriteBuffer, log: str, state: LogState) -> SqlRecord:
        """The record as a transaction on ``conn`` sees it: its latest signed head is read from
        ``conn`` when asked (a unit of work's, or a read-only snapshot's)."""
        return cls(buffer, log, state, latest_head=lambda: load_latest_head(conn, log))

    def append(self, entry: Mapping[str, object]) -> int:
        data = canonical.encode(entry)
        leaf = leaf_hash(data)
        index = self._merkle.size
        proof = self._merkle.append(leaf)
        self._buffer.add(entries, (index, data, leaf))
        if entry.get("type") in RECEIPT_TYPES:
            self._receipts[index] = Receipt(self.log, index, leaf, index + 1, tuple(proof))
        return index

    def head(self) -> bytes:
        return self._merkle.root()

    def __len__(self) -> int:
        return self._merkle.size

    @property
    def state(self) -> LogState:
        return LogState(self._merkle.size, self._merkle.frontier)

    def receipt(self, index: int) -> Receipt | None:
        """The receipt of entry ``index`` if this unit of work appended it as a ballot."""
        return self._receipts.get(index)

    def tree_head(self, timestamp: int) -> TreeHead:
        return TreeHead(self.log, self._merkle.size, self._merkle.root(), timestamp)

    def signed_head(self) -> SignedTreeHead | None:
        """The latest signed tree head (``GET /api/record/head`` publishes it): the one this
        unit of work signed at its commit, else the newest stored one while the unit of work is
        open, else ``None``."""
        if self.committed_head is not None:
            return self.committed_head
        return self._latest_head() if self._latest_head is not None else None

    def detach(self) -> None:
        """The connection is closed: stop reading heads through it."""
        self._latest_head = None


def load_federation(conn: Connection) -> FederationInfo:
    row = conn.execute(
        select(federation.c.log, federation.c.public_key, federation.c.constitution)
    ).first()
    if row is None:
        raise RuleViolation(
            "storage.not_initialised", "the database holds no federation: run `councils init`"
        )
    return FederationInfo(row[0], bytes(row[1]), row[2])


def load_log_state(conn: Connection, *, lock: bool) -> LogState:
    """The persisted size and frontier; ``lock``: take the writers' lock on the row."""
    stmt = select(log_state.c.size, log_state.c.frontier).where(log_state.c.id == 1)
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).first()
    if row is None:
        raise RecordCorrupt("storage.no_log_state", "the log_state row is missing")
    return LogState(int(row[0]), split_frontier(bytes(row[1])))


def load_entries(conn: Connection) -> tuple[list[int], list[bytes], list[bytes]]:
    """Every entry in index order: ``(indices, canonical bytes, stored leaf hashes)``."""
    indices: list[int] = []
    data: list[bytes] = []
    leaves: list[bytes] = []
    result = conn.execution_options(yield_per=50_000).execute(
        select(entries.c.idx, entries.c.data, entries.c.leaf).order_by(entries.c.idx)
    )
    for idx, entry, leaf in result:
        indices.append(int(idx))
        data.append(bytes(entry))
        leaves.append(bytes(leaf))
    return indices, data, leaves


def load_latest_head(conn: Connection, log: str) -> SignedTreeHead | None:
    """The newest signed tree head, or ``None`` before the first is written."""
    row = conn.execute(
        select(tree_heads.c.size, tree_heads.c.root, tree_heads.c.timestamp, tree_heads.c.signature)
        .order_by(tree_heads.c.n.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    size, root, ts, signature = row
    return SignedTreeHead(TreeHead(log, int(size), bytes(root), int(ts)), bytes(signature))


def load_heads(conn: Connection, log: str) -> list[SignedTreeHead]:
    """Every signed tree head, oldest first."""
    result = conn.execute(
        select(
            tree_heads.c.size, tree_heads.c.root, tree_heads.c.timestamp, tree_heads.c.signature
        ).order_by(tree_heads.c.n)
    )
    return [
        SignedTreeHead(TreeHead(log, int(size), bytes(root), int(ts)), bytes(signature))
        for size, root, ts, signature in result
    ]
