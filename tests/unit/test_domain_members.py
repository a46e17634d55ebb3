"""member.register, member.join, member.leave (councils.domain.membership)."""

from __future__ import annotations

from councils.domain.errors import NotPermitted, RuleViolation
from councils.testing.scenarios import petrograd


def test_member_register_puts_the_member_in_the_electorate() -> None:
    fed = petrograd()
    fed("faction.create", faction="left", name="Left")
    fed("member.register", member="m9", name="Nina", constituency="putilov", faction="left")
    assert fed.view.member("m9").faction == "left"
    assert fed.view.in_electorate("putilov", "m9")
    assert fed.view.electorate_size("putilov") == 6
    assert fed.record.entries[-1] == {
        "type": "member.registered",
        "v": 1,
        "member": "m9",
        "name": "Nina",
        "constituency": "putilov",
        "faction": "left",
    }


def test_member_register_refusals() -> None:
    fed = petrograd()
    fed.refuses("member.exists", "member.register", member="m1", name="X", constituency="putilov")
    fed.refuses(
        "constituency.not_found", "member.register", member="m9", name="X", constituency="nowhere"
    )
    err = fed.refuses(
        "member.council_constituency",
        "member.register",
        member="m9",
        name="X",
        constituency="city-delegation",
    )
    assert isinstance(err, RuleViolation)
    fed.refuses(
        "faction.not_found",
        "member.register",
        member="m9",
        name="X",
        constituency="putilov",
        faction="none",
    )


def test_member_join_adds_a_further_constituency() -> None:
    fed = petrograd()
    fed("member.join", member="m1", constituency="vyborg")
    assert fed.view.memberships("m1") == ("putilov", "vyborg")
    assert fed.view.in_electorate("vyborg", "m1")
    fed.refuses("member.already_in_constituency", "member.join", member="m1", constituency="vyborg")
    fed.refuses("member.not_found", "member.join", member="m99", constituency="vyborg")
    fed.refuses(
        "member.council_constituency", "member.join", member="m1", constituency="city-delegation"
    )


def test_member_leave_ends_every_membership_and_the_id_stays_taken() -> None:
    fed = petrograd()
    fed("member.join", member="m1", constituency="vyborg")
    fed("member.leave", member="m1")
    assert fed.record.entries[-1] == {
        "type": "member.left",
        "v": 1,
        "member": "m1",
        "constituencies": ["putilov", "vyborg"],
    }
    assert not fed.view.member("m1").active
    assert not fed.view.in_electorate("putilov", "m1")
    assert fed.view.memberships("m1") == ()
    fed.refuses("member.left", "member.leave", member="m1")
    fed.refuses("member.left", "member.join", member="m1", constituency="putilov")
    fed.refuses("member.exists", "member.register", member="m1", name="X", constituency="putilov")


def test_member_leave_only_by_the_member_themselves() -> None:
    fed = petrograd()
    err = fed.refuses("member.not_self", "member.leave", member="m1", actor="m2")
    assert isinstance(err, NotPermitted)
    fed("member.leave", member="m1", actor="m1")


def test_member_leave_vacates_their_seat_and_it_is_counted_back() -> None:
    fed = petrograd()
    fed.elect(
        "e1",
        "vyborg",
        ["m6", "m7"],
        {"m6": ["m6", "m7"], "m7": ["m7", "m6"]},
    )
    holder = fed.holders("vyborg")[0]
    other = "m7" if holder == "m6" else "m6"
    fed("member.leave", member=holder)
    assert fed.types()[-4:] == ["member.left", "seat.vacated", "countback.held", "seat.filled"]
    assert fed.record.entries[-3]["reason"] == "left"
    assert fed.holders("vyborg") == [other]
