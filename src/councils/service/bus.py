"""The message bus: runs a batch of commands in one unit of work.

For each command: parse it (if it is a JSON object), decide it against the current state, then
settle each event it yields: append it to the record (unless it is unrecorded: a sealed ballot),
apply it to the state (:func:`councils.domain.projection.apply`), and run the policies it sets
off (:func:`councils.domain.policies.react`), settling each event *they* yield in turn.

Settling is depth-first: an event's consequences (a cascade, a countback, a recall) are applied
before the next event is taken up. A first-in-first-out queue would let a policy decide on state
that a queued, not yet applied event is about to change; e.g. two countbacks in one constituency
could both choose the same runner-up. Depth-first, with policies that yield one event at a time,
every decision reads the state as it is.

The batch is all or nothing: any error rolls back the state and the record together and is
re-raised; a :class:`CouncilError` gets ``index``, the 0-based position of the command that
failed (the line of ``councils apply FILE.jsonl``, less one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from councils.domain.commands import Command
from councils.domain.context import Context, Supply
from councils.domain.errors import CouncilError
from councils.domain.events import Event, to_entry
from councils.domain.ids import Timestamp
from councils.domain.policies import react
from councils.domain.projection import apply
from councils.service.parsing import parse_command
from councils.service.registry import COMMANDS, CommandRegistry
from councils.service.supply import RecordSupply
from councils.service.uow import UnitOfWork

__all__ = ["Group", "Result", "execute", "execute_group", "parse_batch"]


@dataclass(frozen=True)
class Result:
    """What one command did: its recorded events and their record indices (a voter's receipt
    starts from the index of their ``ballot.cast``)."""

    index: int
    command: str
    events: tuple[Event, ...]
    entries: tuple[int, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index,
            "command": self.command,
            "events": [to_entry(e) for e in self.events],
            "entries": list(self.entries),
        }


def execute(
    commands: Iterable[Command | Mapping[str, object]],
    uow: UnitOfWork,
    *,
    registry: CommandRegistry = COMMANDS,
    supply: Supply | None = None,
    clock: Callable[[], str] | None = None,
) -> list[Result]:
    """Run ``commands`` (dataclasses or JSON objects) in one transaction of ``uow``.

    ``supply`` gives tokens, fresh ids and lot seeds (default: :class:`RecordSupply`, random
    tokens, seeds from the record's head); ``clock`` stamps ``at`` on commands that carry none.
    """
    with uow:
        source = supply if supply is not None else RecordSupply(uow)
        try:  # ``commands`` is read lazily: `councils apply` streams a file of any length
            results = _run_batch(_parsed(commands, registry, clock), uow, registry, source)
        except CouncilError:
            uow.rollback()
            raise
        uow.commit()
    return results


def parse_batch(
    commands: Iterable[Command | Mapping[str, object]],
    *,
    registry: CommandRegistry = COMMANDS,
    clock: Callable[[], str] | None = None,
) -> list[Command]:
    """Parse a batch and stamp ``at`` on the commands that carry none, before it waits for the
    writer: a refusal here names the failing command's ``index``, as :func:`execute`'s does."""
    return list(_parsed(commands, registry, clock))


def _parsed(
    commands: Iterable[Command | Mapping[str, object]],
    registry: CommandRegistry,
    clock: Callable[[], str] | None,
) -> Iterator[Command]:
    """Parse and stamp ``commands`` one at a time; a refusal gets the command's ``index``."""
    for index, item in enumerate(commands):
        try:
            command = item if isinstance(item, Command) else parse_command(item, registry)
        except CouncilError as err:
            err.index = index
            raise
        if command.at is None and clock is not None:
            command = replace(command, at=Timestamp(clock()))
        yield command


@dataclass(frozen=True)
class Group:
    """What :func:`execute_group` did: every batch's results (all committed), or the position
    of the batch that failed and its error (nothing committed)."""

    results: list[list[Result]]
    failed: int | None = None
    error: Exception | None = None


def execute_group(
    batches: Sequence[Sequence[Command]],
    uow: UnitOfWork,
    *,
    registry: CommandRegistry = COMMANDS,
    supply: Supply | None = None,
) -> Group:
    """Run parsed batches one after another in *one* transaction of ``uow`` (group commit):
    each decides on the state the ones before it left, exactly as if each had its own
    transaction, and one commit (one fsync, one signed tree head) makes them all durable.

    Each batch is still all or nothing for its sender: if one fails, the whole transaction is
    rolled back and :class:`Group` names it; the caller runs the batches before it again (they
    passed, against the same state, so they pass again) and those after it separately."""
    with uow:
        source = supply if supply is not None else RecordSupply(uow)
        done: list[list[Result]] = []
        for position, batch in enumerate(batches):
            try:
                done.append(_run_batch(batch, uow, registry, source))
            except Exception as err:  # refused, or a bug: only this batch fails
                uow.rollback()
                return Group([], position, err)
        uow.commit()
    return Group(done)


def _run_batch(
    commands: Iterable[Command], uow: UnitOfWork, registry: CommandRegistry, supply: Supply
) -> list[Result]:
    """Run ``commands`` in order; a refusal gets the failing command's ``index``."""
    results: list[Result] = []
    for index, command in enumerate(commands):
        try:
            results.append(_run(index, command, uow, registry, supply))
        except CouncilError as err:
            err.index = index
            raise
    return results


def _run(
    index: int, command: Command, uow: UnitOfWork, registry: CommandRegistry, supply: Supply
) -> Result:
    handler = registry.for_command(command)
    ctx = Context(supply, uow.constitution, command.actor)
    recorded: list[Event] = []
    entries: list[int] = []
    stack: list[Iterator[Event]] = [iter(handler.decide(command, uow.view, ctx))]
    while stack:
        event = next(stack[-1], None)
        if event is None:
            stack.pop()
            continue
        if event.recorded:
            entry = to_entry(event)
            if command.at is not None:
                entry["at"] = command.at
            entries.append(uow.record.append(entry))
            recorded.append(event)
        apply(event, uow.store)
        stack.append(react(event, uow.view, ctx))
    return Result(index, handler.name, tuple(recorded), tuple(entries))
