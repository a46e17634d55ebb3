"""One contract, run over every registered counting method (../DESIGN.md, "Conventions")."""

from __future__ import annotations

import pytest

from councils.counting import REGISTRY, Profile
from councils.counting.registry import Method
from councils.domain.errors import NotFound

METHODS = list(REGISTRY)
NAMES = ["ann", "bob", "cat", "dan", "eve"]


def ids(m: Method) -> str:
    return m.name


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_unanimity_elects_the_unanimous_choice_first(method: Method) -> None:
    ballots = [["cat", "ann", "bob"]] * 7 + [["cat", "bob"]] * 3
    result = method.count(Profile.from_ballots(NAMES, ballots), 1)
    assert result.elected_names == ["cat"]


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_one_candidate_is_elected(method: Method) -> None:
    result = method.count(Profile.from_ballots(["solo"], [["solo"]] * 3), 1)
    assert result.elected_names == ["solo"]


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_no_ballots_still_fills_seats_by_rule_and_says_so(method: Method) -> None:
    result = method.count(Profile.from_ballots(NAMES[:3], []), 2)
    # With no votes at all, nobody is preferred: every method must still return a valid,
    # explained result (seats filled by lot or left empty), never crash.
    assert len(result.elected) <= 2
    assert len(set(result.elected)) == len(result.elected)
    assert result.seed == 0


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_seats_at_least_candidates_elects_everyone_once(method: Method) -> None:
    ballots = [["ann", "bob"], ["bob"], ["cat", "ann"]]
    result = method.count(Profile.from_ballots(NAMES[:3], ballots), 3)
    assert sorted(result.elected_names) == ["ann", "bob", "cat"]
    result = method.count(Profile.from_ballots(NAMES[:3], ballots), 5)
    assert sorted(result.elected_names) == ["ann", "bob", "cat"]


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_withdrawn_candidate_is_never_elected(method: Method) -> None:
    ballots = [["ann", "bob"]] * 5 + [["bob", "cat"]] * 2
    result = method.count(Profile.from_ballots(NAMES[:3], ballots, withdrawn=["ann"]), 1)
    assert "ann" not in result.elected_names
    assert result.elected_names == ["bob"]


@pytest.mark.parametrize("method", METHODS, ids=ids)
def test_result_is_deterministic_for_a_seed(method: Method) -> None:
    ballots = [["ann"], ["bob"], ["cat"], ["dan"]]
    p = Profile.from_ballots(NAMES[:4], ballots)
    a, b = method.count(p, 2, seed=7), method.count(p, 2, seed=7)
    assert a.elected == b.elected
    assert a.seed == 7


def test_registry_refuses_unknown_method_with_a_clear_error() -> None:
    with pytest.raises(NotFound) as err:
        REGISTRY.get("borda-with-typo")
    assert err.value.code == "count.unknown_method"
    assert "plurality" in err.value.message


def test_registry_refuses_a_name_registered_twice() -> None:
    from councils.counting.registry import Registry

    first = METHODS[0]
    with pytest.raises(ValueError, match="registered twice"):
        Registry([first, first])


def test_every_method_has_its_section_in_docs_counting() -> None:
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "counting.md"
    headings = {line[3:].strip() for line in doc.read_text().splitlines() if line.startswith("## ")}
    assert [m.name for m in METHODS if m.name not in headings] == []
