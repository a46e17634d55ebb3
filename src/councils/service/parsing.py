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
from collections.abc import Mapping
from dataclasses import MISSING, fields
from datetime import datetime
from typing import Any, Union

from councils.domain.commands import Command
from councils.domain.errors import InvalidCommand
from councils.domain.ids import Actor, Timestamp
from councils.service.registry import COMMANDS, CommandRegistry

__all__ = ["ID_PATTERN", "parse_command"]

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
    known = {f.name for f in fields(cls)}
    for key in data:
        if key != "command" and key not in known:
            raise InvalidCommand(
                "command.unknown_field",
                f'{name}: unknown field "{key}"',
                {"command": name, "field": str(key)},
            )
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        optional = _optional(hints[f.name])
        if f.name not in data or (data[f.name] is None and optional):
            if f.default is MISSING and f.default_factory is MISSING:
                raise InvalidCommand(
                    "command.missing_field",
                    f'{name}: missing field "{f.name}"',
                    {"command": name, "field": f.name},
                )
            continue
        kwargs[f.name] = _value(data[f.name], hints[f.name], name, f.name)
    return cls(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (Union, types.UnionType) and type(None) in typing.get_args(
        hint
    )


def _value(value: object, hint: Any, command: str, name: str) -> object:
    if _optional(hint):
        (hint,) = (a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is tuple:
        (item,) = typing.get_args(hint)[:1]
        if not isinstance(value, list) or not all(_ok(v, item) for v in value):
            raise _bad(command, name, f"a list of {_plural(item)}")
        return tuple(value)
    if not _ok(value, hint):
        raise _bad(command, name, _describe(hint))
    return value


def _ok(value: object, hint: Any) -> bool:
    if hint is Timestamp:
        return isinstance(value, str) and _is_timestamp(value)
    if hint is Actor:
        return isinstance(value, str) and bool(value)
    if getattr(hint, "__supertype__", None) is str:
        return isinstance(value, str) and ID_PATTERN.match(value) is not None
    if hint is str:
        return isinstance(value, str) and bool(value.strip())
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
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
