"""recall.sign, recall.withdraw (councils.domain.recalls) and the threshold policy."""

from __future__ import annotations

import pytest

from councils.domain.constitution import parse_constitution
from councils.domain.entities import Petition
from councils.domain.errors import Conflict, NotFound, NotPermitted, RuleViolation
from councils.testing import Federation, InMemoryUnitOfWork
from councils.testing.scenarios import petrograd


def _seated() -> Federation:
    """Putilov (5 members) has m1 and m2 seated; Vyborg has m6."""
    fed = petrograd()
    fed.elect(
        "e1",
        "putilov",
        ["m1", "m2", "m3"],
        {"m1": ["m1", "m3"], "m2": ["m2", "m3"], "m3": ["m1", "m3"], "m4": ["m2", "m3"]},
    )
    fed.elect("e2", "vyborg", ["m6", "m7"], {"m6": ["m6"], "m7": ["m6"]})
    assert sorted(fed.holders("putilov")) == ["m1", "m2"]  # type: ignore[type-var]
    return fed


def test_recall_sign_opens_the_petition_with_the_rule_in_force() -> None:
    fed = _seated()
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    assert fed.record.entries[-2:] == [
        {
            "type": "recall.opened",
            "v": 1,
            "constituency": "putilov",
            "delegate": "m1",
            "numerator": 1,
            "denominator": 2,
            "comparison": "more-than",
        },
        {
            "type": "recall.signed",
            "v": 1,
            "constituency": "putilov",
            "delegate": "m1",
            "signer": "m4",
        },
    ]
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m5")
    assert fed.types()[-1] == "recall.signed"
    assert fed.view.signatures("putilov", "m1") == ("m4", "m5")


def test_recall_sign_refusals() -> None:
    fed = _seated()
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    err = fed.refuses(
        "recall.already_signed", "recall.sign", constituency="putilov", delegate="m1", signer="m4"
    )
    assert isinstance(err, Conflict)
    err = fed.refuses(
        "recall.not_in_electorate",
        "recall.sign",
        constituency="putilov",
        delegate="m1",
        signer="m6",
    )
    assert isinstance(err, NotPermitted)
    err = fed.refuses(
        "recall.no_mandate", "recall.sign", constituency="putilov", delegate="m3", signer="m4"
    )
    assert isinstance(err, RuleViolation)
    fed.refuses(
        "recall.not_own",
        "recall.sign",
        constituency="putilov",
        delegate="m1",
        signer="m5",
        actor="m4",
    )
    fed.refuses(
        "constituency.not_found", "recall.sign", constituency="x", delegate="m1", signer="m4"
    )
    fed.refuses(
        "member.not_found", "recall.sign", constituency="putilov", delegate="m1", signer="x"
    )


def test_more_than_half_of_the_electorate_ends_the_mandate_at_once() -> None:
    fed = _seated()  # electorate 5: 3 signatures needed
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m3")
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    assert fed.holders("putilov").count("m1") == 1
    result = fed("recall.sign", constituency="putilov", delegate="m1", signer="m5")
    assert [e.type for e in result.events] == [
        "recall.signed",
        "mandate.recalled",
        "seat.vacated",
        "countback.held",
        "seat.filled",
    ]
    assert fed.record.entries[-4] == {
        "type": "mandate.recalled",
        "v": 1,
        "constituency": "putilov",
        "delegate": "m1",
        "signatures": 3,
        "electorate": 5,
    }
    assert "m1" not in fed.holders("putilov")
    assert not fed.view.has_petition("putilov", "m1")  # the petition ends with the mandate


