"""Group commit (api/backend.py): batches that arrive together share one transaction, and each
is still all or nothing for its sender. Forty threads post at once through one Backend over
SQLite and over PostgreSQL, a quarter of them refused (a second ballot of the same voter, an
unknown election): every accepted batch is in the state and on the record once, no refused one
is, each answer is the one its batch alone would get, fewer tree heads are signed than batches
committed, and the record verifies."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from councils.api.backend import Backend
from councils.cli.serve import per_thread
from councils.domain.errors import CouncilError
from councils.service import bootstrap
from councils.service.bus import Result, execute
from councils.service.uow import UnitOfWork
from councils.storage import metadata as m
from councils.storage.engine import create_engine

VOTERS = [f"v{i:02}" for i in range(40)]


def _federation(url: str) -> None:
    setup: list[dict[str, Any]] = [
        {"command": "council.create", "council": "city", "name": "City"},
        *(
            {
                "command": "constituency.create",
                "constituency": f"w{k}",
                "name": f"Works {k}",
                "kind": "workplace",
                "council": "city",
                "seats": 1,
            }
            for k in range(3)
        ),
        *(
            {"command": "member.register", "member": v, "name": v, "constituency": "w0"}
            for v in VOTERS
        ),
        *(
            {"command": "member.join", "member": v, "constituency": f"w{k}"}
            for v in VOTERS
            for k in (1, 2)
        ),
        *(
            {
                "command": "election.open",
                "election": f"e{k}",
                "constituency": f"w{k}",
                "candidates": VOTERS[:3],
            }
            for k in range(3)
        ),
    ]
    execute(setup, bootstrap.open_uow(url)())


def test_batches_posted_together_share_transactions_and_each_stays_all_or_nothing(
    federation_url: str,
) -> None:
    url = federation_url
    _federation(url)
    backend = Backend(per_thread(bootstrap.open_uow(url)))
    engine = create_engine(url)
    with engine.connect() as conn:
        heads0 = conn.execute(select(func.count()).select_from(m.tree_heads)).scalar_one()

    def batch(i: int, v: str) -> list[dict[str, Any]]:
        if i % 8 == 3:  # refused at its second command: its first must not stay either
            return [
                {"command": "ballot.cast", "election": "e1", "voter": v, "ranking": [VOTERS[0]]},
                {"command": "ballot.cast", "election": "e1", "voter": v, "ranking": [VOTERS[1]]},
            ]
        if i % 8 == 6:
            return [{"command": "ballot.cast", "election": "nope", "voter": v, "ranking": []}]
        return [
            {"command": "ballot.cast", "election": "e0", "voter": v, "ranking": [VOTERS[1]]},
            {"command": "ballot.cast", "election": "e2", "voter": v, "ranking": [VOTERS[2]]},
        ]

    answers: dict[str, object] = {}
    start = threading.Barrier(len(VOTERS))

    def post(i: int, v: str) -> None:
        def then(results: list[Result], uow: UnitOfWork) -> list[int]:
            return [e for r in results for e in r.entries]

        start.wait()
        try:
            answers[v] = backend.run(batch(i, v), then)
        except CouncilError as err:
            answers[v] = (err.code, err.index)

    threads = [threading.Thread(target=post, args=(i, v)) for i, v in enumerate(VOTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    accepted = [v for i, v in enumerate(VOTERS) if i % 8 not in (3, 6)]
    for i, v in enumerate(VOTERS):
        if i % 8 == 3:
            assert answers[v] == ("ballot.already_cast", 1)
        elif i % 8 == 6:
            assert answers[v] == ("election.not_found", 0)
        else:
            assert isinstance(answers[v], list) and len(answers[v]) == 2  # type: ignore[arg-type]
    with engine.connect() as conn:
        voted = Counter(conn.execute(select(m.voters.c.election, m.voters.c.voter)).all())
        heads = conn.execute(select(func.count()).select_from(m.tree_heads)).scalar_one()
    engine.dispose()
    assert sorted(voted) == sorted([("e0", v) for v in accepted] + [("e2", v) for v in accepted])
    assert set(voted.values()) == {1}
    assert heads - heads0 < len(accepted)  # some transactions carried several batches
    assert bootstrap.verify_federation(url).ok
