"""What the API and the pages share: the unit of work factory, the clock, the supply, a gate.

The app never creates an engine itself: whoever serves it (``councils serve``, ``councils
demo``, a test) passes a factory that returns a fresh unit of work per request, over SQLite,
PostgreSQL or memory. Reads go through read-only snapshots where storage offers them
(``read_factory``, which ``serve`` and ``demo`` wire from
:func:`councils.service.bootstrap.open_reader`), else through units of work never committed.

Why a gate: writes are serialised within one process (SQLite allows one writer at a time, and a
batch decides against the state it reads, so two batches interleaving could only fail later).
Reads pass freely when the storage isolates transactions (SQL); the in-memory unit of work
does not (its rollback restores a copy of the whole state), so over memory reads take the same
lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from councils.domain.commands import Command
from councils.domain.context import Supply
from councils.service.bus import Result, execute
from councils.service.uow import ReadFactory, Reading, UnitOfWork

if TYPE_CHECKING:
    from councils.storage.accounts import SqlAccounts

__all__ = ["Backend", "UowFactory", "utc_now"]

UowFactory = Callable[[], UnitOfWork]
T = TypeVar("T")


def utc_now() -> str:
    """The time a command is received, stamped on commands that carry no ``at``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Backend:
    """How requests reach storage.

    ``supply`` makes the :class:`~councils.domain.context.Supply` for one batch (default: the
    bus's own, random tokens and seeds from the record); ``log`` names the record in receipts
    and tree heads; ``isolated_reads`` says whether reads may run beside a write.
    ``accounts`` are who may log in (``None``: nobody can, so every command is refused with
    401); ``secure_cookies`` marks the session cookie Secure (sent over HTTPS only).
    """

    uow_factory: UowFactory
    clock: Callable[[], str] | None = utc_now
    supply: Callable[[UnitOfWork], Supply] | None = None
    log: str = "councils"
    isolated_reads: bool = True
    read_factory: ReadFactory | None = None
    accounts: SqlAccounts | None = None
    secure_cookies: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def reading(self) -> Iterator[Reading]:
        """The state and record to read from: a read-only snapshot where storage offers one
        (``read_factory``: no writers' lock, so reads never queue behind a batch), else a unit
        of work that is never committed."""
        if self.read_factory is not None:
            with self.read_factory() as snapshot:
                yield snapshot
            return
        gate: AbstractContextManager[object] = nullcontext() if self.isolated_reads else self._lock
        with gate, self.uow_factory() as uow:
            yield uow

    def run(
        self,
        commands: Sequence[Command | Mapping[str, object]],
        then: Callable[[list[Result], UnitOfWork], T],
    ) -> T:
        """Run one batch, all or nothing (errors carry the failing command's ``index``), then
        ``then(results, uow)`` with the unit of work that ran it, before any other batch runs:
        its record is the record as this batch left it, and a SQL unit of work still holds the
        receipts it issued as it appended."""
        with self._lock:
            uow = self.uow_factory()
            supply = self.supply(uow) if self.supply is not None else None
            results = execute(commands, uow, supply=supply, clock=self.clock)
            return then(results, uow)
