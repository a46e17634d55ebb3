"""The message bus, the command registry, parsing, replay and state --json (councils.service)."""

from __future__ import annotations

import pytest

from councils.domain.commands import CreateCouncil
from councils.domain.errors import CouncilError, InvalidCommand, RecordCorrupt
from councils.domain.federation import create_council
from councils.domain.snapshot import snapshot
from councils.service import (
    COMMANDS,
    CommandRegistry,
    RecordSupply,
    execute,
    parse_command,
    replay,
    state_json,
)
from councils.testing import Federation, InMemoryUnitOfWork
from councils.testing.scenarios import petrograd


def test_a_batch_is_all_or_nothing_and_the_error_names_the_failing_command() -> None:
    fed = Federation()
    fed("council.create", council="city", name="City")
    before, size = fed.snapshot(), len(fed.record)
    with pytest.raises(CouncilError) as err:
        fed.run(
            {"command": "council.create", "council": "region", "name": "Region"},
            {"command": "faction.create", "faction": "left", "name": "Left"},
            {"command": "council.create", "council": "city", "name": "Again"},
        )
    assert (err.value.code, err.value.index) == ("council.exists", 2)
    assert err.value.to_dict()["index"] == 2
    assert fed.snapshot() == before and len(fed.record) == size


def test_a_malformed_command_in_a_batch_is_named_with_its_field_and_index() -> None:
    fed = Federation()
    with pytest.raises(InvalidCommand) as err:
        fed.run(
            {"command": "council.create", "council": "city", "name": "City"},
            {"command": "ballot.cast", "election": "e", "voter": "m", "ranking": "m1"},
        )
    assert str(err.value) == 'ballot.cast: field "ranking" must be a list of member ids'
    assert err.value.index == 1
    assert len(fed.record) == 0


_K = {
    "command": "constituency.create",
    "constituency": "k",
    "name": "K",
    "kind": "workplace",
    "council": "c",
    "seats": 2,
}
_C = {"command": "council.create", "council": "x", "name": "X"}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([], "command.not_object"),
        ({"council": "x"}, "command.missing_name"),
        ({"command": "council.burn"}, "command.unknown"),
        ({"command": "council.create", "council": "x"}, "command.missing_field"),
        ({**_C, "size": 3}, "command.unknown_field"),
        ({**_C, "council": "x y"}, "command.bad_field"),
        ({**_C, "name": ""}, "command.bad_field"),
        ({**_C, "at": "noon"}, "command.bad_field"),
        ({**_K, "seats": "2"}, "command.bad_field"),
        ({**_K, "secret": 1}, "command.bad_field"),
        ({**_K, "seats": True}, "command.bad_field"),
    ],
)
def test_parse_command_refusals(data: object, code: str) -> None:
    with pytest.raises(InvalidCommand) as err:
        parse_command(data)
    assert err.value.code == code


def test_parse_command_accepts_the_envelope_and_null_optionals() -> None:
    cmd = parse_command(
        {
            "command": "constituency.create",
            "constituency": "k",
            "name": "K",
            "kind": "workplace",
            "council": "c",
            "seats": 2,
            "of": None,
            "at": "2026-03-08T09:00:00+03:00",
            "actor": "clerk",
        }
    )
    assert (cmd.at, cmd.actor, cmd.of) == ("2026-03-08T09:00:00+03:00", "clerk", None)  # type: ignore[attr-defined]


def test_the_registry_refuses_a_name_twice_and_knows_every_command() -> None:
    registry = CommandRegistry()
    registry.register(CreateCouncil, create_council)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(CreateCouncil, create_council)
    assert len(COMMANDS) == 13
    assert "recall.sign" in COMMANDS.names()
    assert COMMANDS.get("recall.sign").name == "recall.sign"


def test_at_is_stamped_by_the_clock_and_written_in_every_entry() -> None:
    uow = InMemoryUnitOfWork()
    results = execute(
        [{"command": "council.create", "council": "c", "name": "C"}],
        uow,
        clock=lambda: "2026-03-08T09:00:00+00:00",
    )
    assert uow.record.entries[0]["at"] == "2026-03-08T09:00:00+00:00"
    assert results[0].to_json() == {
        "index": 0,
        "command": "council.create",
        "events": [{"type": "council.created", "v": 1, "council": "c", "name": "C"}],
        "entries": [0],
    }
    assert uow.commits == 1


def test_the_default_supply_seeds_from_the_record_and_makes_fresh_ids() -> None:
    uow = InMemoryUnitOfWork()
    supply = RecordSupply(uow)
    first = supply.seed("x")
    assert 0 <= first < 2**63 and supply.seed("y") != first
    execute([{"command": "council.create", "council": "c", "name": "C"}], uow)
    assert supply.seed("x") != first
    assert supply.new_id("k") != supply.new_id("k")
    assert len(supply.token()) == 32


def test_replay_of_the_record_gives_the_same_state() -> None:
    fed = petrograd()
    fed.elect("e1", "putilov", ["m1", "m2", "m3"], {"m1": ["m1"], "m2": ["m2"], "m4": ["m3"]})
    fed("election.open", election="e2", constituency="vyborg", candidates=["m6", "m7"])
    fed("ballot.cast", election="e2", voter="m6", ranking=["m7"])  # sealed, still open
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m3")
    assert snapshot(replay(fed.record.entries)) == fed.snapshot()
    fed("election.close", election="e2")
    assert snapshot(replay(fed.record.entries)) == fed.snapshot()


def test_replay_names_the_entry_that_does_not_apply() -> None:
    fed = petrograd()
    entries = list(fed.record.entries)
    entries.append(
        {
            "type": "seat.vacated",
            "v": 1,
            "constituency": "putilov",
            "seat": 1,
            "member": "m1",
            "election": "e1",
            "reason": "recalled",
        }
    )
    with pytest.raises(RecordCorrupt) as err:
        replay(entries)
    assert (err.value.code, err.value.index) == ("state.inconsistent", len(entries) - 1)


def test_state_json() -> None:
    fed = petrograd()
    fed.elect("e1", "vyborg", ["m6"], {"m6": ["m6"]})
    fed("recall.sign", constituency="vyborg", delegate="m6", signer="m7")
    state = state_json(fed.view)
    city = next(c for c in state["councils"] if c["council"] == "city")  # type: ignore[attr-defined, index]
    assert city["seats"] == [
        {"constituency": "putilov", "holder": None},
        {"constituency": "putilov", "holder": None},
        {"constituency": "vyborg", "holder": "m6"},
    ]
    vyborg = next(k for k in state["constituencies"] if k["constituency"] == "vyborg")  # type: ignore[attr-defined, index]
    assert vyborg == {
        "constituency": "vyborg",
        "kind": "territory",
        "council": "city",
        "of": None,
        "seats": 1,
        "electorate": 2,
        "holders": ["m6"],
    }
    assert state["elections"] == [
        {"election": "e1", "constituency": "vyborg", "status": "closed", "elected": ["m6"]}
    ]
    assert state["recalls"] == [
        {"constituency": "vyborg", "delegate": "m6", "signatures": 1, "threshold": 2}
    ]
