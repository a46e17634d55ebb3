"""Read-only transactions: one consistent snapshot, without the writers' lock.

``councils state``, ``verify`` and ``record export`` read the whole federation; they must see
one moment of it (not half a batch) and must not hold up the writers. SQLite in WAL mode gives
a deferred ``BEGIN`` its snapshot at the first read and never blocks the writer; PostgreSQL
gets ``REPEATABLE READ``, ``READ ONLY``: every statement sees the snapshot of the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from councils.storage.engine import READ, is_postgres
from councils.storage.migrate import check_current
from councils.storage.state import SqlState

__all__ = ["reading"]


@contextmanager
def reading(engine: Engine) -> Iterator[tuple[Connection, SqlState]]:
    """``with reading(engine) as (conn, state):`` a read-only snapshot and a view on it."""
    with engine.connect() as conn:
        if is_postgres(conn):
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        conn.execution_options(**READ)
        with conn.begin() as tx:
            check_current(conn)
            state = SqlState()
            state.bind(conn)
            try:
                yield conn, state
            finally:
                state.bind(None)
                tx.rollback()
