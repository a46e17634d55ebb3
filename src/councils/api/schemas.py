"""The documented shapes of the API, as pydantic models, so that ``/openapi.json`` says what
each route takes and returns.

Commands are not validated by these models: the bus parses them itself
(:func:`councils.service.parsing.parse_command`), so that the API refuses exactly what
``councils apply`` refuses, with the same codes and messages. :func:`command_models` builds one
model per registered command from the command's own dataclass, so the schema cannot drift from
the registry.
"""

from __future__ import annotations

import types
import typing
from dataclasses import MISSING, fields
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from councils.counting import REGISTRY
from councils.domain.entities import KINDS
from councils.domain.ids import Actor, Timestamp
from councils.service.parsing import ID_PATTERN
from councils.service.registry import COMMANDS, CommandRegistry

__all__ = [
    "CommandResult",
    "CommandsResponse",
    "ErrorBody",
    "Health",
    "ReceiptBody",
    "RecordHead",
    "State",
    "command_models",
    "commands_body_schema",
]

#: What each command does, in one line (the docs/commands/<name>.md page has the rest).
SUMMARIES: dict[str, str] = {
    "council.create": "Create a council.",
    "constituency.create": "Create a constituency that elects seats in a council.",
    "faction.create": "Create a faction.",
    "organiser.appoint": "Make someone (a member id or @handle) an organiser of a council.",
    "member.register": "Register a member in a workplace or territory constituency.",
    "member.join": "A member joins a further base constituency.",
    "member.leave": "A member leaves the federation; their seats are vacated.",
    "election.open": "Open an election for a constituency's vacant seats.",
    "election.nominate": "Add a candidate to an open election before voting starts.",
    "ballot.cast": "Cast a ranked ballot; the response carries the voter's receipt.",
    "election.close": "Close an election, count it and fill the seats.",
    "recall.sign": "Sign the petition to recall a delegate.",
    "recall.withdraw": "Withdraw a signature from a recall petition.",
}


class ErrorBody(BaseModel):
    """Every refusal: a stable ``code``, a message for people, its arguments, and in a batch the
    0-based ``index`` of the command that failed (``null`` outside a batch)."""

    code: str = Field(examples=["recall.not_in_electorate"])
    message: str
    args: dict[str, Any]
    index: int | None


class ReceiptBody(BaseModel):
    """A voter's receipt: their ``ballot.cast`` leaf and its inclusion proof at ``tree_size``
    (docs/record-format.md). Check it with ``councils record verify-receipt``."""

    type: Literal["record.receipt"]
    v: Literal[1]
    log: str
    leaf_index: int
    leaf_hash: str = Field(description="SHA-256 leaf hash, lower-case hex")
    tree_size: int
    proof: list[str]


class CommandResult(BaseModel):
    """What one command did: the record entries it appended and their indices."""

    index: int
    command: str
    events: list[dict[str, Any]]
    entries: list[int]
    receipt: ReceiptBody | None = Field(
        default=None, description="Only for ballot.cast: the voter's receipt."
    )


class RecordHead(BaseModel):
    """The record's size and Merkle root (RFC 9162), and the latest signed tree head when the
    storage signs heads."""

    size: int
    root: str = Field(description="Merkle tree hash, lower-case hex")
    signed: dict[str, Any] | None = None


class CommandsResponse(BaseModel):
    results: list[CommandResult]
    record: RecordHead


class CouncilSeat(BaseModel):
    constituency: str
    holder: str | None


class CouncilState(BaseModel):
    council: str
    name: str
    organisers: list[str] = Field(description="Who organises it: member ids and @handles.")
    seats: list[CouncilSeat]


class ConstituencyState(BaseModel):
    constituency: str
    kind: Literal["workplace", "territory", "council"]
    council: str
    of: str | None
    seats: int
    electorate: int
    holders: list[str]


class ElectionState(BaseModel):
    election: str
    constituency: str
    status: Literal["open", "closed"]
    elected: list[str]


class RecallState(BaseModel):
    constituency: str
    delegate: str
    signatures: int = Field(description="Counted signatures: signers in the electorate now.")
    threshold: int = Field(description="Signatures that would end the mandate now.")


class State(BaseModel):
    """The federation as it stands: ``councils state --json``."""

    councils: list[CouncilState]
    constituencies: list[ConstituencyState]
    elections: list[ElectionState]
    recalls: list[RecallState]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["reachable", "unreachable"]
    record: dict[str, int] | None = Field(default=None, examples=[{"size": 11630}])
    error: str | None = None


# ---------------------------------------------------------------------------- commands


def _field_type(hint: Any) -> Any:
    """The pydantic type of a command field, from the dataclass's hint (the same rules
    :mod:`councils.service.parsing` applies)."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        (inner,) = (a for a in typing.get_args(hint) if a is not type(None))
        return _field_type(inner) | None
    if typing.get_origin(hint) is tuple:
        return list[_field_type(typing.get_args(hint)[0])]  # type: ignore[misc]
    if hint is Timestamp:
        return Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    if hint is Actor or hint is str:
        return Annotated[str, Field(min_length=1)]
    if getattr(hint, "__supertype__", None) is str:
        return Annotated[str, Field(pattern=ID_PATTERN.pattern)]
    return hint


_ENVELOPE = ("at", "actor")


def _choices() -> dict[tuple[str, str], tuple[str, ...]]:
    """Fields that take one of a fixed set of values, so that the schema lists them (the
    domain refuses any other: ``constituency.bad_kind``, an unknown method)."""
    return {
        ("constituency.create", "kind"): tuple(KINDS),
        ("constituency.create", "method"): tuple(REGISTRY.names()),
    }


def command_models(registry: CommandRegistry = COMMANDS) -> dict[str, type[BaseModel]]:
    """One model per registered command: ``command`` (its name) and its fields."""
    out: dict[str, type[BaseModel]] = {}
    for handler in registry:
        cls = handler.command
        hints = typing.get_type_hints(cls)
        spec: dict[str, Any] = {"command": (Literal[handler.name], ...)}
        envelope = [f for f in fields(cls) if f.name in _ENVELOPE]
        choices = _choices()
        for f in [*(f for f in fields(cls) if f.name not in _ENVELOPE), *envelope]:
            required = f.default is MISSING and f.default_factory is MISSING
            kind = _field_type(hints[f.name])
            if (handler.name, f.name) in choices:
                kind = Literal[choices[handler.name, f.name]]
                kind = kind if required else kind | None
            spec[f.name] = (kind, ... if required else None)
        title = "".join(p.capitalize() for p in handler.name.replace(".", "_").split("_"))
        title += "Command"
        # ``extra="forbid"``: the bus refuses a field it does not know (command.unknown_field),
        # so the schema says ``additionalProperties: false``.
        model = create_model(
            title,
            __doc__=SUMMARIES.get(handler.name, handler.name),
            __config__=ConfigDict(extra="forbid"),
            **spec,
        )
        out[handler.name] = model
    return out


def commands_body_schema(
    registry: CommandRegistry = COMMANDS,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON schema of a ``POST /api/commands`` body (one command, or a list of them) and
    the component schemas it refers to."""
    models: Any = tuple(command_models(registry).values())
    one: Any = Annotated[Union[models], Field(discriminator="command")]  # noqa: UP007
    # At least one command in a list: the bus refuses an empty one (request.empty_batch).
    batch: Any = Annotated[list[one], Field(min_length=1)]
    adapter: TypeAdapter[Any] = TypeAdapter(Union[one, batch])  # noqa: UP007
    schema = adapter.json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return schema, defs
