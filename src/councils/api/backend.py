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
from typing import TYPE_CHECKING, TypeVar, cast

from councils.domain.commands import Command
from councils.domain.context import Supply
from councils.service.bus import Result, execute_group, parse_batch
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
    _writer: UnitOfWork | None = field(default=None, repr=False)
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)
    _waiting: list[_Job] = field(default_factory=list, repr=False)
    _leading: bool = field(default=False, repr=False)

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
        ``then(results, uow)`` with the unit of work that ran it, after its commit and before
        the next transaction begins: its record is the record as its transaction left it, and
        a SQL unit of work still holds the receipts it issued as it appended.

        Group commit: batches that arrive while another transaction runs wait, and the next
        transaction runs all of them (up to :data:`GROUP_MAX`), each in turn on the state the
        ones before it left, and commits once: one fsync and one signed tree head for the
        group instead of one per batch. Whoever finds no transaction running leads: it runs
        the waiting batches, its own among them, while the others wait for their answers."""
        job = _Job(parse_batch(commands, clock=self.clock), then)
        with self._cond:
            self._waiting.append(job)
            while not job.done:
                if self._leading:
                    self._cond.wait()
                    continue
                self._leading = True
                group = self._waiting[:GROUP_MAX]
                del self._waiting[:GROUP_MAX]
                self._cond.release()
                try:
                    with self._lock:
                        self._run_group(group)
                finally:
                    self._cond.acquire()
                    self._leading = False
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error
        return cast(T, job.value)

    def _run_group(self, group: list[_Job]) -> None:
        """Run ``group`` in as few transactions as its refusals allow: all in one; if one is
        refused, it gets its error, the ones before it run again alone (and commit), then the
        ones after it, the same way."""
        if self._writer is None:
            self._writer = self.uow_factory()
        uow = self._writer
        todo = [group]
        while todo:
            jobs = todo.pop()
            try:
                supply = self.supply(uow) if self.supply is not None else None
                outcome = execute_group([j.commands for j in jobs], uow, supply=supply)
            except BaseException as exc:  # the transaction itself failed (connect, commit)
                for j in jobs:
                    j.error, j.done = exc, True
                if not isinstance(exc, Exception):
                    # an interrupt: answer every batch still to run, so no sender waits forever
                    for rest in todo:
                        for j in rest:
                            j.error, j.done = exc, True
                    raise
                continue
            if outcome.failed is None:
                for j, results in zip(jobs, outcome.results, strict=True):
                    try:
                        j.value = j.then(results, uow)
                    except Exception as exc:
                        j.error = exc
                    j.done = True
                continue
            k = outcome.failed
            jobs[k].error, jobs[k].done = outcome.error, True
            if jobs[k + 1 :]:
                todo.append(jobs[k + 1 :])
            if jobs[:k]:
                todo.append(jobs[:k])  # runs next: the order of the group is kept


#: The most batches one transaction runs.
GROUP_MAX = 64


@dataclass
class _Job:
    """A batch waiting for the writer, and then its answer (or its error)."""

    commands: list[Command]
    then: Callable[[list[Result], UnitOfWork], object]
    done: bool = False
    value: object = None
    error: BaseException | None = None
