"""Approval voting: hand-checked counts (src/councils/counting/methods/approval.py)."""

from __future__ import annotations

from decimal import Decimal

from councils.counting import Profile
from councils.counting.methods.approval import count_approval

NAMES = ["a", "b", "c", "d"]


def test_each_ballot_approves_everyone_it_names_in_any_order() -> None:
    ballots = [["a", "b"], ["b", "a"], ["b", "c"], ["d"], ["c", "b", "d"]]
    result = count_approval(Profile.from_ballots(NAMES, ballots, weights=[2, 1, 3, 4, 1]), 1)
    # a: 2+1 = 3; b: 2+1+3+1 = 7; c: 3+1 = 4; d: 4+1 = 5
    assert result.rounds[0].totals == (Decimal(3), Decimal(7), Decimal(4), Decimal(5))
    assert result.elected_names == ["b"]


def test_block_approval_fills_every_seat_with_the_most_approved() -> None:
    ballots = [["a", "b"], ["b", "a"], ["b", "c"], ["d"], ["c", "b", "d"]]
    result = count_approval(Profile.from_ballots(NAMES, ballots, weights=[2, 1, 3, 4, 1]), 3)
    assert result.elected_names == ["b", "d", "c"]


def test_equal_rankings_are_approvals_like_any_other() -> None:
    p = Profile.from_ballots(NAMES, [[{"a", "b"}, "c"], ["c"], [{"c", "d"}]])
    result = count_approval(p, 1)
    assert result.rounds[0].totals == (Decimal(1), Decimal(1), Decimal(3), Decimal(1))
    assert result.elected_names == ["c"]


def test_equal_approvals_are_broken_by_first_preferences() -> None:
    # a and b are both approved on all 5 ballots; 3 rank b first.
    ballots = [["a", "b"]] * 2 + [["b", "a"]] * 3
    result = count_approval(Profile.from_ballots(NAMES, ballots), 1)
    assert result.elected_names == ["b"]
    assert any("first preferences" in note for note in result.rounds[0].notes)


def test_a_complete_tie_is_broken_by_lot() -> None:
    # a and c: equal approvals and equal first preferences.
    p = Profile.from_ballots(NAMES, [["a", "c"], ["c", "a"]])
    winners = set()
    for seed in range(8):
        result = count_approval(p, 1, seed=seed)
        assert result.elected in ((0,), (2,))
        assert result.elected == count_approval(p, 1, seed=seed).elected
        assert any("by lot" in note for note in result.rounds[0].notes)
        winners.add(result.elected)
    assert winners == {(0,), (2,)}
