"""Instant runoff: hand-checked counts (src/councils/counting/methods/irv.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from councils.counting import Profile
from councils.counting.lots import lot_order
from councils.counting.methods.irv import count_irv
from councils.domain.errors import InvalidCommand

CITIES = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]


def test_tennessee_capital_example_elects_knoxville() -> None:
    # The worked example of Wikipedia's "Instant-runoff voting" article (voters as percents).
    ballots = (
        [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
        + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
        + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
        + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
    )
    result = count_irv(Profile.from_ballots(CITIES, ballots), 1)
    assert result.elected_names == ["Knoxville"]
    r1, r2, r3 = result.rounds
    assert r1.totals == (Decimal(42), Decimal(26), Decimal(15), Decimal(17))
    assert r1.excluded == (2,)  # Chattanooga
    assert r2.totals == (Decimal(42), Decimal(26), Decimal(0), Decimal(32))
    assert r2.transfers == (Decimal(0), Decimal(0), Decimal(-15), Decimal(15))
    assert r2.excluded == (1,)  # Nashville
    assert r3.totals == (Decimal(42), Decimal(0), Decimal(0), Decimal(58))
    assert r3.elected == (3,)


def test_a_first_round_majority_ends_the_count() -> None:
    p = Profile.from_ballots(["a", "b", "c"], [["a"]] * 6 + [["b", "a"]] * 3 + [["c"]] * 2)
    result = count_irv(p, 1)
    assert result.elected_names == ["a"]
    assert len(result.rounds) == 1


def test_exhausted_ballots_do_not_count_towards_the_majority() -> None:
    # After c is excluded its 2 ballots exhaust: a has 4 of the 7 continuing votes (a majority),
    # though only 4 of all 9 ballots.
    p = Profile.from_ballots(["a", "b", "c"], [["a"]] * 4 + [["b"]] * 3 + [["c"]] * 2)
    result = count_irv(p, 1)
    assert result.elected_names == ["a"]
    last = result.rounds[-1]
    assert last.non_transferable == Decimal(2)
    assert "4 of 7" in last.notes[0]


def test_a_tie_for_exclusion_is_broken_by_the_earlier_round() -> None:
    # Round 1: a 10, b 6, c 5, d 2 -> d out; one of d's ballots goes to c, one exhausts.
    # Round 2: a 10, b 6, c 6 (tie); in round 1 c had fewer (5 < 6), so c is excluded, and c's
    # ballots elect b. Had b been excluded instead, b's ballots would have elected a.
    ballots = [["a"]] * 10 + [["b", "a"]] * 6 + [["c", "b"]] * 5 + [["d", "c", "b"]] + [["d"]]
    result = count_irv(Profile.from_ballots(["a", "b", "c", "d"], ballots), 1)
    assert [r.excluded for r in result.rounds[:2]] == [(3,), (2,)]
    assert "broken by round 1" in result.rounds[1].notes[-1]
    assert result.elected_names == ["b"]


def test_a_tie_in_every_round_is_broken_by_lot_and_reported() -> None:
    names = ["a", "b", "c"]
    p = Profile.from_ballots(names, [["a"]] * 3 + [["b", "a"]] * 2 + [["c", "a"]] * 2)
    for seed in range(4):
        result = count_irv(p, 1, seed=seed)
        first = lot_order(seed, "round 1: exclusion", [1, 2], names)[0]
        assert result.rounds[0].excluded == (first,)
        assert "by lot" in result.rounds[0].notes[-1]
        assert result.elected_names == ["a"]


def test_several_seats_use_preferential_block_voting() -> None:
    # Seat 1: a wins outright. Seat 2: a struck out; a's ballots go to b; b beats c.
    p = Profile.from_ballots(["a", "b", "c"], [["a", "b"]] * 5 + [["c"]] * 4 + [["b"]] * 1)
    result = count_irv(p, 2)
    assert result.elected_names == ["a", "b"]
    seat2 = result.rounds[-1]
    assert seat2.totals == (None, Decimal(6), Decimal(4))


def test_equal_rankings_are_refused() -> None:
    p = Profile.from_ballots(["a", "b"], [[{"a", "b"}]])
    with pytest.raises(InvalidCommand) as err:
        count_irv(p, 1)
    assert err.value.code == "count.equal_rankings"
