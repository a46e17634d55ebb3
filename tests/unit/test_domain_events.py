"""Events as record entries (councils.domain.events): encodable, and decoded back exactly."""

from __future__ import annotations

import pytest

from councils.domain.errors import RecordCorrupt
from councils.domain.events import (
    EVENT_TYPES,
    BallotCast,
    BallotGroup,
    ElectionClosed,
    MemberLeft,
    from_entry,
    to_entry,
)
from councils.record import canonical
from councils.testing.scenarios import petrograd


def test_every_recorded_entry_of_a_busy_federation_decodes_to_the_same_entry() -> None:
    fed = petrograd()
    fed("faction.create", faction="left", name="Left")
    fed("organiser.appoint", council="city", organiser="@olga")
    fed("member.join", member="m7", constituency="putilov")
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2"])
    fed("election.nominate", election="e1", candidate="m3")
    fed("ballot.cast", election="e1", voter="m1", ranking=["m1"])
    fed("ballot.cast", election="e1", voter="m4", ranking=["m2", "m1"])
    fed("election.close", election="e1")
    fed.elect("e2", "vyborg", ["m6"], {"m6": ["m6"]})
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m3")
    fed("recall.withdraw", constituency="putilov", delegate="m2", signer="m3")
    fed.elect("e3", "city-delegation", ["m6", "m1"], {"m6": ["m1"]})
    for signer in ("m3", "m4", "m5", "m7"):
        fed("recall.sign", constituency="putilov", delegate="m1", signer=signer)
    fed("member.leave", member="m6")
    seen = set()
    for entry in fed.record.entries:
        assert to_entry(from_entry(entry)) == entry
        seen.add(entry["type"])
    assert seen == {name for name, cls in EVENT_TYPES.items() if cls.recorded}


def test_entries_hold_only_strings_integers_lists_and_dicts() -> None:
    def walk(value: object) -> None:
        assert not isinstance(value, bool | float) and value is not None
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert isinstance(value, str | int)

    closed = ElectionClosed("e", ("a",), (), 3, (BallotGroup(2, ("a", "b")),))
    for event in (closed, BallotCast("e", "m"), MemberLeft("m", ())):  # type: ignore[arg-type]
        walk(to_entry(event))


def test_entries_pass_the_records_canonical_encoding() -> None:
    fed = petrograd()
    fed.elect("e1", "putilov", ["m1", "m2"], {"m1": ["m1"], "m2": ["m2", "m1"]})
    for entry in fed.record.entries:
        assert canonical.decode(canonical.encode(entry)) == entry


def test_every_event_type_is_dotted_past_tense_and_versioned() -> None:
    for name, cls in EVENT_TYPES.items():
        assert name == cls.type and "." in name and cls.v >= 1


_J = {"type": "member.joined", "v": 1, "member": "m", "constituency": "k"}
_F = {"type": "seat.filled", "v": 1, "constituency": "k", "seat": 1, "member": "m", "election": "e"}
_X = {"type": "election.closed", "v": 1, "election": "e", "elected": []}


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"type": "seat.exploded", "v": 1}, "record.unknown_type"),
        ({**_J, "v": 2}, "record.unknown_version"),
        ({"type": "member.joined", "v": 1, "member": "m"}, "record.missing_field"),
        ({**_J, "x": 1}, "record.unexpected_field"),
        ({**_J, "member": 3}, "record.bad_field"),
        ({"type": "member.left", "v": 1, "member": "m", "constituencies": "k"}, "record.bad_field"),
        ({**_F, "seat": True}, "record.bad_field"),
        ({**_X, "ballots": [3]}, "record.bad_field"),
        ({**_X, "ballots": [{"count": 1}]}, "record.missing_field"),
    ],
)
def test_a_malformed_entry_is_refused_by_name(entry: dict[str, object], code: str) -> None:
    with pytest.raises(RecordCorrupt) as err:
        from_entry(entry)
    assert err.value.code == code


def test_the_envelope_at_is_allowed() -> None:
    entry = {"type": "member.joined", "v": 1, "member": "m", "constituency": "k", "at": "2026"}
    assert from_entry(entry) == from_entry({k: v for k, v in entry.items() if k != "at"})
