"""Commands from JSON: ``{"command": "recall.sign", "constituency": ..., ...}`` → a frozen
command dataclass, or an :class:`InvalidCommand` that names the field
(``ballot.cast: field "ranking" must be a list of member ids``).

The checks follow the dataclass's own type hints, so a new command needs no parser of its own.
Ids are 1 to 128 characters of letters, digits and ``. _ : - ~``, starting with a letter or
digit (the ids the service makes itself look like ``vyborg~41``); ``at`` must be an ISO 8601
timestamp.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from typing import Any, Union

from councils.domain.commands import Command
from councils.domain.errors import InvalidCommand
from councils.domain.ids import Actor, Timestamp
from councils.service.registry import COMMANDS, CommandRegistry

__all__ = ["ID_PATTERN", "parse_command"]

#: An id. Check it with ``fullmatch``: ``$`` also matches before a final newline, so ``match``
#: would let ``"m1\n"`` through; the pattern itself stays one that JSON Schema (ECMA-262)
#: reads the same way, for the OpenAPI document.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$")


def parse_command(data: object, registry: CommandRegistry = COMMANDS) -> Command:
    """The command ``data`` (a decoded JSON object) asks for."""
    if not isinstance(data, Mapping):
        raise InvalidCommand("command.not_object", "a command must be a JSON object", {})
    name = data.get("command")
    if not isinstance(name, str):
        raise InvalidCommand(
            "command.missing_name", 'a command needs "command": its name, such as "recall.sign"'
        )
    cls = registry.get(name).command
    known, specs = _spec(cls)
    for key in data:
        if key != "command" and key not in known:
            raise InvalidCommand(
                "command.unknown_field",
                f'{name}: unknown field "{key}"',
                {"command": name, "field": str(key)},
            )
    kwargs: dict[str, Any] = {}
    for f in specs:
        if f.name not in data or (data[f.name] is None and f.optional):
            if f.required:
                raise InvalidCommand(
                    "command.missing_field",
                    f'{name}: missing field "{f.name}"',
                    {"command": name, "field": f.name},
                )
            continue
        kwargs[f.name] = f.convert(data[f.name], name)
    return cls(**kwargs)


@dataclass(frozen=True)
class _Field:
    """How one field of a command class is parsed, worked out once per class from its type
    hints (a million commands of one kind ask the same questions of ``typing`` otherwise)."""

    name: str
    optional: bool
    required: bool
    convert: Callable[[object, str], object]


_SPECS: dict[type, tuple[frozenset[str], tuple[_Field, ...]]] = {}


def _spec(cls: type) -> tuple[frozenset[str], tuple[_Field, ...]]:
    """The names of ``cls``'s fields, and how each is parsed."""
    found = _SPECS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        specs = tuple(
            _Field(
                f.name,
                _optional(hints[f.name]),
                f.default is MISSING and f.default_factory is MISSING,
                _converter(hints[f.name], f.name),
            )
            for f in fields(cls)
        )
        found = _SPECS[cls] = (frozenset(f.name for f in specs), specs)
    return found


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType) and type(None) in typing.get_args(
        hint
    )


def _converter(hint: Any, name: str) -> Callable[[object, str], object]:
    """The value of field ``name`` (of type ``hint``) from JSON, or the error that names it."""
    if _optional(hint):
        (hint,) = (a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is tuple:
        (item,) = typing.get_args(hint)[:1]
        each = _check(item)
        expected = f"a list of {_plural(item)}"

        def listing(value: object, command: str) -> object:
            if not isinstance(value, list) or not all(each(v) for v in value):
                raise _bad(command, name, expected)
            return tuple(value)

        return listing
    ok = _check(hint)
    described = _describe(hint)

    def scalar(value: object, command: str) -> object:
        if not ok(value):
            raise _bad(command, name, described)
        return value

    return scalar


def _check(hint: Any) -> Callable[[object], bool]:
    """Whether a JSON value is one of ``hint``."""
    if hint is Timestamp:
        return lambda v: isinstance(v, str) and _is_timestamp(v)
    if hint is Actor:
        return lambda v: isinstance(v, str) and bool(v)
    if getattr(hint, "__supertype__", None) is str:
        match = ID_PATTERN.fullmatch
        return lambda v: isinstance(v, str) and match(v) is not None
    if hint is str:
        return lambda v: isinstance(v, str) and bool(v.strip())
    if hint is bool:
        return lambda v: isinstance(v, bool)
    if hint is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    raise TypeError(f"no parser for {hint!r}")  # a bug in a command's declaration


def _is_timestamp(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _words(hint: Any) -> str:
    """``MemberId`` → ``member id``."""
    name = getattr(hint, "__name__", "value")
    return re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()


def _describe(hint: Any) -> str:
    if hint is Timestamp:
        return "an ISO 8601 timestamp"
    if hint is str or hint is Actor:
        return "a non-empty string"
    if hint is bool:
        return "true or false"
    if hint is int:
        return "an integer"
    words = _words(hint)
    return ("an " if words[0] in "aeiou" else "a ") + words


def _plural(hint: Any) -> str:
    if hint is str:
        return "strings"
    return _words(hint) + "s"


def _bad(command: str, name: str, expected: str) -> InvalidCommand:
    return InvalidCommand(
        "command.bad_field",
        f'{command}: field "{name}" must be {expected}',
        {"command": command, "field": name, "expected": expected},
    )
