"""The ballot form's numbers read as a ranking: whole numbers, each once, from 1 without a gap;
blanks are not ranked; every refusal names the boxes and keeps what was typed."""

from __future__ import annotations

from councils.web.ballot_form import parse_ranking, rank_field

CANDIDATES = ["m1", "m2", "m3", "m4"]
NAMES = {"m1": "Anna", "m2": "Boris", "m3": "Clara", "m4": "Dmitri"}


def form(**numbers: str) -> dict[str, str]:
    return {rank_field(c): v for c, v in numbers.items()}


def test_numbers_give_the_ranking_in_their_order() -> None:
    parsed = parse_ranking(form(m3="1", m1="2", m4="3"), CANDIDATES, NAMES)
    assert parsed.ok and parsed.ranking == ("m3", "m1", "m4")
    assert parsed.typed == {"m1": "2", "m2": "", "m3": "1", "m4": "3"}


def test_blank_boxes_are_not_ranked_and_all_blank_is_a_blank_ballot() -> None:
    assert parse_ranking(form(m2=" 1 "), CANDIDATES).ranking == ("m2",)
    blank = parse_ranking({}, CANDIDATES)
    assert blank.ok and blank.ranking == ()


def test_a_number_given_twice_is_refused_naming_both() -> None:
    parsed = parse_ranking(form(m1="1", m2="2", m3="2"), CANDIDATES, NAMES)
    assert not parsed.ok
    assert parsed.message == "You gave number 2 to Boris and Clara: each number may be used once."
    assert set(parsed.errors) == {"m2", "m3"}
    assert parsed.typed["m3"] == "2"  # kept, to show again


def test_a_gap_is_refused() -> None:
    parsed = parse_ranking(form(m1="1", m2="3"), CANDIDATES, NAMES)
    assert not parsed.ok and "Number 2 is missing" in parsed.message
    assert set(parsed.errors) == {"m2"}
    assert not parse_ranking(form(m1="2"), CANDIDATES).ok  # no first choice


def test_what_is_not_a_number_in_range_is_refused() -> None:
    for bad in ("x", "1.5", "-1", "0", "5", "١"):  # the last: an Arabic-Indic digit
        parsed = parse_ranking(form(m1=bad), CANDIDATES, NAMES)
        assert not parsed.ok, bad
        assert parsed.message.startswith("The box of Anna:"), parsed.message
        assert set(parsed.errors) == {"m1"}


def test_other_fields_are_ignored() -> None:
    parsed = parse_ranking({**form(m1="1"), "csrf": "x", "rank-m9": "2"}, CANDIDATES)
    assert parsed.ranking == ("m1",)
