"""The rules of council democracy. Pure: no I/O, no clock, no randomness.

Commands (:mod:`~councils.domain.commands`) are decided by one module per family
(:mod:`~councils.domain.federation`, :mod:`~councils.domain.organisers`,
:mod:`~councils.domain.membership`, :mod:`~councils.domain.elections`,
:mod:`~councils.domain.recalls`) into events
(:mod:`~councils.domain.events`); :mod:`~councils.domain.projection` applies events to state;
:mod:`~councils.domain.policies` reacts to events (cascade, countback, recall thresholds). State
is read through :class:`~councils.domain.view.StateView` and written through
:class:`~councils.domain.view.StateStore`. See docs/architecture.md.

This package imports nothing that imports :mod:`councils.counting` (which imports
:mod:`councils.domain.errors`): import the constitution, the context and the command families
from their modules.
"""

from councils.domain.errors import (
    Conflict,
    CouncilError,
    InvalidCommand,
    NotFound,
    NotPermitted,
    ParseError,
    RecordCorrupt,
    RuleViolation,
)
from councils.domain.events import EVENT_TYPES, Event, from_entry, to_entry
from councils.domain.projection import apply
from councils.domain.snapshot import snapshot
from councils.domain.view import StateStore, StateView

__all__ = [
    "EVENT_TYPES",
    "Conflict",
    "CouncilError",
    "Event",
    "InvalidCommand",
    "NotFound",
    "NotPermitted",
    "ParseError",
    "RecordCorrupt",
    "RuleViolation",
    "StateStore",
    "StateView",
    "apply",
    "from_entry",
    "snapshot",
    "to_entry",
]
