"""organiser.appoint and who may act in a council (councils.domain.organisers, domain.checks).

The federation of :func:`petrograd` is built by the operator (no actor); ``@olga`` is appointed
organiser of the city soviet, which ``putilov`` and ``vyborg`` elect into. ``region`` (which
``city-delegation`` elects into) has no organiser.
"""

from __future__ import annotations

import pytest

from councils.domain.errors import Conflict, InvalidCommand, NotFound, NotPermitted
from councils.domain.snapshot import snapshot
from councils.service import replay, state_json
from councils.testing.harness import Federation
from councils.testing.scenarios import petrograd


def _organised() -> Federation:
    fed = petrograd()
    fed("organiser.appoint", council="city", organiser="@olga")
    return fed


def test_the_operator_appoints_an_organiser_on_the_record() -> None:
    fed = _organised()
    assert fed.record.entries[-1] == {
        "type": "organiser.appointed",
        "v": 1,
        "council": "city",
        "organiser": "@olga",
    }
    assert fed.view.organisers("city") == ("@olga",)
    assert fed.view.organisers("region") == ()
    assert fed.view.organised_by("@olga") == ("city",)
    assert fed.view.organised_by("@nobody") == ()


def test_the_founder_of_a_council_is_its_first_organiser() -> None:
    fed = Federation()
    result = fed("council.create", council="kronstadt", name="Kronstadt soviet", actor="@ivan")
    assert [e.type for e in result.events] == ["council.created", "organiser.appointed"]
    assert fed.record.entries[-1] == {
        "type": "organiser.appointed",
        "v": 1,
        "council": "kronstadt",
        "organiser": "@ivan",
    }
    assert fed.view.organisers("kronstadt") == ("@ivan",)
    # a council founded by the operator has no organiser
    fed("council.create", council="vyborg", name="Vyborg soviet")
    assert fed.view.organisers("vyborg") == ()
    assert fed.view.organised_by("@ivan") == ("kronstadt",)


def test_a_founder_must_be_an_actor_that_can_organise() -> None:
    fed = Federation()
    err = fed.refuses(
        "organiser.bad_actor", "council.create", council="k", name="K", actor="Ivan Petrov"
    )
    assert isinstance(err, InvalidCommand)
    assert "'Ivan Petrov' cannot be an organiser" in err.message


def test_an_organiser_of_a_council_may_organise_it() -> None:
    fed = _organised()
    olga = {"actor": "@olga"}
    fed(
        "constituency.create",
        constituency="obukhov",
        name="Obukhov works",
        kind="workplace",
        council="city",
        seats=1,
        **olga,
    )
    fed("member.register", member="m8", name="M8", constituency="obukhov", **olga)
    fed("member.join", member="m1", constituency="obukhov", **olga)
    fed("election.open", election="e1", constituency="obukhov", candidates=["m8"], **olga)
    fed("election.nominate", election="e1", candidate="m1", **olga)
    fed("ballot.cast", election="e1", voter="m8", ranking=["m8"], actor="m8")
    fed("election.close", election="e1", **olga)
    assert fed.holders("obukhov") == ["m8"]
    fed("organiser.appoint", council="city", organiser="m8", **olga)
    assert fed.view.organisers("city") == ("@olga", "m8")
    assert fed.view.organised_by("m8") == ("city",)


def _refused_in_region(fed: Federation, actor: str) -> list[NotPermitted]:
    """Every organiser's command in ``region``, made by ``actor``: each must be refused."""
    refusals = [
        fed.refuses(
            "council.not_organiser",
            "constituency.create",
            constituency="kronstadt-delegation",
            name="Delegation",
            kind="council",
            council="region",
            of="city",
            seats=1,
            actor=actor,
        ),
        fed.refuses(
            "council.not_organiser",
            "election.open",
            election="e9",
            constituency="city-delegation",
            actor=actor,
        ),
        fed.refuses(
            "council.not_organiser",
            "organiser.appoint",
            council="region",
            organiser="@x",
            actor=actor,
        ),
    ]
    out = []
    for err in refusals:
        assert isinstance(err, NotPermitted)
        out.append(err)
    return out


def test_an_organiser_of_one_council_is_refused_in_another() -> None:
    fed = _organised()
    for err in _refused_in_region(fed, "@olga"):
        assert err.args_["council"] == "region" and err.args_["actor"] == "@olga"
        assert "@olga may not" in err.message
        assert "only an organiser of council region may" in err.message


