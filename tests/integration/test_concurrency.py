"""Two processes cast ballots and sign a recall petition at the same moment, on SQLite and on
PostgreSQL: nothing is lost, nothing counts twice, the refusals are the right ones, and the
record verifies afterwards.

Each process sends one command per transaction (as voters' requests arrive), in a different
order, over sets of voters and signers that overlap by half: every overlapping ballot and
signature is tried by both processes, often within the same millisecond.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from collections import Counter
from typing import Any

from sql_harness import Databases, SqlFederation, concurrent_worker

from councils.service.bootstrap import verify_federation

VOTERS = [f"w{i:03}" for i in range(120)]


def _federation(databases: Databases) -> SqlFederation:
    fed = SqlFederation(url=databases.new())
    fed.run(
        {"command": "council.create", "council": "city", "name": "City"},
        {
            "command": "constituency.create",
            "constituency": "works",
            "name": "Works",
            "kind": "workplace",
            "council": "city",
            "seats": 2,
        },
        {
            "command": "constituency.create",
            "constituency": "depot",
            "name": "Depot",
            "kind": "workplace",
            "council": "city",
            "seats": 1,
        },
        *(
            {"command": "member.register", "member": v, "name": v.upper(), "constituency": "works"}
            for v in VOTERS
        ),
        *({"command": "member.join", "member": v, "constituency": "depot"} for v in VOTERS),
        {
            "command": "election.open",
            "election": "d1",
            "constituency": "depot",
            "candidates": ["w000"],
        },
        {"command": "ballot.cast", "election": "d1", "voter": "w000", "ranking": ["w000"]},
        {"command": "election.close", "election": "d1"},
        {
            "command": "election.open",
            "election": "e1",
            "constituency": "works",
            "candidates": ["w001", "w002", "w003"],
        },
    )
    return fed


def _commands(voters: list[str], signers: list[str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, voter in enumerate(voters):
        ranking = [["w001", "w002"], ["w003"], ["w002", "w003", "w001"]][i % 3]
        out.append({"command": "ballot.cast", "election": "e1", "voter": voter, "ranking": ranking})
        if i < len(signers):
            out.append(
                {
                    "command": "recall.sign",
                    "constituency": "depot",
                    "delegate": "w000",
                    "signer": signers[i],
                }
            )
    return out


def test_two_processes_vote_and_sign_at_the_same_moment(databases: Databases) -> None:
    fed = _federation(databases)
    a_voters, b_voters = VOTERS[:80], list(reversed(VOTERS[40:]))
    # Threshold: more than half of 120 = 61 signatures; 50 distinct signers stay below it.
    a_signers, b_signers = VOTERS[10:45], list(reversed(VOTERS[25:60]))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    queue: Any = ctx.Queue()
    procs = [
        ctx.Process(target=concurrent_worker, args=(fed.url, cmds, barrier, queue, name))
        for name, cmds in (
            ("a", _commands(a_voters, a_signers)),
            ("b", _commands(b_voters, b_signers)),
        )
    ]
    for p in procs:
        p.start()
    results = dict(queue.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    outcomes = [o for name in ("a", "b") for o in results[name]]
    votes = Counter(
        str(c["voter"]) for c, o in outcomes if c["command"] == "ballot.cast" and o == "ok"
    )
    signed = Counter(
        str(c["signer"]) for c, o in outcomes if c["command"] == "recall.sign" and o == "ok"
    )
    refused = Counter(o for _, o in outcomes if o != "ok")
    # Every voter voted exactly once; each overlapping attempt was refused as a second vote.
    assert votes == Counter(VOTERS)
    assert signed == Counter(VOTERS[10:60])
    assert refused == {"ballot.already_cast": 40, "recall.already_signed": 20}

    view = fed.view
    assert view.turnout("e1") == len(VOTERS)
    assert sorted(view.voters("e1")) == VOTERS
    assert sum(b.weight for b in view.ballots("e1")) == len(VOTERS)
    assert view.signatures("depot", "w000") == tuple(VOTERS[10:60])
    entries = fed.record.entries
    cast = Counter(
        e["voter"] for e in entries if e["type"] == "ballot.cast" and e["election"] == "e1"
    )
    assert set(cast.values()) == {1} and len(cast) == len(VOTERS)
    report = verify_federation(fed.url)
    assert report.ok, [str(f) for f in report]
    fed.close()


def test_two_apply_batches_at_the_same_moment(databases: Databases) -> None:
    """Through the CLI: two whole batches at once. Disjoint voters: both are applied. Then
    overlapping ones: one batch is applied whole and the other refused whole."""
    fed = _federation(databases)

    def batch(voters: list[str]) -> str:
        return "".join(
            json.dumps({"command": "ballot.cast", "election": "e1", "voter": v, "ranking": []})
            + "\n"
            for v in voters
        )

    def both(one: list[str], two: list[str]) -> list[subprocess.CompletedProcess[str]]:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "councils", "--db", fed.url, "apply", "-q", "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in (one, two)
        ]
        done = []
        for proc, voters in zip(procs, (one, two), strict=True):
            out, err = proc.communicate(batch(voters), timeout=120)
            done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        return done

    first = both(VOTERS[:30], VOTERS[30:60])
    assert [d.returncode for d in first] == [0, 0], [d.stderr for d in first]
    assert fed.view.turnout("e1") == 60
    second = both(VOTERS[60:100], VOTERS[90:120])
    codes = sorted(d.returncode for d in second)
    assert codes == [0, 1], [d.stderr for d in second]
    loser = next(d for d in second if d.returncode == 1)
    assert "ballot.already_cast" in loser.stderr
    assert fed.view.turnout("e1") in (100, 90)  # the winner's batch whole, the loser's none
    assert verify_federation(fed.url).ok
    fed.close()
