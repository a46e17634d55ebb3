"""The in-memory unit of work: state and record roll back together, as in one SQL transaction."""

from __future__ import annotations

from types import TracebackType

from councils.domain.constitution import DEFAULT, Constitution
from councils.testing.memory import InMemoryState
from councils.testing.record import InMemoryRecord

__all__ = ["InMemoryUnitOfWork"]


class InMemoryUnitOfWork:
    def __init__(
        self,
        constitution: Constitution = DEFAULT,
        state: InMemoryState | None = None,
        record: InMemoryRecord | None = None,
    ) -> None:
        self.state = state if state is not None else InMemoryState()
        self._record = record if record is not None else InMemoryRecord()
        self._constitution = constitution
        self._saved: tuple[object, int] | None = None
        self.commits = 0

    @property
    def view(self) -> InMemoryState:
        return self.state

    @property
    def store(self) -> InMemoryState:
        return self.state

    @property
    def record(self) -> InMemoryRecord:
        return self._record

    @property
    def constitution(self) -> Constitution:
        return self._constitution

    def __enter__(self) -> InMemoryUnitOfWork:
        self._saved = (self.state.checkpoint(), len(self._record))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            self.rollback()

    def commit(self) -> None:
        self._saved = None
        self.commits += 1

    def rollback(self) -> None:
        if self._saved is not None:
            checkpoint, size = self._saved
            self.state.restore(checkpoint)
            self._record.truncate(size)
            self._saved = None
