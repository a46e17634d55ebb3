"""The write buffer: a unit of work's inserts, held back and sent as multi-row batches.

Why: importing a million members through ``councils apply`` is a million commands, each a few
inserts (member, membership, record entry). One statement per insert would make the database
round trip the cost of a command; batched, it is a small share of it.

Rules that keep the buffer invisible to the domain:

- only inserts wait here; an update or delete first flushes the buffer and then runs at once
  (:meth:`SqlState._write`), so statements reach the database in an order that gives the same
  result as running each at once;
- within a flush, tables go parents first (``metadata.sorted_tables``), so foreign keys hold;
- a read that the cache cannot answer flushes first, so it sees the unit of work's own writes
  (the one exception, :meth:`SqlState.prefetch`, explains why it need not);
- the buffer flushes by itself when it holds :data:`FLUSH_ROWS` rows, to bound memory.

**In the background** (PostgreSQL): :meth:`WriteBuffer.flush` with ``background=True`` hands
the rows to a thread that ``COPY``s them on the transaction's connection while the caller goes
on deciding the next commands; the server's work (heap, indexes, foreign keys) then overlaps
the client's instead of following it. Whoever next needs the connection
(:meth:`WriteBuffer.connection`) waits for that thread first, so the connection is never used
by two threads at once and every statement still runs in order.

A constraint the database enforces (a second vote, a reused token) fails at the flush, still
inside the transaction; it is raised as ``state.inconsistent``, as the in-memory store would
have refused it (from a background flush: at the next use of the connection).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError

from councils.domain.errors import inconsistent
from councils.storage.metadata import metadata

__all__ = ["FLUSH_ROWS", "WriteBuffer"]

#: The buffer flushes itself once it holds this many rows.
FLUSH_ROWS = 20_000

_ORDER = {table: n for n, table in enumerate(metadata.sorted_tables)}

Row = tuple[Any, ...]
Pending = list[tuple[Table, list[Row]]]


class _Job(threading.Thread):
    """One background flush; keeps its error for whoever waits for it."""

    def __init__(self, conn: Connection, pending: Pending) -> None:
        super().__init__(name="councils-flush", daemon=False)
        self._conn = conn
        self._pending = pending
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            _send(self._conn, self._pending)
        except BaseException as err:  # handed to the waiting thread, raised there
            self.error = err


class WriteBuffer:
    """Pending inserts by table (tuples in column order), flushed in bulk per table."""

    __slots__ = ("_conn", "_job", "_rows", "background", "size")

    def __init__(self) -> None:
        self._rows: dict[Table, list[Row]] = {}
        self._conn: Connection | None = None
        self._job: _Job | None = None
        self.size = 0
        #: Whether flushes may run in the background (set for PostgreSQL by :meth:`bind`).
        self.background = False

    def bind(self, conn: Connection | None) -> None:
        """Write to ``conn`` from now on (``None``: no transaction; pending rows dropped)."""
        self.abandon()
        self._conn = conn
        self.background = conn is not None and conn.dialect.name == "postgresql"

    def clear(self) -> None:
        """Drop the pending rows (a rollback follows)."""
        self._rows = {}
        self.size = 0

    def abandon(self) -> None:
        """Wait for a background flush, ignore its outcome, drop the pending rows."""
        job, self._job = self._job, None
        if job is not None:
            job.join()
        self.clear()

    def add(self, table: Table, row: Row) -> None:
        rows = self._rows.get(table)
        if rows is None:
            self._rows[table] = rows = []
        rows.append(row)
        self.size += 1
        if self.size >= FLUSH_ROWS:
            self.flush(background=self.background)

    def flush(self, *, background: bool = False) -> None:
        """Send every pending row, parents first; ``background``: let a thread send them and
        return at once (only where :attr:`background` allows it)."""
        if not self.size:
            if not background:
                self.wait()
            return
        conn = self.connection()  # waits for the previous background flush
        pending = sorted(self._rows.items(), key=lambda item: _ORDER[item[0]])
        self.clear()
        if background and self.background:
            self._job = _Job(conn, pending)
            self._job.start()
        else:
            _send(conn, pending)

    def wait(self) -> None:
        """Wait for a background flush; raise what it raised."""
        job, self._job = self._job, None
        if job is not None:
            job.join()
            if job.error is not None:
                raise job.error

    def connection(self) -> Connection:
        """The transaction's connection, once no background flush is using it."""
        self.wait()
        if self._conn is None:
            raise RuntimeError("storage used outside a unit of work")
        return self._conn


def _send(conn: Connection, pending: Pending) -> None:
    for table, rows in pending:
        try:
            _insert(conn, table, rows)
        except IntegrityError as err:
            raise inconsistent(f"{table.name}: {_reason(err.orig)}") from None
        except Exception as err:
            if _is_psycopg_integrity(err):
                raise inconsistent(f"{table.name}: {_reason(err)}") from None
            raise


def _insert(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Rows as they are, past SQLAlchemy's per-value processing (the values are already what
    the driver takes: str, int, bool, bytes, None): ``COPY`` on PostgreSQL, ``executemany``
    of one prepared ``INSERT`` on SQLite."""
    names = [c.name for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    if conn.dialect.name == "postgresql":
        driver: Any = conn.connection.driver_connection
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in names)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', list(rows))


def _is_psycopg_integrity(err: Exception) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(err, psycopg.IntegrityError)


def _reason(err: BaseException | None) -> str:
    """The database's own words, first line only (no SQL, no parameters)."""
    return str(err).strip().splitlines()[0] if err is not None else "constraint failed"
