"""election.open, election.nominate, ballot.cast, election.close (councils.domain.elections)."""

from __future__ import annotations

from councils.domain.constitution import parse_constitution
from councils.domain.errors import Conflict, InvalidCommand, NotPermitted, RuleViolation
from councils.testing import InMemoryUnitOfWork
from councils.testing.scenarios import petrograd

PLURALITY = parse_constitution({"methods": {"single": "plurality", "multi": "plurality"}})


def test_election_open_fixes_seats_method_secrecy_and_vacancy_rule() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2", "m3"])
    assert fed.record.entries[-1] == {
        "type": "election.opened",
        "v": 1,
        "election": "e1",
        "constituency": "putilov",
        "seats": [1, 2],
        "candidates": ["m1", "m2", "m3"],
        "method": "scottish-stv",
        "ballot": "secret",
        "vacancy": "countback",
        "cause": "command",
    }
    fed("election.open", election="e2", constituency="vyborg", candidates=["m6"])
    assert fed.view.election("e2").method == "irv"


def test_election_open_in_a_council_constituency_is_open_voting_by_default() -> None:
    fed = petrograd()
    fed.elect("e1", "vyborg", ["m6"], {"m6": ["m6"]})
    fed("election.open", election="e2", constituency="city-delegation", candidates=["m6"])
    assert not fed.view.election("e2").secret


def test_election_open_follows_the_constituency_then_the_councils_override() -> None:
    constitution = parse_constitution(
        {"councils": {"city": {"methods": {"multi": "plurality"}, "ballots": {"secret": False}}}}
    )
    fed = petrograd(constitution)
    fed("election.open", election="e1", constituency="putilov", candidates=["m1"])
    election = fed.view.election("e1")
    assert (election.method, election.secret) == ("plurality", False)
    fed(
        "constituency.create",
        constituency="w",
        name="W",
        kind="workplace",
        council="city",
        seats=2,
        method="irv",
        secret=True,
    )
    fed("member.register", member="w1", name="W1", constituency="w")
    fed("election.open", election="e2", constituency="w", candidates=["w1"])
    assert (fed.view.election("e2").method, fed.view.election("e2").secret) == ("irv", True)


def test_election_open_refusals() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6"])
    assert isinstance(
        fed.refuses("election.exists", "election.open", election="e1", constituency="putilov"),
        Conflict,
    )
    fed.refuses("constituency.not_found", "election.open", election="e2", constituency="none")
    err = fed.refuses(
        "election.no_vacant_seat", "election.open", election="e2", constituency="vyborg"
    )
    assert isinstance(err, RuleViolation)
    err = fed.refuses(
        "election.duplicate_candidate",
        "election.open",
        election="e2",
        constituency="putilov",
        candidates=["m1", "m1"],
    )
    assert isinstance(err, InvalidCommand)
    fed.refuses(
        "member.not_found", "election.open", election="e2", constituency="putilov", candidates=["x"]
    )
    fed.refuses(
        "election.candidate_not_in_electorate",
        "election.open",
        election="e2",
        constituency="putilov",
        candidates=["m6"],
    )


def test_election_open_refuses_a_sitting_member_and_reserves_seats() -> None:
    fed = petrograd()
    fed.elect("e1", "putilov", ["m1"], {"m1": ["m1"]})  # one of two seats filled
    assert fed.holders("putilov") == ["m1", None]
    fed.refuses(
        "election.candidate_already_seated",
        "election.open",
        election="e2",
        constituency="putilov",
        candidates=["m1"],
    )
    fed("election.open", election="e2", constituency="putilov", candidates=["m2"])
    assert fed.view.election("e2").seats == (2,)
    fed.refuses("election.no_vacant_seat", "election.open", election="e3", constituency="putilov")


def test_election_nominate() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=["m1"])
    fed("election.nominate", election="e1", candidate="m2")
    assert fed.view.election("e1").candidates == ("m1", "m2")
    fed.refuses("election.already_candidate", "election.nominate", election="e1", candidate="m2")
    fed.refuses(
        "election.candidate_not_in_electorate", "election.nominate", election="e1", candidate="m6"
    )
    fed.refuses("election.not_found", "election.nominate", election="e9", candidate="m3")
    fed("ballot.cast", election="e1", voter="m1", ranking=["m1"])
    fed.refuses("election.voting_started", "election.nominate", election="e1", candidate="m3")
    fed("election.close", election="e1")
    fed.refuses("election.not_open", "election.nominate", election="e1", candidate="m3")


def test_ballot_cast_secret_records_that_the_member_voted_but_not_how() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2"])
    result = fed("ballot.cast", election="e1", voter="m3", ranking=["m2", "m1"])
    assert fed.record.entries[-1] == {
        "type": "ballot.cast",
        "v": 1,
        "election": "e1",
        "voter": "m3",
    }
    assert [e.type for e in result.events] == ["ballot.cast"]  # the sealed ballot is not returned
    assert fed.view.has_voted("e1", "m3")
    (ballot,) = fed.view.ballots("e1")
    assert (ballot.ranking, ballot.voter) == (("m2", "m1"), None)
    assert "ballot.sealed" not in fed.types()


