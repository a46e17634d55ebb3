"""Meek STV (NZ Schedule 1A): hand-checked counts and an independent per-ballot reference.

The numbers below were worked by hand from the rules in the module docstring: values in units
of 10⁻⁹, keep values and shares rounded up, quota truncated plus 10⁻⁹.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from councils.counting import Profile
from councils.counting.lots import lot_order
from councils.counting.methods.meek_stv import UNIT, count_meek_stv
from councils.domain.errors import InvalidCommand

PETS = ["D1", "D2", "C1", "C2", "F"]
# The ballots of Lee Yingtong Li's "A conceptual primer on the single transferable vote"
# (parts 4-6: dog owners, cat owners and a fish owner), 100 ballots, 3 seats.
PET_BALLOTS = [
    (21, "D1 D2 F C1 C2"),
    (19, "D2 D1 F C1 C2"),
    (40, "C1 C2 F D1 D2"),
    (6, "C2 C1 F D1 D2"),
    (7, "F D1 D2 C1 C2"),
    (6, "F D1 C1 C2 D2"),
    (1, "F D1"),
]


def _pets() -> Profile:
    return Profile.from_ballots(
        PETS, [b.split() for _, b in PET_BALLOTS], [w for w, _ in PET_BALLOTS]
    )


def _d(text: str) -> Decimal:
    return Decimal(text)


def test_a_surplus_passes_on_at_the_keep_value_rounded_up() -> None:
    # q = 100/3 + 10^-9 = 33.333333334. A elected (52). Iteration 2: k_A = ⌈33.333333334/52⌉
    # = 0.641025642; A keeps 52 × that = 33.333333384; each A ballot passes on 0.358974358,
    # so B = 20 + 52 × 0.358974358 = 38.666666616 ≥ q: elected.
    p = Profile.from_ballots(
        ["A", "B", "C"], [["A", "B", "C"]] * 52 + [["C", "B"]] * 28 + [["B"]] * 20
    )
    result = count_meek_stv(p, 2)
    assert result.elected_names == ["A", "B"]
    first, second = result.rounds
    assert first.quota == _d("33.333333334")
    assert second.totals == (_d("33.333333384"), _d("38.666666616"), _d("28"))
    assert "keep values: A 0.641025642, B 1.000000000" in second.notes


def test_pets_example_hand_checked_iteration_by_iteration() -> None:
    result = count_meek_stv(_pets(), 3)
    assert result.elected_names == ["C1", "D1", "D2"]
    r1, r2, r3, r4 = result.rounds
    # Iteration 1: q = 100/4 + 10^-9; C1 has 40: elected. C2 (6) + surplus (15) ≥ F (14): no
    # exclusion yet.
    assert r1.quota == _d("25.000000001")
    assert r1.elected == (2,)
    assert r1.excluded == ()
    # Iteration 2: k_C1 = ⌈25.000000001 / 40⌉ = 0.625000001; C1 keeps 25.000000040 and passes
    # 40 × 0.374999999 = 14.99999996 to C2 (20.99999996). The surplus, 0.000000039, is below
    # 0.0001: the lowest, F, is excluded (cl. 13).
    assert r2.totals == (_d(21), _d(19), _d("25.000000040"), _d("20.999999960"), _d(14))
    assert r2.excluded == (4,)
    assert "total surplus 0.000000039 is below 0.0001" in r2.notes[-3]
    # Iteration 3: F's 14 ballots all reach D1: 35, elected.
    assert r3.totals[0] == _d(35)
    assert r3.elected == (0,)
    # Iteration 4: k_D1 = ⌈25.000000001 / 35⌉ = 0.714285715, passing on 0.285714285 per ballot:
    # D2 = 19 + 28 × 0.285714285 = 26.99999998. The "F D1" ballot leaves 0.285714285
    # non-transferable, so q = ⌊(100 − 0.285714285) / 4⌋ + 10^-9 = 24.928571429: D2 elected.
    assert r4.totals[1] == _d("26.999999980")
    assert r4.quota == _d("24.928571429")
    assert r4.non_transferable == _d("0.285714285")
    assert r4.elected == (1,)


def test_exclusion_tie_is_broken_ahead_at_first_difference() -> None:
    # Iteration 1: B 4, C 3, D 2, E 4; nobody reaches q = 13/3; D excluded. One D ballot goes
    # to C, one exhausts. Iteration 2: B, C, E all 4; at iteration 1, the first at which they
    # differed, C had fewest: C is excluded (cl. 19, 40). B and E then fill the seats.
    ballots = [["B"]] * 4 + [["C", "B"]] * 3 + [["D", "C"]] + [["D"]] + [["E"]] * 4
    result = count_meek_stv(Profile.from_ballots(["B", "C", "D", "E"], ballots), 2)
    assert [r.excluded for r in result.rounds] == [(2,), (1,)]
    assert "first at which they differed" in " ".join(result.rounds[1].notes)
    assert sorted(result.elected_names) == ["B", "E"]


def test_an_exclusion_tie_never_broken_by_the_count_is_drawn_by_lot() -> None:
    names = ["A", "B", "C"]
    p = Profile.from_ballots(names, [["A"]] * 5 + [["B", "A"]] * 3 + [["C", "A"]] * 3)
    for seed in range(4):
        result = count_meek_stv(p, 1, seed=seed)
        drawn = lot_order(seed, "iteration 1: exclusion", [1, 2], names)[0]
        assert result.rounds[0].excluded == (drawn,)
        assert "by lot" in " ".join(result.rounds[0].notes)
        assert result.elected_names == ["A"]


def test_equal_rankings_are_refused() -> None:
    with pytest.raises(InvalidCommand) as err:
        count_meek_stv(Profile.from_ballots(["a", "b"], [[{"a", "b"}]]), 1)
    assert err.value.code == "count.equal_rankings"


# ---------------------------------------------------------------------- reference


def _reference(
    candidates: list[str], ballots: list[list[int]], weights: list[int], seats: int
) -> tuple[list[int], list[list[int]]]:
    """The rules of the module docstring, one ballot at a time, in plain Python integers.

    Returns (elected, totals at every iteration). Ties are not handled: callers skip profiles
    where the real count reports one.
    """
    n = len(candidates)
    valid = sum(weights)
    status = ["hopeful"] * n
    keep = [UNIT] * n
    elected: list[int] = []
    history: list[list[int]] = []
    quota = 0
    while True:
        if history:
            for c in elected:
                product = -(-quota * keep[c] // UNIT)
                keep[c] = min(UNIT, -(-product * UNIT // history[-1][c]))
        votes = [0] * n
        vnt = 0
        for ballot, w in zip(ballots, weights, strict=True):
            left = UNIT
            for c in ballot:
                k = keep[c] if status[c] != "excluded" else 0
                share = -(-left * k // UNIT)
                votes[c] += share * w
                left -= share
            vnt += left * w
        history.append(votes)
        quota = (valid * UNIT - vnt) // (seats + 1) + 1
        for c in sorted(range(n), key=lambda c: -votes[c]):
            if status[c] == "hopeful" and votes[c] >= quota and len(elected) < seats:
                status[c] = "elected"
                elected.append(c)
        hopeful = [c for c in range(n) if status[c] == "hopeful"]
        if len(elected) == seats:
            return elected, history
        if len(elected) + len(hopeful) <= seats:
            return elected + hopeful, history
        surplus = sum(max(0, votes[c] - quota) for c in elected)
        low = min(hopeful, key=lambda c: votes[c])
        rest = [votes[c] for c in hopeful if c != low]
        if surplus < 100_000 or votes[low] + surplus < min(rest):
            status[low] = "excluded"
        if len(history) > 10_000:
            raise AssertionError("reference did not converge")


def test_agrees_with_a_per_ballot_reference_on_random_profiles() -> None:
    rng = random.Random(1987)
    names = ["a", "b", "c", "d", "e", "f"]
    checked = 0
    for _ in range(60):
        ballots = []
        for _ in range(rng.randrange(5, 40)):
            ballot = rng.sample(range(6), rng.randrange(1, 7))
            ballots.append(ballot)
        weights = [rng.randrange(1, 50) for _ in ballots]
        seats = rng.randrange(1, 4)
        result = count_meek_stv(Profile.from_ballots(names, ballots, weights), seats)
        if any("tie" in note or "repeat" in note for r in result.rounds for note in r.notes):
            continue
        elected, history = _reference(names, ballots, weights, seats)
        assert sorted(result.elected) == sorted(elected)
        for r in result.rounds:
            iteration = int(r.action.split(":")[0].split()[1])
            assert r.totals == tuple(
                Decimal(v).scaleb(-9).quantize(Decimal("1e-9")) for v in history[iteration - 1]
            )
        checked += 1
    assert checked > 30


def test_every_round_conserves_the_votes_exactly() -> None:
    # Shares are rounded up and the rest passed on, so each ballot is worth exactly one vote:
    # the totals and the non-transferable votes add up to the valid ballots, to the last unit.
    rng = random.Random(30)
    names = [f"c{i}" for i in range(8)]
    ballots = [rng.sample(range(8), rng.randrange(1, 9)) for _ in range(300)]
    result = count_meek_stv(Profile.from_ballots(names, ballots), 3)
    lost = Decimal(0)
    for r in result.rounds:
        lost += r.non_transferable
        assert sum(t for t in r.totals if t is not None) + lost == 300


def test_a_profile_too_large_for_exact_int64_is_refused_with_a_clear_error() -> None:
    p = Profile.from_ballots(["a", "b"], [["a"], ["b"]], weights=[10**10, 1])
    with pytest.raises(InvalidCommand) as err:
        count_meek_stv(p, 1)
    assert err.value.code == "count.too_many_ballots"