def test_recall_withdraw() -> None:
    fed = _seated()
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m3")
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    fed("recall.withdraw", constituency="putilov", delegate="m1", signer="m4")
    assert fed.types()[-1] == "recall.withdrawn"
    assert fed.view.counted_signatures("putilov", "m1") == 1
    err = fed.refuses(
        "recall.not_signed", "recall.withdraw", constituency="putilov", delegate="m1", signer="m4"
    )
    assert isinstance(err, NotFound)
    fed.refuses(
        "recall.not_signed", "recall.withdraw", constituency="putilov", delegate="m2", signer="m4"
    )
    fed.refuses(
        "recall.not_own",
        "recall.withdraw",
        constituency="putilov",
        delegate="m1",
        signer="m3",
        actor="m4",
    )
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m5")
    assert fed.view.counted_signatures("putilov", "m1") == 2  # still short of 3


def test_a_signer_who_left_stops_counting_and_may_still_withdraw() -> None:
    fed = _seated()
    fed("member.register", member="m8", name="M8", constituency="putilov")  # electorate 6: 4
    for signer in ("m3", "m4", "m5"):
        fed("recall.sign", constituency="putilov", delegate="m1", signer=signer)
    fed("member.leave", member="m3")  # electorate 5 (needs 3), counted 2
    assert "m1" in fed.holders("putilov")
    assert fed.view.counted_signatures("putilov", "m1") == 2
    assert fed.view.signatures("putilov", "m1") == ("m3", "m4", "m5")
    fed("recall.withdraw", constituency="putilov", delegate="m1", signer="m3")


def test_a_shrinking_electorate_can_bring_a_petition_to_its_threshold() -> None:
    fed = _seated()
    fed("member.register", member="m8", name="M8", constituency="putilov")  # electorate 6: 4
    for signer in ("m3", "m4", "m5"):
        fed("recall.sign", constituency="putilov", delegate="m1", signer=signer)
    assert "m1" in fed.holders("putilov")
    result = fed("member.leave", member="m8")  # electorate 5: 3 needed, 3 counted
    assert [e.type for e in result.events][:3] == [
        "member.left",
        "mandate.recalled",
        "seat.vacated",
    ]
    assert "m1" not in fed.holders("putilov")


def test_petition_in_a_council_constituency_counts_the_seated_members_of_the_lower_council() -> (
    None
):
    fed = _seated()  # city: m1, m2, m6
    fed.elect("e3", "city-delegation", ["m6", "m1"], {"m1": ["m6"], "m2": ["m6"], "m6": ["m6"]})
    assert fed.holders("city-delegation") == ["m6"]
    assert fed.view.electorate_size("city-delegation") == 3
    fed.refuses(
        "recall.not_in_electorate",
        "recall.sign",
        constituency="city-delegation",
        delegate="m6",
        signer="m3",
    )
    fed("recall.sign", constituency="city-delegation", delegate="m6", signer="m1")
    fed("recall.sign", constituency="city-delegation", delegate="m6", signer="m2")
    # Two of three: the mandate ends; countback of e3 without m6 gives the seat to m1.
    assert fed.holders("city-delegation") == ["m1"]


def test_the_threshold_rule_of_an_open_petition_stays_in_force() -> None:
    fed = _seated()
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m3")
    strict = parse_constitution({"recall": {"threshold": "4/5", "comparison": "at-least"}})
    fed.uow = InMemoryUnitOfWork(strict, fed.uow.state, fed.uow.record)
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m3")
    assert fed.view.petition("putilov", "m1").numerator == 1
    assert fed.view.petition("putilov", "m2").numerator == 4
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m5")  # 3 of 5: old rule
    assert "m1" not in fed.holders("putilov")


@pytest.mark.parametrize(
    ("num", "den", "comparison", "electorate", "needed"),
    [
        (1, 2, "more-than", 5, 3),
        (1, 2, "more-than", 4, 3),
        (1, 2, "more-than", 1, 1),
        (1, 2, "more-than", 0, 1),
        (1, 2, "at-least", 4, 2),
        (2, 3, "at-least", 5, 4),
        (1, 1, "at-least", 3, 3),
        (1, 2, "at-least", 0, 1),
    ],
)
def test_petition_needed(num: int, den: int, comparison: str, electorate: int, needed: int) -> None:
    petition = Petition("k", "d", num, den, comparison)  # type: ignore[arg-type]
    assert petition.needed(electorate) == needed
