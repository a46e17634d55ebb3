"""Replay: the record, entry by entry, into empty state — what ``councils verify`` compares with
the stored state (through :func:`councils.domain.snapshot.snapshot`).

Replay decides nothing and counts nothing: each entry is decoded and applied by the same
projection the bus uses, so the record alone determines the state. An entry that does not decode,
or does not apply (a seat vacated by someone who does not hold it), raises
:class:`~councils.domain.errors.RecordCorrupt` with ``index`` set to its position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from councils.domain.errors import CouncilError
from councils.domain.events import from_entry
from councils.domain.projection import apply
from councils.domain.view import StateStore
from councils.testing.memory import InMemoryState

__all__ = ["replay", "replay_into"]


def replay(entries: Iterable[Mapping[str, object]]) -> InMemoryState:
    """A fresh in-memory state holding what ``entries`` say."""
    state = InMemoryState()
    replay_into(entries, state)
    return state


def replay_into(entries: Iterable[Mapping[str, object]], store: StateStore) -> None:
    for index, entry in enumerate(entries):
        try:
            apply(from_entry(entry), store)
        except CouncilError as err:
            err.index = index
            raise
