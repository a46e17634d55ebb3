from __future__ import annotations

import numpy as np
import pytest

from councils.counting import Profile
from councils.domain.errors import InvalidCommand


def test_effective_strikes_withdrawn_and_merges_identical_ballots() -> None:
    p = Profile.from_ballots(
        ["a", "b", "c"], [["a", "b"], ["b", "c"], ["b", "a", "c"], ["b"]], withdrawn=["a"]
    )
    e = p.effective()
    pairs = zip(e.rankings, e.weights, strict=True)
    rows = {tuple(int(x) for x in r if x >= 0): int(w) for r, w in pairs}
    assert rows == {(1,): 2, (1, 2): 2}
    assert e.total == 4


def test_blank_ballots_are_dropped_from_the_effective_profile() -> None:
    p = Profile.from_ballots(["a", "b"], [[], ["a"], []], weights=[2, 3, 1])
    assert p.total == 6
    assert p.effective().total == 3


def test_equal_rankings_are_kept_as_levels() -> None:
    p = Profile.from_ballots(["a", "b", "c"], [["a", {"b", "c"}]])
    assert p.has_ties
    ranks = p.rank_matrix()
    assert ranks[0, 0] == 0 and ranks[0, 1] == ranks[0, 2] == 1
    with pytest.raises(InvalidCommand) as err:
        p.require_strict("irv")
    assert err.value.code == "count.equal_rankings"


@pytest.mark.parametrize(
    "ballots, weights, code",
    [
        ([["a", "z"]], None, "profile.unknown_candidate"),
        ([["a", "a"]], None, "profile.repeated_candidate"),
        ([["a"]], [0], "profile.bad_weight"),
    ],
)
def test_bad_ballots_are_named(
    ballots: list[list[str]], weights: list[int] | None, code: str
) -> None:
    with pytest.raises(InvalidCommand) as err:
        Profile.from_ballots(["a", "b"], ballots, weights)
    assert err.value.code == code


def test_aggregation_keeps_totals_for_wide_rows() -> None:
    names = [f"c{i}" for i in range(40)]
    ballots = [names[::-1], names, names[::-1]]
    e = Profile.from_ballots(names, ballots).effective()
    assert sorted(e.weights.tolist()) == [1, 2]
    assert np.array_equal(e.first_preferences()[[0, 39]], [1, 2])
