"""The write buffer: a unit of work's inserts, held back and sent as multi-row batches.

Why: importing a million members through ``councils apply`` is a million commands, each a few
inserts (member, membership, record entry). One statement per insert would make the database
round trip the cost of a command; batched, it is a small share of it.

Rules that keep the buffer invisible to the domain:

- only inserts wait here; an update or delete first flushes the buffer and then runs at once
  (:meth:`SqlState._write`), so statements reach the database in an order that gives the same
  result as running each at once;
- within a flush, tables go parents first (``metadata.sorted_tables``), so foreign keys hold;
- every read that goes to the database flushes first: a query always sees the unit of work's
  own writes;
- the buffer flushes by itself when it holds :data:`FLUSH_ROWS` rows, to bound memory.

A constraint the database enforces (a second vote, a reused token) then fails at the flush,
still inside the transaction; :func:`flush` turns it into ``state.inconsistent``, as the
in-memory store would have refused it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError

from councils.domain.errors import RecordCorrupt
from councils.storage.metadata import metadata

__all__ = ["FLUSH_ROWS", "WriteBuffer", "inconsistent"]

#: The buffer flushes itself once it holds this many rows.
FLUSH_ROWS = 20_000

_ORDER = {table: n for n, table in enumerate(metadata.sorted_tables)}

Row = tuple[Any, ...]


def inconsistent(what: str) -> RecordCorrupt:
    """What the in-memory store raises for a write no valid record can cause."""
    return RecordCorrupt("state.inconsistent", f"inconsistent state: {what}", {"what": what})


class WriteBuffer:
    """Pending inserts by table (tuples in column order), flushed in bulk per table."""

    __slots__ = ("_conn", "_rows", "size")

    def __init__(self) -> None:
        self._rows: dict[Table, list[Row]] = {}
        self._conn: Connection | None = None
        self.size = 0

    def bind(self, conn: Connection | None) -> None:
        """Write to ``conn`` from now on (``None``: no transaction; pending rows dropped)."""
        self._conn = conn
        self.clear()

    def clear(self) -> None:
        self._rows.clear()
        self.size = 0

    def add(self, table: Table, row: Row) -> None:
        rows = self._rows.get(table)
        if rows is None:
            self._rows[table] = rows = []
        rows.append(row)
        self.size += 1
        if self.size >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Send every pending row, parents first."""
        if not self.size:
            return
        conn = self.connection()
        pending = sorted(self._rows.items(), key=lambda item: _ORDER[item[0]])
        self.clear()
        for table, rows in pending:
            try:
                _insert(conn, table, rows)
            except IntegrityError as err:
                raise inconsistent(f"{table.name}: {_reason(err.orig)}") from None
            except Exception as err:
                if _is_psycopg_integrity(err):
                    raise inconsistent(f"{table.name}: {_reason(err)}") from None
                raise

    def connection(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("storage used outside a unit of work")
        return self._conn


def _insert(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Rows as they are, past SQLAlchemy's per-value processing (the values are already what
    the driver takes: str, int, bool, bytes, None): ``COPY`` on PostgreSQL, ``executemany``
    of one prepared ``INSERT`` on SQLite."""
    names = [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        quoted = ", ".join(f'"{n}"' for n in names)
        driver: Any = conn.connection.driver_connection
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    quoted = ", ".join(f'"{n}"' for n in names)
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
