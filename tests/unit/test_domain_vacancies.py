"""The policies (councils.domain.policies): cascade, countback, by-election, and seat.vacated
on member.leave, recall.sign and election.close."""

from __future__ import annotations

from councils.domain.constitution import parse_constitution
from councils.testing import Federation
from councils.testing.scenarios import petrograd

BY_ELECTION = parse_constitution({"vacancy": {"rule": "by-election"}})


def _three_levels(fed: Federation) -> None:
    """m1 (Putilov) sits in the city, the region and the executive."""
    fed.elect(
        "e1",
        "putilov",
        ["m1", "m2", "m3"],
        {"m1": ["m1", "m3"], "m2": ["m2", "m3"], "m3": ["m1", "m3"], "m4": ["m2", "m3"]},
    )
    fed.elect("e2", "vyborg", ["m6", "m7"], {"m6": ["m6", "m7"], "m7": ["m6", "m7"]})
    fed.elect("e3", "city-delegation", ["m1", "m6"], {"m1": ["m1"], "m2": ["m1"], "m6": ["m6"]})
    fed.elect("e4", "region-delegation", ["m1"], {"m1": ["m1"]})
    assert "m1" in fed.holders("putilov")
    assert fed.holders("city-delegation") == ["m1"]
    assert fed.holders("region-delegation") == ["m1"]


def _recall(fed: Federation, constituency: str, delegate: str, signers: list[str]) -> None:
    for signer in signers:
        fed("recall.sign", constituency=constituency, delegate=delegate, signer=signer)


def test_cascade_losing_the_city_seat_ends_the_seats_above_it_in_one_transaction() -> None:
    fed = petrograd()
    _three_levels(fed)
    _recall(fed, "putilov", "m1", ["m3", "m4", "m5"])
    vacated = [e for e in fed.record.entries if e["type"] == "seat.vacated"]
    assert [(e["constituency"], e["reason"]) for e in vacated] == [
        ("putilov", "recalled"),
        ("city-delegation", "cascade"),
        ("region-delegation", "cascade"),
    ]
    assert "m1" not in fed.holders("putilov")
    # Countback of e3 without m1 seats m6; e4 had only m1: an election opens by itself.
    assert fed.holders("city-delegation") == ["m6"]
    assert fed.holders("region-delegation") == [None]
    (auto,) = [e for e in fed.view.open_elections("region-delegation")]
    assert auto.seats == (1,) and auto.candidates == ()
    opened = [e for e in fed.record.entries if e["type"] == "election.opened"][-1]
    assert (opened["constituency"], opened["cause"]) == ("region-delegation", "vacancy")
    # Depth first: the cascade and its refills settle before Putilov's own countback.
    assert fed.types()[-2:] == ["countback.held", "seat.filled"]
    assert fed.record.entries[-1]["constituency"] == "putilov"


def test_no_cascade_while_the_member_still_holds_another_seat_in_that_council() -> None:
    fed = petrograd()
    fed("member.join", member="m1", constituency="vyborg")
    fed.elect("e1", "putilov", ["m1"], {"m1": ["m1"]})
    fed.elect("e2", "vyborg", ["m1"], {"m1": ["m1"]})
    fed.elect("e3", "city-delegation", ["m1"], {"m1": ["m1"]})
    _recall(fed, "vyborg", "m1", ["m6", "m7"])
    assert fed.holders("vyborg") == [None]
    assert fed.holders("city-delegation") == ["m1"]  # still seated in the city via Putilov


def test_member_leave_vacates_every_seat_from_the_top_down() -> None:
    fed = petrograd()
    _three_levels(fed)
    fed("member.leave", member="m1")
    vacated = [e for e in fed.record.entries if e["type"] == "seat.vacated"]
    assert [(e["constituency"], e["reason"]) for e in vacated] == [
        ("region-delegation", "left"),
        ("city-delegation", "left"),
        ("putilov", "left"),
    ]
    assert fed.view.seats_held_by("m1") == ()


def test_countback_gives_the_seat_to_the_next_in_the_recounts_order() -> None:
    fed = petrograd()
    fed.elect(
        "e1",
        "putilov",
        ["m1", "m2", "m3", "m4"],
        {
            "m1": ["m1", "m3"],
            "m2": ["m2", "m4"],
            "m3": ["m1", "m3"],
            "m4": ["m2", "m4"],
            "m5": ["m1", "m3"],
        },
    )
    assert sorted(fed.holders("putilov")) == ["m1", "m2"]  # type: ignore[type-var]
    fed("member.leave", member="m1")
    countback = next(e for e in fed.record.entries if e["type"] == "countback.held")
    assert countback["withdrawn"] == ["m1"]
    assert countback["election"] == "e1"
    assert "m2" in countback["order"]  # type: ignore[operator]
    filled = fed.record.entries[-1]
    assert (filled["type"], filled["member"], filled["by"]) == ("seat.filled", "m3", "countback")
    assert sorted(fed.holders("putilov")) == ["m2", "m3"]  # type: ignore[type-var]
    # The seat keeps its election, so a second vacancy recounts e1 again.
    assert {s.election for s in fed.view.seats("putilov")} == {"e1"}


def test_countback_withdraws_candidates_no_longer_eligible() -> None:
    fed = petrograd()
    fed.elect(
        "e1",
        "putilov",
        ["m1", "m2", "m3", "m4"],
        {"m1": ["m1", "m3", "m4"], "m2": ["m2", "m4"], "m3": ["m1", "m3", "m4"]},
    )
    fed("member.leave", member="m3")
    fed("member.leave", member="m1")
    countback = [e for e in fed.record.entries if e["type"] == "countback.held"][-1]
    assert countback["withdrawn"] == ["m1", "m3"]
    assert "m4" in fed.holders("putilov")


def test_vacancy_with_nobody_left_opens_an_election_that_fills_it() -> None:
    fed = petrograd()
    fed.elect("e1", "vyborg", ["m6"], {"m6": ["m6"], "m7": ["m6"]})
    fed("member.leave", member="m6")
    (auto,) = fed.view.open_elections("vyborg")
    assert auto.election.startswith("vyborg~")
    fed("election.nominate", election=auto.election, candidate="m7")
    fed("ballot.cast", election=auto.election, voter="m7", ranking=["m7"])
    fed("election.close", election=auto.election)
    assert fed.holders("vyborg") == ["m7"]


def test_by_election_rule_opens_an_election_instead_of_counting_back() -> None:
    fed = petrograd(BY_ELECTION)
    fed.elect("e1", "vyborg", ["m6", "m7"], {"m6": ["m6"], "m7": ["m6"]})
    fed("member.leave", member="m6")
    assert fed.types()[-3:] == ["member.left", "seat.vacated", "election.opened"]
    assert "countback.held" not in fed.types()
    assert fed.view.election(fed.view.open_elections("vyborg")[0].election).vacancy == "by-election"


def test_countback_in_a_council_constituency_only_seats_current_council_members() -> None:
    fed = petrograd()
    _three_levels(fed)
    # m6 loses the Vyborg seat: m6 is no longer in the city, so not eligible for city-delegation.
    _recall(fed, "vyborg", "m6", ["m6", "m7"])
    _recall(fed, "city-delegation", "m1", ["m1", "m2"])
    countback = [e for e in fed.record.entries if e["type"] == "countback.held"][-1]
    assert countback["constituency"] == "city-delegation"
    assert "m6" in countback["withdrawn"]  # type: ignore[operator]
    assert fed.holders("city-delegation")[0] != "m6"
