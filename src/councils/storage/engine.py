"""Engines for the two databases Councils runs on: SQLite (the default) and PostgreSQL.

SQLite (``sqlite:///councils.db``): every connection is put in WAL mode (readers never block
the writer, the writer never blocks readers) with ``synchronous=FULL`` (a committed batch
survives a power cut, not only a crash of the process), foreign keys on, and ``secure_delete``
(a sealed ballot box, deleted when it is published, is overwritten, not left in free pages).
SQLAlchemy, not the ``sqlite3`` module, emits ``BEGIN``: the module's legacy transaction
handling would start a transaction only at the first write, so a batch could read a state
another process is about to change. Writers begin with ``BEGIN IMMEDIATE``, which takes the
database's write lock before the first read (SQLAlchemy's "pysqlite serializable" recipe, with
IMMEDIATE): two writers are serialised, and each decides on the state it will write to. A
reader (``state``, ``verify``, ``record export``) asks for ``BEGIN DEFERRED`` with the
execution option ``councils_read``: it reads one snapshot and never waits for a writer. The
busy timeout lets a second writer wait for the first instead of failing.

PostgreSQL (``postgresql://`` or ``postgresql+psycopg://``): through psycopg 3. Writers lock
the one ``log_state`` row (``SELECT ... FOR UPDATE``, in :mod:`councils.storage.uow`); readers
use a ``REPEATABLE READ`` read-only transaction, one snapshot for the whole read.

No engine exists at import time: :func:`create_engine` is called by
:mod:`councils.service.bootstrap` with the URL the user chose.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool, QueuePool

from councils.domain.errors import InvalidCommand, RuleViolation

__all__ = [
    "BUSY_TIMEOUT_S",
    "DEFAULT_URL",
    "READ",
    "create_engine",
    "is_postgres",
    "is_sqlite",
    "normalise_url",
]

#: Where a federation lives when neither ``--db`` nor ``COUNCILS_DB`` says otherwise.
DEFAULT_URL = "sqlite:///councils.db"
#: How long a SQLite writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_S = 120.0
#: The execution option a read-only transaction sets (``conn.execution_options(**READ)``).
READ: dict[str, Any] = {"councils_read": True}


def normalise_url(url: str) -> URL:
    """The URL with its driver made explicit: ``postgresql://`` means psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidCommand(
            "storage.bad_url",
            f"not a database URL: {url!r} (try sqlite:///councils.db or "
            "postgresql://user@host/dbname)",
            {"url": url},
        ) from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.get_driver_name() not in ("pysqlite", ""):
            raise InvalidCommand(
                "storage.bad_url", f"SQLite is used through Python's sqlite3: {url!r}"
            )
        return parsed.set(drivername="sqlite")
    raise InvalidCommand(
        "storage.unsupported",
        f"Councils runs on SQLite or PostgreSQL, not {backend!r}",
        {"url": url},
    )


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def is_postgres(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "postgresql"


def create_engine(
    url: str, *, create: bool = False, pooled: bool = True, serving: bool = False
) -> Engine:
    """An engine for ``url`` (see the module docstring for what each database gets).

    A SQLite file that does not exist is refused unless ``create`` (``councils init``): a
    mistyped path must not leave an empty database behind. ``pooled=False`` closes each
    PostgreSQL connection when it is returned (tests that make hundreds of engines).
    ``serving``: a long-lived engine of a server's (:mod:`councils.service.bootstrap`'s
    ``open_uow``, ``open_reader``, ``open_accounts``); on SQLite its connections are pooled.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(parsed, create, serving)
    if not pooled:
        return sqlalchemy.create_engine(parsed, poolclass=NullPool)
    return sqlalchemy.create_engine(parsed, pool_pre_ping=True)


def _sqlite(url: URL, create: bool, pooled: bool) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise InvalidCommand(
            "storage.bad_url",
            "a federation's SQLite database is a file: sqlite:///PATH (WAL needs a file)",
            {"url": str(url)},
        )
    folder = os.path.dirname(os.path.abspath(database))
    if not create and not os.path.exists(database):
        raise RuleViolation(
            "storage.not_initialised",
            f"there is no database {database}: run `councils init` to create it",
            {"path": database},
        )
    if not os.path.isdir(folder):
        raise InvalidCommand(
            "storage.no_folder", f"no folder {folder} for the database", {"path": database}
        )
    # NullPool for a command: it holds one connection; pooled SQLite connections would keep
    # file handles (and WAL read marks) open for no gain. A server pools: opening a connection
    # costs the PRAGMAs below, and closing the last one open checkpoints the WAL into the
    # database and removes it (more fsyncs) -- per request, for a server that closes its
    # connection after each. Pooled connections pass between threads, one at a time.
    engine = sqlalchemy.create_engine(
        url,
        poolclass=QueuePool if pooled else NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": not pooled},
        **({"pool_size": 8, "max_overflow": 56} if pooled else {}),
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Per connection: SQLAlchemy emits BEGIN itself; WAL, synchronous FULL, foreign keys."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # a published ballot box leaves no residue
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for writers (the default), ``BEGIN`` for readers."""
    if conn.get_execution_options().get("councils_read"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
