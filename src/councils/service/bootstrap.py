"""The one place that wires real storage (DESIGN.md, "Layout").

Everything outside tests and the simulator reaches the database through these functions: the
CLI now, the API later. Tests and the simulator wire in-memory storage instead
(:class:`councils.testing.InMemoryUnitOfWork`).

The database is named by a URL: ``--db URL``, else ``$COUNCILS_DB``, else
``sqlite:///councils.db`` (:func:`database_url`). docs/storage.md has the details.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from councils.domain.errors import CouncilError, RuleViolation
from councils.domain.view import StateView
from councils.record.report import Report
from councils.service.constitution import load_constitution
from councils.service.uow import ReadFactory, Reading
from councils.storage.accounts import SqlAccounts
from councils.storage.create import Created, create_federation
from councils.storage.engine import DEFAULT_URL, create_engine, normalise_url
from councils.storage.export import export_record
from councils.storage.reader import reading
from councils.storage.record import SqlRecord, load_federation, load_log_state
from councils.storage.uow import SqlUnitOfWork
from councils.storage.verify import verify_database

__all__ = [
    "ENV_VAR",
    "Snapshot",
    "SqlUnitOfWork",
    "collector_paused",
    "database_url",
    "display_url",
    "export_federation",
    "init_federation",
    "open_accounts",
    "open_reader",
    "open_uow",
    "read_state",
    "storage_errors",
    "verify_federation",
]

#: The environment variable that names the database when ``--db`` does not.
ENV_VAR = "COUNCILS_DB"


def database_url(url: str | None = None) -> str:
    """``url`` if given, else ``$COUNCILS_DB``, else ``sqlite:///councils.db``."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def display_url(url: str) -> str:
    """The URL as it may be shown: without its password."""
    try:
        return normalise_url(url).render_as_string(hide_password=True)
    except CouncilError:
        return url


@contextmanager
def storage_errors(url: str) -> Iterator[None]:
    """Turn the database's own failures (cannot connect, locked, no such file) into one
    :class:`~councils.domain.errors.CouncilError` line (``storage.unavailable``)."""
    try:
        yield
    except (OperationalError, InterfaceError) as err:
        reason = str(err.orig or err).strip().splitlines()[0]
        raise RuleViolation(
            "storage.unavailable",
            f"cannot use the database {display_url(url)}: {reason}",
            {"url": display_url(url)},
        ) from None


def init_federation(url: str, constitution: Path | None = None) -> Created:
    """Create the federation's database (or migrate an existing one): ``councils init``.

    The constitution file is validated first (:func:`load_constitution`) and stored as given.
    """
    text = None
    if constitution is not None:
        load_constitution(constitution)
        text = constitution.read_text(encoding="utf-8")
    engine = create_engine(url, create=True)
    try:
        return create_federation(engine, text)
    finally:
        engine.dispose()


def open_uow(url: str) -> Callable[[], SqlUnitOfWork]:
    """A factory of units of work on the database at ``url`` (one engine, shared).

    Each unit of work is reusable, one transaction per ``with`` block, and keeps its caches
    between transactions while nobody else writes: keep one per thread.
    """
    engine = create_engine(url, serving=True)

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine)

    return make


def open_accounts(url: str) -> SqlAccounts:
    """The accounts (logins, sessions, API tokens) of the federation at ``url``: private
    tables beside the state, on their own engine (docs/accounts.md). Lookups of a session read
    without the writers' lock; logging in and out are short writes."""
    return SqlAccounts(create_engine(url, serving=True))


@dataclass(frozen=True)
class Snapshot:
    """A read-only view of the state and the record at one moment (see :class:`Reading`)."""

    view: StateView
    record: SqlRecord


def open_reader(url: str) -> ReadFactory:
    """A factory of read-only snapshots of the database at ``url`` (one engine, shared).

    Pages and ``GET`` routes read through it: a snapshot takes no writers' lock (SQLite WAL
    readers never wait for the writer; PostgreSQL reads ``REPEATABLE READ``, ``READ ONLY``), so
    reading the federation never queues behind a batch of ballots.
    """
    engine = create_engine(url, serving=True)

    @contextmanager
    def snapshot() -> Iterator[Reading]:
        with reading(engine) as (conn, state):
            info = load_federation(conn)
            log = load_log_state(conn, lock=False)
            record = SqlRecord.on(conn, state.buffer, info.log, log)
            try:
                yield Snapshot(state, record)
            finally:
                record.detach()

    return snapshot


@contextmanager
def read_state(url: str) -> Iterator[StateView]:
    """The state as one consistent snapshot, read-only, for ``councils state``."""
    engine = create_engine(url)
    try:
        with reading(engine) as (_, state):
            state.preload()
            yield state
    finally:
        engine.dispose()


def verify_federation(url: str) -> Report:
    """``councils verify``: the record replayed against the stored state, the tree, the
    signatures. Every failure is in the report.

    Runs with the cyclic garbage collector paused (:func:`collector_paused`).
    """
    engine = create_engine(url)
    try:
        with collector_paused():
            return verify_database(engine)
    finally:
        engine.dispose()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk load, then restore it as it was.

    Why: verifying a federation builds states of millions of small objects (the stored state,
    the replayed one, their snapshots) that all stay alive until the comparison; every full
    collection walks all of them again, only to free nothing (they hold no reference cycles).
    At a million members that was a quarter of ``councils verify``'s time (57.8 → 42.8 s in
    bench/federation.py's SQLite federation). Memory is still freed by reference counting;
    any cycles left are collected once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def export_federation(url: str) -> dict[str, bytes]:
    """``councils record export``: the files of the public record (no private key)."""
    engine = create_engine(url)
    try:
        return export_record(engine)
    finally:
        engine.dispose()
