"""The unit of work and the record sink: what the message bus needs from storage.

One unit of work is one transaction: the state changes *and* the record entries of a batch of
commands are committed together or not at all. ``service/bootstrap.py`` (later) wires the SQL
one; :class:`councils.testing.InMemoryUnitOfWork` is the in-memory one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol

from councils.domain.constitution import Constitution
from councils.domain.view import StateStore, StateView
from councils.record.heads import SignedTreeHead

__all__ = ["ReadFactory", "Reading", "RecordSink", "UnitOfWork"]


class RecordSink(Protocol):
    """The public record, as the bus writes it (the Merkle log of :mod:`councils.record`).

    ``append`` takes one entry (a dict of strings, integers, lists and dicts with ``"type"`` and
    ``"v"``) and returns its 0-based index; ``head`` commits to every entry so far (the 32-byte
    Merkle root, RFC 9162), and lots are seeded from it; ``len`` is the number of entries.
    Appends made inside a unit of work vanish with its rollback.
    """

    def append(self, entry: Mapping[str, object]) -> int: ...
    def head(self) -> bytes: ...
    def __len__(self) -> int: ...
    def signed_head(self) -> SignedTreeHead | None:
        """The latest signed tree head, or ``None`` where this storage signs none (memory)."""
        ...


class Reading(Protocol):
    """What a reader needs: the state and the record, as of one moment. A unit of work is one;
    so is a read-only snapshot (:func:`councils.service.bootstrap.open_reader`), which takes no
    writers' lock."""

    @property
    def view(self) -> StateView: ...
    @property
    def record(self) -> RecordSink: ...


#: Opens a read-only snapshot: ``with read_factory() as reading: reading.view ...``.
ReadFactory = Callable[[], AbstractContextManager[Reading]]


class UnitOfWork(Protocol):
    """``with uow:`` begins a transaction; leaving it without ``commit()`` rolls it back."""

    @property
    def view(self) -> StateView: ...
    @property
    def store(self) -> StateStore: ...
    @property
    def record(self) -> RecordSink: ...
    @property
    def constitution(self) -> Constitution: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