def test_ballot_cast_open_records_the_ranking_with_the_voter() -> None:
    fed = petrograd()
    fed.elect("e1", "vyborg", ["m6"], {"m6": ["m6"]})
    fed.elect("e2", "putilov", ["m1", "m2"], {"m1": ["m1"], "m2": ["m1"]})
    fed("election.open", election="e3", constituency="city-delegation", candidates=["m1", "m6"])
    fed("ballot.cast", election="e3", voter="m6", ranking=["m1", "m6"])
    assert fed.record.entries[-1]["ranking"] == ["m1", "m6"]
    assert fed.view.ballots("e3")[0].voter == "m6"


def test_ballot_cast_refusals() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2"])
    fed.refuses("election.not_found", "ballot.cast", election="e9", voter="m1", ranking=[])
    err = fed.refuses(
        "ballot.not_own", "ballot.cast", election="e1", voter="m1", ranking=[], actor="m2"
    )
    assert isinstance(err, NotPermitted)
    fed.refuses("member.not_found", "ballot.cast", election="e1", voter="x", ranking=[])
    err = fed.refuses(
        "ballot.not_in_electorate", "ballot.cast", election="e1", voter="m6", ranking=["m1"]
    )
    assert isinstance(err, NotPermitted)
    fed.refuses(
        "ballot.repeated_candidate", "ballot.cast", election="e1", voter="m1", ranking=["m1", "m1"]
    )
    fed.refuses("ballot.not_a_candidate", "ballot.cast", election="e1", voter="m1", ranking=["m3"])
    fed("ballot.cast", election="e1", voter="m1", ranking=[], actor="m1")  # a blank ballot
    err = fed.refuses("ballot.already_cast", "ballot.cast", election="e1", voter="m1", ranking=[])
    assert isinstance(err, Conflict)
    fed("election.close", election="e1")
    fed.refuses("election.not_open", "ballot.cast", election="e1", voter="m2", ranking=[])


def test_election_close_seats_the_winners_in_order() -> None:
    fed = petrograd(PLURALITY)
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2", "m3"])
    for voter, ranking in {"m1": ["m2"], "m2": ["m2"], "m3": ["m3"], "m4": ["m2"]}.items():
        fed("ballot.cast", election="e1", voter=voter, ranking=ranking)
    result = fed("election.close", election="e1")
    assert [e.type for e in result.events] == ["election.closed", "seat.filled", "seat.filled"]
    closed = fed.record.entries[-3]
    assert closed["elected"][0] == "m2"
    assert closed["ballots"] == [
        {"count": 3, "ranking": ["m2"]},
        {"count": 1, "ranking": ["m3"]},
    ]
    assert fed.holders("putilov") == list(closed["elected"])  # type: ignore[call-overload]
    assert fed.view.election("e1").status == "closed"
    fed.refuses("election.not_open", "election.close", election="e1")


def test_election_close_withdraws_who_is_no_longer_eligible() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6", "m7"])
    fed("ballot.cast", election="e1", voter="m6", ranking=["m6"])
    fed("ballot.cast", election="e1", voter="m7", ranking=["m6", "m7"])
    fed("member.leave", member="m6")
    fed("election.close", election="e1")
    assert fed.record.entries[-2]["withdrawn"] == ["m6"]
    assert fed.holders("vyborg") == ["m7"]


def test_election_close_leaves_seats_it_cannot_fill_vacant() -> None:
    fed = petrograd()
    fed.elect("e1", "putilov", ["m1"], {})
    assert fed.holders("putilov") == ["m1", None]
    fed.elect("e2", "vyborg", [], {})
    assert fed.holders("vyborg") == [None]
    assert fed.view.election("e2").elected == ()


def test_election_close_draws_its_lots_from_the_supplied_seed() -> None:
    fed = petrograd(seed=7)
    fed.elect("e1", "vyborg", ["m6", "m7"], {"m6": ["m6"], "m7": ["m7"]})
    assert fed.record.entries[-2]["seed"] == 7
    assert fed.supply.draws[-1] == "election e1"


def test_rules_in_force_when_an_election_opened_stay_in_force() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6", "m7"])
    # The constitution changes; the open election keeps the rules it opened with.
    fed.uow = InMemoryUnitOfWork(PLURALITY, fed.uow.state, fed.uow.record)
    fed("election.close", election="e1")
    assert fed.view.election("e1").method == "irv"
    fed("election.open", election="e2", constituency="putilov", candidates=["m1"])
    assert fed.view.election("e2").method == "plurality"
