"""Storage: the federation in SQLite (the default) or PostgreSQL, through SQLAlchemy 2 Core.

The state (:class:`SqlState`, the same semantics as :mod:`councils.testing.memory`), the record
(:class:`SqlRecord`: the RFC 9162 Merkle log's entries, frontier and signed heads) and the unit
of work that commits both in one transaction (:class:`SqlUnitOfWork`); migrations
(:mod:`councils.storage.migrate`), ``councils init`` (:func:`create_federation`),
``councils verify`` (:func:`verify_database`) and ``record export`` (:func:`export_record`).

Only :mod:`councils.service.bootstrap` wires these; docs/storage.md describes the databases,
the schema and the signing key. Nothing here runs at import time (no engine, no connection).
"""

from councils.storage.create import Created, create_federation
from councils.storage.engine import DEFAULT_URL, create_engine
from councils.storage.export import export_record
from councils.storage.reader import reading
from councils.storage.record import SqlRecord
from councils.storage.state import SqlState
from councils.storage.uow import SqlUnitOfWork
from councils.storage.verify import verify_database

__all__ = [
    "DEFAULT_URL",
    "Created",
    "SqlRecord",
    "SqlState",
    "SqlUnitOfWork",
    "create_engine",
    "create_federation",
    "export_record",
    "reading",
    "verify_database",
]
