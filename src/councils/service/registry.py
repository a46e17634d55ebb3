"""The command registry: one name, one command dataclass, one decide function.

The same names run through the API (``POST /api/commands``), ``councils apply FILE.jsonl``, the
docs (docs/commands/<name>.md) and the tests; a test checks that every registered name has its
page and its test. A name registered twice is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from councils.domain import elections, federation, membership, organisers, recalls
from councils.domain.commands import (
    AppointOrganiser,
    CastBallot,
    CloseElection,
    Command,
    CreateConstituency,
    CreateCouncil,
    CreateFaction,
    JoinConstituency,
    LeaveFederation,
    NominateCandidate,
    OpenElection,
    RegisterMember,
    SignRecall,
    WithdrawSignature,
)
from councils.domain.context import Context
from councils.domain.errors import InvalidCommand
from councils.domain.events import Event
from councils.domain.view import StateView

__all__ = ["COMMANDS", "CommandRegistry", "Decide", "Handler"]

Decide = Callable[[Any, StateView, Context], list[Event]]


@dataclass(frozen=True)
class Handler:
    name: str
    command: type[Command]
    decide: Decide


class CommandRegistry:
    """Handlers by command name."""

    def __init__(self) -> None:
        self._by_name: dict[str, Handler] = {}
        self._by_type: dict[type[Command], Handler] = {}

    def register(self, command: type[Command], decide: Decide) -> None:
        name = command.command
        if not name or name in self._by_name:
            raise ValueError(f"command {name!r} is registered twice (or has no name)")
        handler = Handler(name, command, decide)
        self._by_name[name] = handler
        self._by_type[command] = handler

    def get(self, name: str) -> Handler:
        try:
            return self._by_name[name]
        except KeyError:
            raise InvalidCommand(
                "command.unknown",
                f"unknown command {name!r}; known commands: {', '.join(self.names())}",
                {"command": name},
            ) from None

    def for_command(self, command: Command) -> Handler:
        try:
            return self._by_type[type(command)]
        except KeyError:
            raise InvalidCommand(
                "command.unknown", f"unknown command {type(command).__name__}", {}
            ) from None

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def __iter__(self) -> Iterator[Handler]:
        return iter(self._by_name[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._by_name)


def _default() -> CommandRegistry:
    registry = CommandRegistry()
    for command, decide in (
        (CreateCouncil, federation.create_council),
        (CreateConstituency, federation.create_constituency),
        (CreateFaction, federation.create_faction),
        (AppointOrganiser, organisers.appoint),
        (RegisterMember, membership.register),
        (JoinConstituency, membership.join),
        (LeaveFederation, membership.leave),
        (OpenElection, elections.open_election),
        (NominateCandidate, elections.nominate),
        (CastBallot, elections.cast),
        (CloseElection, elections.close),
        (SignRecall, recalls.sign),
        (WithdrawSignature, recalls.withdraw),
    ):
        registry.register(command, decide)
    return registry


#: Every command Councils knows.
COMMANDS = _default()
