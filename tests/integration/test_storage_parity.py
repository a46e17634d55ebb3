"""The SQL store behaves exactly as the in-memory reference store, on SQLite and PostgreSQL.

Every batch runs on both (:class:`sql_harness.TwinFederation`), and after each the results or
refusals, the snapshots and the records must be identical: the scenarios below walk through
elections (secret and open), recalls that cascade up three tiers with countbacks, by-elections,
members leaving, withdrawn signatures and refused batches; then the council state machine of
tests/property runs on the twin with random command sequences.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sql_harness import Databases, SqlFederation, TwinFederation

from councils.domain.constitution import DEFAULT, parse_constitution
from councils.domain.errors import CouncilError
from councils.service import state_json
from councils.testing import scenarios
from councils.testing.scenarios import PUTILOV, VYBORG

MACHINE = Path(__file__).resolve().parents[1] / "property" / "test_council_state_machine.py"


@pytest.fixture
def twins(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Databases:
    """``petrograd()`` builds twins on the parametrized database."""
    monkeypatch.setattr(SqlFederation, "databases", databases)
    monkeypatch.setattr(scenarios, "Federation", TwinFederation)
    return databases


def _seated(constitution: Any = DEFAULT) -> TwinFederation:
    fed = scenarios.petrograd(constitution)
    assert isinstance(fed, TwinFederation)
    fed.elect("s1", "putilov", PUTILOV[:3], {m: PUTILOV[:3] for m in PUTILOV})
    fed.elect("s2", "vyborg", VYBORG, {m: VYBORG for m in VYBORG})
    fed.elect("s3", "city-delegation", ["m1", "m6"], {"m1": ["m1"], "m2": ["m1"], "m6": ["m6"]})
    fed.elect("s4", "region-delegation", ["m1"], {"m1": ["m1"]})
    return fed


def test_a_recall_cascades_through_three_tiers_with_countbacks(twins: Databases) -> None:
    fed = _seated()
    assert fed.holders("region-delegation") == ["m1"]
    for signer in ("m2", "m3", "m4"):
        fed("recall.sign", constituency="putilov", delegate="m1", signer=signer)
    # m1 lost putilov, so the city delegation and the executive seat went too; each was
    # counted back or reopened, identically on both stores.
    assert "m1" not in fed.holders("putilov")
    assert fed.holders("city-delegation") != ["m1"]
    assert state_json(fed.sql.view) == state_json(fed.view)


def test_members_leave_and_signatures_are_withdrawn(twins: Databases) -> None:
    fed = _seated()
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m4")
    fed("recall.withdraw", constituency="putilov", delegate="m2", signer="m4")
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m4")
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m5")
    fed("member.leave", member="m5")
    fed("member.leave", member="m1")
    fed("member.join", member="m6", constituency="putilov")
    fed("member.register", member="m8", name="M8", constituency="vyborg")
    assert state_json(fed.sql.view) == state_json(fed.view)


def test_by_elections_open_by_themselves(twins: Databases) -> None:
    fed = _seated(parse_constitution({"vacancy": {"rule": "by-election"}}))
    fed("member.leave", member="m6")
    vacancy = [e for e in fed.view.open_elections("vyborg")]
    assert vacancy and vacancy[0].election.startswith("vyborg~")
    fed("election.nominate", election=vacancy[0].election, candidate="m7")
    fed("ballot.cast", election=vacancy[0].election, voter="m7", ranking=["m7"])
    fed("election.close", election=vacancy[0].election)
    assert fed.holders("vyborg") == ["m7"]


def test_refusals_and_failed_batches_change_nothing_on_either(twins: Databases) -> None:
    fed = _seated()
    for code, command, fields in [
        ("election.not_open", "ballot.cast", {"election": "s1", "voter": "m1", "ranking": []}),
        (
            "recall.not_in_electorate",
            "recall.sign",
            {"constituency": "putilov", "delegate": "m2", "signer": "m7"},
        ),
        (
            "member.exists",
            "member.register",
            {"member": "m1", "name": "X", "constituency": "putilov"},
        ),
    ]:
        with pytest.raises(CouncilError) as err:
            fed(command, **fields)
        assert err.value.code == code
    with pytest.raises(CouncilError) as failed:
        fed.run(
            {
                "command": "member.register",
                "member": "m50",
                "name": "M50",
                "constituency": "vyborg",
            },
            {"command": "recall.sign", "constituency": "vyborg", "delegate": "m6", "signer": "m50"},
            {"command": "council.create", "council": "city", "name": "Again"},
        )
    assert (failed.value.code, failed.value.index) == ("council.exists", 2)
    assert not fed.sql.view.has_member("m50")


def test_organisers_and_what_they_may_do_are_the_same_on_both(twins: Databases) -> None:
    """Appointed and acting in one batch (the SQL store's cached answer must see the new
    organiser), refused in a council they do not organise, listed the same way."""
    fed = scenarios.petrograd()
    fed.run(
        {"command": "organiser.appoint", "council": "city", "organiser": "@olga"},
        {"command": "organiser.appoint", "council": "city", "organiser": "m1", "actor": "@olga"},
        {
            "command": "member.register",
            "member": "m9",
            "name": "M9",
            "constituency": "vyborg",
            "actor": "m1",
        },
        {"command": "council.create", "council": "kronstadt", "name": "K", "actor": "@ivan"},
        {
            "command": "organiser.appoint",
            "council": "kronstadt",
            "organiser": "@olga",
            "actor": "@ivan",
        },
    )
    for command, fields in [
        ("election.open", {"election": "e1", "constituency": "city-delegation", "actor": "@olga"}),
        ("organiser.appoint", {"council": "region", "organiser": "@olga", "actor": "m1"}),
        ("election.close", {"election": "nowhere", "actor": "@olga"}),
    ]:
        with pytest.raises(CouncilError) as err:
            fed(command, **fields)
        assert err.value.code in {"council.not_organiser", "election.not_found"}
    for view in (fed.sql.view, fed.view):
        assert view.organisers("city") == ("@olga", "m1")
        assert view.organised_by("@olga") == ("city", "kronstadt")
        assert view.organised_by("@nobody") == ()
    assert state_json(fed.sql.view) == state_json(fed.view)


def test_secret_ballots_are_published_grouped_at_the_close(twins: Databases) -> None:
    fed = scenarios.petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=PUTILOV[:3])
    for voter, ranking in zip(PUTILOV, (["m1"], ["m2"], ["m1"], ["m3", "m1"], []), strict=True):
        fed("ballot.cast", election="e1", voter=voter, ranking=ranking)
    assert fed.sql.view.turnout("e1") == 5
    assert len(fed.sql.view.ballots("e1")) == 5
    fed("election.close", election="e1")
    weights = sorted(b.weight for b in fed.sql.view.ballots("e1"))
    assert weights == [1, 1, 1, 2]


@pytest.mark.slow
def test_the_council_state_machine_on_the_twin(twins: Databases) -> None:
    """The six invariants of tests/property, plus memory == SQL after every batch."""
    spec = importlib.util.spec_from_file_location("_council_machine_on_sql", MACHINE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    examples = 10 if twins.postgres else 25
    run_state_machine_as_test(
        module.CouncilMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


def _prefetching(commands: list[dict[str, Any]], uow: Any, every: int) -> Any:
    """As ``councils apply`` feeds the bus: each chunk prefetched just before it runs."""
    for start in range(0, len(commands), every):
        chunk = commands[start : start + every]
        uow.prefetch(chunk)
        yield from chunk


@pytest.mark.parametrize("limit", [10, 200_000])
def test_prefetched_batches_match_memory(
    databases: Databases, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Prefetching (with background flushes on PostgreSQL, and cache trims when ``limit`` is
    small) changes nothing: one big mixed batch gives memory's state exactly."""
    from councils.service import execute
    from councils.storage import state as sql_state
    from councils.testing import Federation

    monkeypatch.setattr(sql_state, "CACHE_LIMIT", limit)
    base = [f"b{i}" for i in range(4)]
    commands: list[dict[str, Any]] = [
        {"command": "council.create", "council": "city", "name": "City"},
        {"command": "council.create", "council": "region", "name": "Region"},
        *(
            {
                "command": "constituency.create",
                "constituency": b,
                "name": b,
                "kind": "workplace",
                "council": "city",
                "seats": 2,
            }
            for b in base
        ),
        {
            "command": "constituency.create",
            "constituency": "cd",
            "name": "CD",
            "kind": "council",
            "council": "region",
            "of": "city",
            "seats": 1,
        },
    ]
    members = [f"m{i}" for i in range(60)]
    commands += [
        {"command": "member.register", "member": m, "name": m, "constituency": base[i % 4]}
        for i, m in enumerate(members)
    ]
    commands += [
        {"command": "member.join", "member": m, "constituency": base[(i + 1) % 4]}
        for i, m in enumerate(members[:20])
    ]
    for b in base:
        electorate = [m for i, m in enumerate(members) if base[i % 4] == b]
        candidates = electorate[:3]
        commands.append(
            {
                "command": "election.open",
                "election": f"e{b}",
                "constituency": b,
                "candidates": candidates,
            }
        )
        commands += [
            {
                "command": "ballot.cast",
                "election": f"e{b}",
                "voter": v,
                "ranking": candidates[j % 3 :] + candidates[: j % 3],
            }
            for j, v in enumerate(electorate)
        ]
        commands.append({"command": "election.close", "election": f"e{b}"})
    memory = Federation()
    memory.run(*commands)
    holders = [s.holder for s in memory.view.seats("b0") if s.holder]
    electorate = [m for i, m in enumerate(members) if i % 4 == 0]
    signers = [m for m in electorate if m not in holders][:9]
    tail: list[dict[str, Any]] = [
        {"command": "recall.sign", "constituency": "b0", "delegate": holders[0], "signer": s}
        for s in signers
    ]
    tail += [
        {"command": "member.leave", "member": members[1]},
        {"command": "member.register", "member": "late", "name": "Late", "constituency": "b1"},
    ]
    memory.run(*tail)

    sql = SqlFederation(url=databases.new())
    for batch in (commands, tail):
        execute(_prefetching(batch, sql.uow, 7), sql.uow, supply=sql.supply)
    assert sql.snapshot() == memory.snapshot()
    assert sql.record.entries == memory.record.entries
    sql.close()
