"""D'Hondt and Sainte-Laguë: published and hand-checked apportionments."""

from __future__ import annotations

from decimal import Decimal

from councils.counting import Profile
from councils.counting.methods.dhondt import count_dhondt
from councils.counting.methods.sainte_lague import count_sainte_lague

PARTIES = ["A", "B", "C", "D"]
# The worked example of Wikipedia's "D'Hondt method" and "Sainte-Laguë method" articles:
# 230,000 voters, 8 seats.
VOTES = [100_000, 80_000, 30_000, 20_000]


def _profile() -> Profile:
    return Profile.from_ballots(PARTIES, [[p] for p in PARTIES], weights=VOTES)


def _seats(result_totals: tuple[Decimal | None, ...]) -> list[int]:
    return [int(t) for t in result_totals if t is not None]


def test_dhondt_wikipedia_example_gives_4_3_1_0() -> None:
    result = count_dhondt(_profile(), 8)
    assert result.rounds[-1].action == "seats apportioned"
    assert _seats(result.rounds[-1].totals) == [4, 3, 1, 0]
    assert result.elected_names == ["A", "B", "C"]
    # Seat by seat: A 100000, B 80000, A 50000, B 40000, A 33333.3, C 30000, B 26666.6, A 25000.
    assert [r.elected[0] for r in result.rounds[:8]] == [0, 1, 0, 1, 0, 2, 1, 0]
    assert result.rounds[4].totals[0] == Decimal("33333.333333")
    assert "100000 votes ÷ 3 = 100000/3" in result.rounds[4].notes[0]


def test_sainte_lague_wikipedia_example_gives_3_3_1_1() -> None:
    result = count_sainte_lague(_profile(), 8)
    assert _seats(result.rounds[-1].totals) == [3, 3, 1, 1]
    assert sorted(result.elected_names) == ["A", "B", "C", "D"]
    # Seats 6 and 7 tie at 20000 (A: 100000 ÷ 5, D: 20000 ÷ 1): both win one, order by lot.
    assert {r.elected[0] for r in result.rounds[5:7]} == {0, 3}
    assert any("by lot" in note for note in result.rounds[5].notes)


def test_only_first_preferences_are_list_votes() -> None:
    p = Profile.from_ballots(["X", "Y"], [["X", "Y"]] * 3 + [["Y", "X"]] * 2)
    # Quotients X 3, 1.5, 1; Y 2, 1: three seats go X, Y, X. Y's 2 are its first preferences
    # only (counting every preference would give each list 5).
    assert _seats(count_dhondt(p, 3).rounds[-1].totals) == [2, 1]


def test_a_list_with_no_votes_wins_no_seat_and_empty_seats_stay_empty() -> None:
    p = Profile.from_ballots(["X", "Y"], [["X"]])
    assert _seats(count_dhondt(p, 2).rounds[-1].totals) == [2, 0]
    empty = count_sainte_lague(Profile.from_ballots(["X", "Y"], []), 2)
    assert empty.elected == ()
    assert "left empty" in empty.notes[-1]
