"""council.create, constituency.create, faction.create (councils.domain.federation)."""

from __future__ import annotations

from councils.domain.errors import Conflict, InvalidCommand, NotFound, RuleViolation
from councils.testing import Federation
from councils.testing.scenarios import petrograd


def _base(fed: Federation) -> None:
    fed("council.create", council="city", name="City soviet")
    fed("council.create", council="region", name="Region")


def test_council_create_records_the_council() -> None:
    fed = Federation()
    result = fed("council.create", council="city", name="City soviet")
    assert result.command == "council.create"
    assert fed.record.entries == [
        {"type": "council.created", "v": 1, "council": "city", "name": "City soviet"}
    ]
    assert fed.view.council("city").name == "City soviet"


def test_council_create_refuses_an_existing_id() -> None:
    fed = Federation()
    _base(fed)
    err = fed.refuses("council.exists", "council.create", council="city", name="Again")
    assert isinstance(err, Conflict)


def test_faction_create_and_its_duplicate() -> None:
    fed = Federation()
    fed("faction.create", faction="left", name="Left")
    assert fed.view.faction("left").name == "Left"
    fed.refuses("faction.exists", "faction.create", faction="left", name="Again")


def test_constituency_create_makes_vacant_seats() -> None:
    fed = Federation()
    _base(fed)
    fed(
        "constituency.create",
        constituency="putilov",
        name="Putilov works",
        kind="workplace",
        council="city",
        seats=3,
    )
    assert fed.holders("putilov") == [None, None, None]
    k = fed.view.constituency("putilov")
    assert (k.kind, k.council, k.of, k.method, k.secret) == ("workplace", "city", None, None, None)
    assert fed.record.entries[-1] == {
        "type": "constituency.created",
        "v": 1,
        "constituency": "putilov",
        "name": "Putilov works",
        "kind": "workplace",
        "council": "city",
        "seats": 3,
    }


def test_constituency_create_keeps_an_explicit_method_and_secrecy() -> None:
    fed = Federation()
    _base(fed)
    fed(
        "constituency.create",
        constituency="d",
        name="D",
        kind="council",
        council="region",
        of="city",
        seats=2,
        method="scottish-stv",
        secret=True,
    )
    k = fed.view.constituency("d")
    assert (k.of, k.method, k.secret) == ("city", "scottish-stv", True)
    assert fed.record.entries[-1]["ballot"] == "secret"


def test_constituency_create_refusals() -> None:
    fed = Federation()
    _base(fed)
    base = {"constituency": "k", "name": "K", "kind": "workplace", "council": "city", "seats": 1}
    fed("constituency.create", **base)
    assert isinstance(fed.refuses("constituency.exists", "constituency.create", **base), Conflict)
    base["constituency"] = "k2"
    err = fed.refuses("constituency.bad_kind", "constituency.create", **{**base, "kind": "guild"})
    assert isinstance(err, InvalidCommand)
    fed.refuses("constituency.bad_seats", "constituency.create", **{**base, "seats": 0})
    err = fed.refuses("council.not_found", "constituency.create", **{**base, "council": "nowhere"})
    assert isinstance(err, NotFound)
    fed.refuses("constituency.of_required", "constituency.create", **{**base, "kind": "council"})
    fed.refuses("constituency.of_not_allowed", "constituency.create", **{**base, "of": "city"})
    fed.refuses(
        "council.not_found",
        "constituency.create",
        **{**base, "kind": "council", "of": "nowhere"},
    )
    fed.refuses("count.unknown_method", "constituency.create", **{**base, "method": "dictator"})


def test_constituency_create_refuses_a_council_electing_itself() -> None:
    fed = Federation()
    _base(fed)
    err = fed.refuses(
        "constituency.cycle",
        "constituency.create",
        constituency="k",
        name="K",
        kind="council",
        council="city",
        of="city",
        seats=1,
    )
    assert isinstance(err, RuleViolation)


def test_constituency_create_refuses_a_cycle_through_other_councils() -> None:
    fed = petrograd()  # city -> region -> exec
    fed.refuses(
        "constituency.cycle",
        "constituency.create",
        constituency="k",
        name="K",
        kind="council",
        council="city",
        of="exec",
        seats=1,
    )
    # Another council constituency in the same direction is fine.
    fed(
        "constituency.create",
        constituency="k",
        name="K",
        kind="council",
        council="exec",
        of="city",
        seats=1,
    )
