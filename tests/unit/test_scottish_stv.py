"""Scottish STV (SSI 2007/42 Schedule 1, rules 45–52) on small counts checked by hand."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from councils.counting import Profile
from councils.counting.lots import lot_order
from councils.counting.methods.scottish_stv import count_scottish_stv
from councils.counting.result import Count
from councils.counting.stv_core import next_preference
from councils.domain.errors import InvalidCommand

ABCD = ["A", "B", "C", "D"]


def d(text: str) -> Decimal:
    return Decimal(text)


def names(result: Count, which: tuple[int, ...]) -> list[str]:
    return [result.candidates[c] for c in which]


def notes(result: Count) -> str:
    return "\n".join(n for r in result.rounds for n in r.notes)


def surplus_profile(seats: int) -> Profile:
    # 100 papers. A 47 (30 A>B, 10 A>C, 7 A only), B 20 (B>D), C 18, D 15 (D>C).
    ballots = [["A", "B"], ["A", "C"], ["A"], ["B", "D"], ["C"], ["D", "C"]]
    return Profile.from_ballots(ABCD, ballots, [30, 10, 7, 20, 18, 15], seats=seats)


def test_surplus_transfer_truncates_the_transfer_value_to_five_places() -> None:
    result = count_scottish_stv(surplus_profile(2), 2)
    # Rule 46: floor(100 / 3) + 1 = 34. A has 47: elected at stage 1, surplus 13.
    assert result.quota == 34
    first = result.rounds[0]
    assert first.totals == (d("47"), d("20"), d("18"), d("15"))
    assert names(result, first.elected) == ["A"]
    # Rule 48(3): 13 × 1 ÷ 47 = 0.276595… → 0.27659 per paper, the remainder ignored.
    second = result.rounds[1]
    assert second.totals == (d("34"), d("28.29770"), d("20.76590"), d("15"))
    assert second.transfers == (d("-13"), d("8.29770"), d("2.76590"), d("0"))
    # 7 exhausted papers × 0.27659 = 1.93613, plus 40 × 0.000006… lost to truncation.
    assert second.non_transferable == d("1.93640")
    assert "rule 48(3): transfer value 0.27659" in "\n".join(second.notes)
    # Stage 3 (rule 50): D, lowest, is excluded; 15 papers at value one reach C = 35.76590.
    third = result.rounds[2]
    assert names(result, third.excluded) == ["D"]
    assert third.totals == (d("34"), d("28.29770"), d("35.76590"), d("0"))
    assert names(result, third.elected) == ["C"]
    assert result.elected_names == ["A", "C"]
    assert len(result.rounds) == 3


def test_a_second_surplus_uses_the_value_each_paper_had_when_received() -> None:
    result = count_scottish_stv(surplus_profile(3), 3)
    # Rule 46: floor(100 / 4) + 1 = 26. A's surplus 21: 21 ÷ 47 = 0.44680 (truncated).
    assert result.quota == 26
    second = result.rounds[1]
    assert second.totals[1] == d("33.40400")  # B: 20 + 30 × 0.44680, elected
    assert names(result, second.elected) == ["B"]
    # B's surplus 7.40400 over 33.40400 votes (rule 48(3)–(4)):
    #   20 papers received at 1       → 7.40400 × 1 ÷ 33.404 = 0.22165…  → 0.22165, to D
    #   30 papers received at 0.44680 → 7.40400 × 0.4468 ÷ 33.404 = 0.09903… (exhausted)
    third = result.rounds[2]
    text = "\n".join(third.notes)
    assert "transfer value 0.22165 for papers received at 1.00000" in text
    assert "transfer value 0.09903 for papers received at 0.44680" in text
    assert third.transfers[3] == d("4.43300")  # 20 × 0.22165
    assert third.totals[3] == d("19.43300")
    assert third.non_transferable == d("7.40400") - d("4.43300")


def test_totals_and_non_transferable_always_account_for_every_vote() -> None:
    result = count_scottish_stv(surplus_profile(3), 3)
    lost = Decimal(0)
    for r in result.rounds:
        lost += r.non_transferable
        assert sum(t for t in r.totals if t is not None) + lost == 100


def test_exclusion_tie_is_broken_by_the_most_recent_stage_at_which_they_differed() -> None:
    # 16 papers, 1 seat, quota 9. Stage 1: A 8, B 4, C 3, D 1.
    ballots = [["A"], ["B"], ["C", "B"], ["D", "C", "B"]]
    result = count_scottish_stv(Profile.from_ballots(ABCD, ballots, [8, 4, 3, 1]), 1)
    assert result.quota == 9
    # Stage 2: D excluded, C reaches 4 = B. At stage 1 C had 3 < 4: rule 51(2)(a) excludes C.
    assert names(result, result.rounds[1].excluded) == ["D"]
    assert result.rounds[1].totals == (d("8"), d("4"), d("4"), d("0"))
    third = result.rounds[2]
    assert names(result, third.excluded) == ["C"]
    assert any("rule 51(2)(a)" in n and "at stage 1" in n for n in third.notes)
    # Stage 3: B has 8 = A. At stage 2 B had 4: B is excluded; A alone continues (rule 52).
    fourth = result.rounds[3]
    assert names(result, fourth.excluded) == ["B"]
    assert any("rule 51(2)(a)" in n and "at stage 2" in n for n in fourth.notes)
    assert names(result, fourth.elected) == ["A"]
    assert any("rule 52(1)" in n for n in fourth.notes)
    assert result.elected_names == ["A"]


def test_a_tie_at_every_stage_is_decided_by_lot_from_the_reported_seed() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [["A"], ["B"], ["C"]], [5, 5, 5])
    outcomes = set()
    for seed in range(12):
        result = count_scottish_stv(profile, 1, seed=seed)
        assert result.seed == seed
        loser = lot_order(seed, "stage 2: exclusion", [0, 1, 2], profile.candidates)[0]
        assert result.rounds[1].excluded == (loser,)
        text = notes(result)
        assert "rule 51(2)(b)" in text and f"by lot from seed {seed}" in text
        assert count_scottish_stv(profile, 1, seed=seed).elected == result.elected
        outcomes.add(result.elected)
    assert len(outcomes) > 1  # the seed, and nothing else, decides


def test_equal_votes_elected_together_are_ordered_by_an_earlier_stage() -> None:
    # 90 papers, 2 seats, quota 31. Stage 1: A 29, B 30, C 20, D 11 (6 D>A, 5 D>B).
    ballots = [["A"], ["B"], ["C"], ["D", "A"], ["D", "B"]]
    result = count_scottish_stv(Profile.from_ballots(ABCD, ballots, [29, 30, 20, 6, 5]), 2)
    second = result.rounds[1]
    assert second.totals[:2] == (d("35"), d("35"))
    # Rule 49(2) order: B had more at stage 1, so B comes first (and its surplus would go
    # first); both seats are filled, so no surplus is transferred.
    assert result.elected_names == ["B", "A"]
    assert any("rule 49(2)" in n for n in second.notes)
    assert len(result.rounds) == 2


def test_as_many_candidates_as_seats_are_elected_at_the_first_stage() -> None:
    ballots = [["A", "B"], ["B"], ["C", "A"]]
    result = count_scottish_stv(Profile.from_ballots(ABCD[:3], ballots, [5, 3, 1]), 3)
    # Quota floor(9 / 4) + 1 = 3: A and B reach it (rule 47), highest first; C is the one
    # continuing candidate for the one vacancy left (rule 52). No transfer is made.
    assert result.elected_names == ["A", "B", "C"]
    assert len(result.rounds) == 1
    text = notes(result)
    assert "rule 47(1): A" in text and "rule 52(1): C" in text


def test_rule_52_elects_the_rest_without_a_further_transfer() -> None:
    ballots = [["A", "B"], ["B"], ["C"], ["D"]]
    result = count_scottish_stv(Profile.from_ballots(ABCD, ballots, [10, 4, 3, 2]), 3)
    # Quota floor(19 / 4) + 1 = 5. A elected at stage 1 (surplus 5). Stage 2 transfers it
    # (TV 0.5 → B 9, elected). Stage 3 excludes D; then C alone continues for one vacancy.
    assert result.elected_names == ["A", "B", "C"]
    last = result.rounds[-1]
    assert names(result, last.excluded) == ["D"]
    assert any("rule 52(1)" in n and "rule 52(2)" in n for n in last.notes)


def test_fewer_candidates_than_vacancies_elects_all_and_says_seats_stay_empty() -> None:
    profile = Profile.from_ballots(["A", "B", "C"], [["A"], ["B", "C"]], [3, 2])
    result = count_scottish_stv(profile, 5)
    assert sorted(result.elected_names) == ["A", "B", "C"]
    assert result.elected_names[0] == "A"
    assert "2 vacancies left unfilled" in notes(result)


def test_withdrawn_candidates_are_struck_from_every_paper() -> None:
    # B withdrawn: B>C papers count for C; the paper for B alone is not a valid vote.
    ballots = [["A"], ["B", "C"], ["B"], ["C"], ["D"]]
    profile = Profile.from_ballots(ABCD, ballots, [5, 4, 2, 1, 3], withdrawn=["B"])
    result = count_scottish_stv(profile, 1)
    first = result.rounds[0]
    assert first.totals == (d("5"), None, d("5"), d("3"))
    assert result.quota == 7  # floor(13 / 2) + 1: the 2 papers for B alone are gone
    assert "B" not in result.elected_names
    assert all(r.totals[1] is None for r in result.rounds)


def test_equal_rankings_and_bad_seats_are_refused() -> None:
    tied = Profile.from_ballots(ABCD, [["A", {"B", "C"}]])
    with pytest.raises(InvalidCommand) as err:
        count_scottish_stv(tied, 1)
    assert err.value.code == "count.equal_rankings"
    with pytest.raises(InvalidCommand) as err:
        count_scottish_stv(Profile.from_ballots(ABCD, [["A"]]), 0)
    assert err.value.code == "count.bad_seats"


def test_no_ballots_fills_the_seats_by_lot_and_rule_52() -> None:
    result = count_scottish_stv(Profile.from_ballots(["A", "B", "C"], []), 2, seed=3)
    assert len(result.elected) == 2
    assert result.rounds[0].totals == (d("0"), d("0"), d("0"))
    assert "by lot from seed 3" in notes(result)


def test_rounds_report_totals_with_five_places_and_the_quota() -> None:
    result = count_scottish_stv(surplus_profile(2), 2)
    for r in result.rounds:
        assert r.quota == 34
        assert all(t is None or t.as_tuple().exponent == -5 for t in r.totals)
    payload = result.to_json()
    assert payload["method"] == "scottish-stv"
    assert payload["elected"] == ["A", "C"]


def test_next_preference_skips_candidates_no_longer_continuing() -> None:
    rankings = np.array([[0, 1, 2], [1, 2, -1], [2, -1, -1], [1, 0, -1]], dtype=np.int16)
    continuing = np.array([False, False, True])
    rows = np.array([0, 1, 2, 3], dtype=np.int64)
    pos, cand = next_preference(rankings, rows, np.array([1, 1, 1, 1]), continuing)
    assert cand.tolist() == [2, 2, -1, -1]
    assert pos[:2].tolist() == [2, 1]