def test_a_member_is_not_an_organiser() -> None:
    fed = _organised()
    m1 = {"actor": "m1"}
    _refused_in_region(fed, "m1")
    fed.refuses(
        "council.not_organiser",
        "constituency.create",
        constituency="obukhov",
        name="Obukhov works",
        kind="workplace",
        council="city",
        seats=1,
        **m1,
    )
    fed.refuses(
        "council.not_organiser",
        "member.register",
        member="m9",
        name="M9",
        constituency="putilov",
        **m1,
    )
    err = fed.refuses(
        "council.not_organiser", "member.join", member="m1", constituency="vyborg", **m1
    )
    assert err.message == "m1 may not add members to vyborg: only an organiser of council city may"
    fed.refuses(
        "council.not_organiser", "election.open", election="e1", constituency="vyborg", **m1
    )
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6"])
    fed.refuses("council.not_organiser", "election.close", election="e1", **m1)
    fed.refuses("council.not_organiser", "election.nominate", election="e1", candidate="m7", **m1)
    fed.refuses("council.not_organiser", "organiser.appoint", council="city", organiser="m1", **m1)


def test_the_operator_may_do_everything_without_an_actor() -> None:
    fed = petrograd()  # built by the operator: no council has an organiser
    assert all(fed.view.organisers(c.council) == () for c in fed.view.councils())
    fed("organiser.appoint", council="region", organiser="m1")
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6"])
    fed("election.close", election="e1")
    assert fed.holders("vyborg") == ["m6"]


def test_a_member_may_nominate_themselves() -> None:
    fed = petrograd()
    fed("election.open", election="e1", constituency="vyborg", candidates=["m6"])
    fed("election.nominate", election="e1", candidate="m7", actor="m7")
    assert fed.view.election("e1").candidates == ("m6", "m7")
    # and still only where they are eligible
    fed("election.open", election="e2", constituency="putilov")
    fed.refuses(
        "election.candidate_not_in_electorate",
        "election.nominate",
        election="e2",
        candidate="m7",
        actor="m7",
    )


def test_organiser_appoint_refusals() -> None:
    fed = _organised()
    err = fed.refuses("organiser.already", "organiser.appoint", council="city", organiser="@olga")
    assert isinstance(err, Conflict)
    assert err.message == "@olga is already an organiser of council city"
    err = fed.refuses(
        "organiser.already",
        "organiser.appoint",
        council="city",
        organiser="@olga",
        actor="@olga",
    )
    err = fed.refuses("council.not_found", "organiser.appoint", council="nowhere", organiser="@x")
    assert isinstance(err, NotFound)
    for bad in ("@", "@@x", "two words", "@-x", "x@y", "@" + "x" * 129):
        err = fed.refuses("organiser.bad_actor", "organiser.appoint", council="city", organiser=bad)
        assert isinstance(err, InvalidCommand)
    fed.refuses("command.bad_field", "organiser.appoint", council="city", organiser="")
    fed.refuses("command.missing_field", "organiser.appoint", council="city")


@pytest.mark.parametrize("organiser", ["m1", "@olga", "@smolny.committee-2", "@" + "x" * 128])
def test_an_organiser_is_a_member_id_or_a_handle(organiser: str) -> None:
    fed = petrograd()
    fed("organiser.appoint", council="city", organiser=organiser)
    assert fed.view.organisers("city") == (organiser,)


def test_organisers_are_in_the_snapshot_the_state_and_the_replay() -> None:
    fed = _organised()
    fed("organiser.appoint", council="city", organiser="m1", actor="@olga")
    fed("council.create", council="kronstadt", name="Kronstadt soviet", actor="@ivan")
    assert snapshot(fed.view)["organisers"] == [
        {"council": "city", "organiser": "@olga"},
        {"council": "city", "organiser": "m1"},
        {"council": "kronstadt", "organiser": "@ivan"},
    ]
    assert snapshot(replay(fed.record.entries)) == fed.snapshot()
    councils = {c["council"]: c for c in state_json(fed.view)["councils"]}  # type: ignore[attr-defined]
    assert councils["city"]["organisers"] == ["@olga", "m1"]
    assert councils["kronstadt"]["organisers"] == ["@ivan"]
    assert councils["region"]["organisers"] == []
    assert list(councils["city"]) == ["council", "name", "organisers", "seats"]
