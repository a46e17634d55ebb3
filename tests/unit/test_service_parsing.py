"""parse_command works out each command class's fields once (service/parsing.py): the answers,
refusals and messages must be those of reading the type hints afresh for every command."""

from __future__ import annotations

import pytest

from councils.domain.commands import CastBallot, CreateConstituency, RegisterMember
from councils.domain.errors import InvalidCommand
from councils.service import parse_command
from councils.service.registry import COMMANDS, CommandRegistry

_REGISTER = {"command": "member.register", "member": "m1", "name": "Ada", "constituency": "k"}


def _message(data: object) -> tuple[str, str]:
    with pytest.raises(InvalidCommand) as err:
        parse_command(data)
    return err.value.code, str(err.value)


def test_the_same_class_parses_the_same_way_many_times() -> None:
    for n in range(3):
        cmd = parse_command({**_REGISTER, "member": f"m{n}", "faction": "reds"})
        assert cmd == RegisterMember(f"m{n}", "Ada", "k", "reds")  # type: ignore[arg-type]
    assert parse_command(_REGISTER) == RegisterMember("m1", "Ada", "k")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"member": "m 1"}, 'member.register: field "member" must be a member id'),
        ({"member": "m1\n"}, 'member.register: field "member" must be a member id'),
        ({"name": " "}, 'member.register: field "name" must be a non-empty string'),
        ({"faction": 3}, 'member.register: field "faction" must be a faction id'),
        ({"at": "noon"}, 'member.register: field "at" must be an ISO 8601 timestamp'),
        ({"actor": ""}, 'member.register: field "actor" must be a non-empty string'),
        ({"colour": "red"}, 'member.register: unknown field "colour"'),
    ],
)
def test_each_kind_of_field_names_what_it_must_be(change: dict[str, object], message: str) -> None:
    assert _message({**_REGISTER, **change})[1] == message


def test_lists_integers_booleans_and_missing_fields() -> None:
    cast = {"command": "ballot.cast", "election": "e", "voter": "m1"}
    assert _message({**cast, "ranking": ["m2", "x y"]}) == (
        "command.bad_field",
        'ballot.cast: field "ranking" must be a list of member ids',
    )
    assert _message(cast) == ("command.missing_field", 'ballot.cast: missing field "ranking"')
    assert parse_command({**cast, "ranking": ["m2", "m3"]}) == CastBallot(
        "e",  # type: ignore[arg-type]
        "m1",  # type: ignore[arg-type]
        ("m2", "m3"),  # type: ignore[arg-type]
    )
    k = {
        "command": "constituency.create",
        "constituency": "k",
        "name": "K",
        "kind": "workplace",
        "council": "c",
        "seats": 2,
    }
    assert _message({**k, "seats": 2.0})[1] == (
        'constituency.create: field "seats" must be an integer'
    )
    assert _message({**k, "secret": "yes"})[1] == (
        'constituency.create: field "secret" must be true or false'
    )
    assert _message({**k, "seats": None})[0] == "command.bad_field"  # not optional: no null
    parsed = parse_command({**k, "secret": None, "of": None})
    assert parsed == CreateConstituency("k", "K", "workplace", "c", 2)  # type: ignore[arg-type]


def test_a_registry_of_its_own_parses_with_its_own_classes() -> None:
    registry = CommandRegistry()
    for handler in COMMANDS:
        if handler.name != "member.register":
            registry.register(handler.command, handler.decide)
    with pytest.raises(InvalidCommand) as err:
        parse_command(_REGISTER, registry)
    assert err.value.code == "command.unknown"
