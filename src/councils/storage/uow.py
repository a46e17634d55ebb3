"""The SQL unit of work: one database transaction per batch of commands.

``with uow:`` opens a connection and begins a transaction that first takes the writers' lock:
``BEGIN IMMEDIATE`` on SQLite (the engine's hook), plus ``SELECT ... FOR UPDATE`` of the one
``log_state`` row on PostgreSQL. So writers are serialised: while a batch runs, no other
process changes the state, which is what lets :class:`~councils.storage.state.SqlState` cache
its answers, and what makes the record's indices and Merkle frontier a single sequence.
Serialising is not what forbids a double vote or signature, though: the primary keys of
``voters`` and ``signatures`` do, whatever any process believes.

``commit()`` flushes the buffered rows, stores the new frontier, signs one tree head for the
batch (Ed25519, timestamp in milliseconds, never earlier than the previous head's) and
commits. Leaving the ``with`` block without ``commit()`` rolls everything back: state, record
entries and head together.

Caches survive from one transaction to the next only if the log has not grown in between
(every change of state appends to the record, so an unchanged size means nobody else wrote).
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction, select, update

from councils.domain.constitution import DEFAULT, Constitution, parse_constitution
from councils.record.heads import SignedTreeHead
from councils.record.receipt import Receipt
from councils.storage.metadata import log_state, signing_key, tree_heads
from councils.storage.migrate import check_current
from councils.storage.record import (
    FederationInfo,
    SqlRecord,
    join_frontier,
    load_federation,
    load_log_state,
)
from councils.storage.state import SqlState

__all__ = ["SqlUnitOfWork", "now_ms", "sign_head"]


def now_ms() -> int:
    """Milliseconds since 1970-01-01T00:00:00Z: the timestamp of a signed tree head."""
    return time.time_ns() // 1_000_000


class SqlUnitOfWork:
    """A reusable unit of work over ``engine`` (one transaction per ``with`` block)."""

    def __init__(
        self,
        engine: Engine,
        constitution: Constitution | None = None,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._engine = engine
        self._constitution = constitution
        self._clock = clock
        self._state = SqlState()
        self._conn: Connection | None = None
        self._tx: RootTransaction | None = None
        self._record: SqlRecord | None = None
        self._info: FederationInfo | None = None
        self._private_key: bytes | None = None
        self._known_size: int | None = None

    # ------------------------------------------------------------------ what the bus uses

    @property
    def view(self) -> SqlState:
        return self._state

    @property
    def store(self) -> SqlState:
        return self._state

    @property
    def record(self) -> SqlRecord:
        if self._record is None:
            raise RuntimeError("the record is reached inside `with uow:` only")
        return self._record

    @property
    def constitution(self) -> Constitution:
        if self._constitution is None:
            raise RuntimeError("the constitution is known once `with uow:` has begun")
        return self._constitution

    def __enter__(self) -> SqlUnitOfWork:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already in a transaction")
        conn = self._engine.connect()
        try:
            tx = conn.begin()
            if self._info is None:
                check_current(conn)
                self._info = load_federation(conn)
                self._private_key = bytes(
                    conn.execute(select(signing_key.c.private_key)).scalar_one()
                )
                if self._constitution is None:
                    self._constitution = parse_stored(self._info.constitution)
            state = load_log_state(conn, lock=True)
            if conn.dialect.name == "postgresql":
                # Every query of a batch is an indexed lookup by design. The planner's
                # statistics know nothing of the rows this transaction has inserted (an import
                # of a million members is one transaction), so, left alone, it would scan
                # whole tables it believes empty; lookups would grow with the import.
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        except BaseException:
            conn.close()
            raise
        self._conn, self._tx = conn, tx
        if state.size != self._known_size:
            self._state.reset()
        self._state.bind(conn)
        self._record = SqlRecord.on(conn, self._state.buffer, self._info.log, state)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tx is not None:
            self.rollback()

    def commit(self) -> None:
        conn, tx, record = self._conn, self._tx, self.record
        if conn is None or tx is None:
            raise RuntimeError("commit() outside `with uow:`")
        self._state.flush()
        if len(record) > record.start:
            state = record.state
            conn.execute(
                update(log_state)
                .where(log_state.c.id == 1)
                .values(size=state.size, frontier=join_frontier(state.frontier))
            )
            if self._private_key is None:  # pragma: no cover - loaded at the first begin
                raise RuntimeError("no signing key")
            record.committed_head = sign_head(conn, record, self._private_key, self._clock)
        tx.commit()
        self._known_size = len(record)
        self._close()

    def rollback(self) -> None:
        if self._tx is not None:
            try:
                self._state.buffer.abandon()  # no background flush may use the connection
                self._tx.rollback()
            finally:
                self._state.reset()
                self._known_size = None
                self._close()

    def receipt(self, index: int) -> Receipt | None:
        """The voter's receipt for entry ``index`` of the last batch (a ``ballot.cast``)."""
        return self._record.receipt(index) if self._record is not None else None

    def prefetch(self, commands: list[object]) -> None:
        """See :meth:`SqlState.prefetch`."""
        self._state.prefetch(commands)

    def _close(self) -> None:
        conn, self._conn, self._tx = self._conn, None, None
        self._state.bind(None)
        if self._record is not None:
            self._record.detach()
        if conn is not None:
            conn.close()


def sign_head(
    conn: Connection, record: SqlRecord, private_key: bytes, clock: Callable[[], int]
) -> SignedTreeHead:
    """Sign the record's current head, store it as the next tree head, and return it."""
    last = conn.execute(
        select(tree_heads.c.n, tree_heads.c.timestamp).order_by(tree_heads.c.n.desc()).limit(1)
    ).first()
    n = 0 if last is None else int(last[0]) + 1
    timestamp = clock() if last is None else max(clock(), int(last[1]))
    signed = record.tree_head(timestamp).sign(private_key)
    conn.execute(
        tree_heads.insert().values(
            n=n,
            size=signed.size,
            root=signed.root,
            timestamp=signed.timestamp,
            signature=signed.signature,
        )
    )
    return signed


def parse_stored(text: str | None) -> Constitution:
    """The constitution stored at ``councils init`` (TOML), or the default."""
    if text is None:
        return DEFAULT
    return parse_constitution(tomllib.loads(text))
