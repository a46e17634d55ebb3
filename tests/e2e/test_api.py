"""The JSON API through HTTP (Starlette's test client) over the in-memory unit of work: the
same commands as ``councils apply``, the same refusals with the right status and index, the
state as ``councils state --json`` prints it, receipts, health and the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import authn
import pytest
from fastapi.testclient import TestClient

from councils.api import create_app
from councils.cli.serve import per_thread
from councils.record import canonical
from councils.record.export import parse_export
from councils.record.heads import SignedTreeHead
from councils.record.merkle import consistency_proof, leaf_hash, root, root_from_inclusion_proof
from councils.record.receipt import Receipt, verify_receipt
from councils.record.report import Report
from councils.service import COMMANDS, UnitOfWork, bootstrap, state_json
from councils.testing import Federation
from councils.testing.scenarios import city_soviet, petrograd

AT = "1917-10-25T10:00:00+03:00"
OPEN = {
    "command": "election.open",
    "election": "e1",
    "constituency": "putilov",
    "candidates": ["m1", "m2", "m3"],
}


@pytest.fixture
def fed() -> Federation:
    return petrograd()


@pytest.fixture
def client(fed: Federation) -> Iterator[TestClient]:
    """An operator's client (an API token): commands pass as written, as ``councils apply``
    runs them. tests/e2e/test_auth.py tests members' sessions and tokens."""
    accounts = authn.accounts()
    app = create_app(
        lambda: fed.uow,
        clock=lambda: AT,
        supply=lambda uow: fed.supply,
        isolated_reads=False,
        accounts=accounts,
    )
    with TestClient(app) as c:
        yield authn.as_operator(c, accounts)


def test_one_command_runs_and_answers_with_its_events_and_record_indices(
    client: TestClient, fed: Federation
) -> None:
    size = len(fed.record)
    r = client.post("/api/commands", json=OPEN)
    assert r.status_code == 200
    body = r.json()
    (result,) = body["results"]
    assert result["index"] == 0 and result["command"] == "election.open"
    assert [e["type"] for e in result["events"]] == ["election.opened"]
    assert result["entries"] == [size]
    assert body["record"]["size"] == size + 1 == len(fed.record)
    assert body["record"]["root"] == fed.record.head().hex()
    assert fed.view.election("e1").status == "open"  # type: ignore[arg-type]
    assert fed.record.entries[size]["at"] == AT  # stamped by the clock


def test_a_list_runs_as_one_batch(client: TestClient, fed: Federation) -> None:
    batch = [
        OPEN,
        {"command": "ballot.cast", "election": "e1", "voter": "m4", "ranking": ["m1", "m2"]},
        {"command": "ballot.cast", "election": "e1", "voter": "m5", "ranking": ["m2"]},
        {"command": "election.close", "election": "e1"},
    ]
    r = client.post("/api/commands", json=batch)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["index"] for x in results] == [0, 1, 2, 3]
    assert [x["command"] for x in results] == [c["command"] for c in batch]
    assert sorted(fed.holders("putilov")) == ["m1", "m2"]  # type: ignore[type-var]


def test_a_batch_is_all_or_nothing_and_the_error_names_the_failing_index(
    client: TestClient, fed: Federation
) -> None:
    before, size = fed.snapshot(), len(fed.record)
    r = client.post(
        "/api/commands",
        json=[
            {"command": "council.create", "council": "moscow", "name": "Moscow soviet"},
            OPEN,
            {"command": "council.create", "council": "city", "name": "Again"},
        ],
    )
    assert r.status_code == 409
    assert r.json() == {
        "code": "council.exists",
        "message": "council city already exists",
        "args": {"council": "city"},
        "index": 2,
    }
    assert fed.snapshot() == before and len(fed.record) == size


@pytest.mark.parametrize(
    ("command", "status", "code"),
    [
        ({"command": "council.create", "council": "x y", "name": "X"}, 422, "command.bad_field"),
        ({"command": "council.burn"}, 422, "command.unknown"),
        ({"command": "council.create", "council": "x"}, 422, "command.missing_field"),
        (
            {"command": "member.leave", "member": "m1", "actor": "m2"},
            403,
            "member.not_self",
        ),
        ({"command": "election.close", "election": "nope"}, 404, "election.not_found"),
        (
            {"command": "recall.sign", "constituency": "putilov", "delegate": "m1", "signer": "m2"},
            409,
            "recall.no_mandate",
        ),
        ({"command": "council.create", "council": "city", "name": "Again"}, 409, "council.exists"),
    ],
)
def test_each_error_class_has_its_status(
    client: TestClient, command: dict[str, object], status: int, code: str
) -> None:
    r = client.post("/api/commands", json=command)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"code", "message", "args", "index"}
    assert (body["code"], body["index"]) == (code, 0)
    assert body["message"]


def test_a_refusal_after_valid_commands_names_the_refused_one(client: TestClient) -> None:
    r = client.post(
        "/api/commands",
        json=[OPEN, {"command": "ballot.cast", "election": "e1", "voter": "m6", "ranking": []}],
    )
    assert r.status_code == 403
    assert (r.json()["code"], r.json()["index"]) == ("ballot.not_in_electorate", 1)


@pytest.mark.parametrize(
    ("body", "code", "index"),
    [
        (b"not json", "request.not_json", 0),
        (b"", "request.not_json", 0),
        (b"42", "command.not_object", 0),
        (b'"council.create"', "command.not_object", 0),
        (b"[]", "request.empty_batch", 0),
        (
            b'[{"command": "faction.create", "faction": "left", "name": "Left"}, 7]',
            "command.not_object",
            1,
        ),
        (b'{"council": "x"}', "command.missing_name", 0),
    ],
)
def test_a_body_that_is_not_commands_is_422_with_an_index(
    client: TestClient, fed: Federation, body: bytes, code: str, index: int
) -> None:
    size = len(fed.record)
    r = client.post("/api/commands", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert (r.json()["code"], r.json()["index"]) == (code, index)
    assert len(fed.record) == size


def test_a_cast_ballot_answers_with_the_voters_receipt(client: TestClient, fed: Federation) -> None:
    client.post("/api/commands", json=OPEN)
    r = client.post(
        "/api/commands",
        json={"command": "ballot.cast", "election": "e1", "voter": "m4", "ranking": ["m3"]},
    )
    assert r.status_code == 200
    body = r.json()
    (result,) = body["results"]
    receipt = result["receipt"]
    (leaf,) = result["entries"]
    assert receipt["type"] == "record.receipt" and receipt["leaf_index"] == leaf
    # the secret ballot's entry says that m4 voted, not how; the receipt holds no token
    assert result["events"] == [{"type": "ballot.cast", "v": 1, "election": "e1", "voter": "m4"}]
    assert "token" not in str(receipt)
    entry = canonical.encode(fed.record.entries[leaf])
    assert receipt["leaf_hash"] == leaf_hash(entry).hex()
    # the proof is at the size just after the append, the last entry of this batch here
    assert receipt["tree_size"] == leaf + 1 == body["record"]["size"]
    rebuilt = root_from_inclusion_proof(
        bytes.fromhex(receipt["leaf_hash"]),
        leaf,
        receipt["tree_size"],
        [bytes.fromhex(p) for p in receipt["proof"]],
    )
    leaves = [leaf_hash(canonical.encode(e)) for e in fed.record.entries[: leaf + 1]]
    assert rebuilt == root(leaves)
    assert rebuilt.hex() == body["record"]["root"]
    other = client.post(
        "/api/commands", json={"command": "election.nominate", "election": "e1", "candidate": "m5"}
    )
    assert "receipt" not in other.json().get("results", [{}])[0]


def test_state_is_the_shape_of_state_json(client: TestClient, fed: Federation) -> None:
    client.post(
        "/api/commands",
        json=[
            OPEN,
            {"command": "ballot.cast", "election": "e1", "voter": "m4", "ranking": ["m1", "m2"]},
            {"command": "election.close", "election": "e1"},
            {"command": "recall.sign", "constituency": "putilov", "delegate": "m1", "signer": "m5"},
        ],
    )
    r = client.get("/api/state")
    assert r.status_code == 200
    state = r.json()
    assert state == state_json(fed.view)
    assert list(state) == ["councils", "constituencies", "elections", "recalls"]
    assert set(state["councils"][0]) == {"council", "name", "seats", "organisers"}
    assert set(state["councils"][0]["seats"][0]) == {"constituency", "holder"}
    assert set(state["constituencies"][0]) == {
        "constituency",
        "kind",
        "council",
        "of",
        "seats",
        "electorate",
        "holders",
    }
    assert state["elections"] == [
        {"election": "e1", "constituency": "putilov", "status": "closed", "elected": ["m1", "m2"]}
    ]
    assert state["recalls"] == [
        {"constituency": "putilov", "delegate": "m1", "signatures": 1, "threshold": 3}
    ]


def test_health_reports_the_database_and_the_record_size(
    client: TestClient, fed: Federation
) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "database": "reachable",
        "record": {"size": len(fed.record)},
        "error": None,
    }


def test_health_is_503_when_the_database_is_unreachable() -> None:
    def broken() -> Federation:
        raise OSError("unable to open database file")

    with TestClient(create_app(broken)) as c:  # type: ignore[arg-type]
        r = c.get("/health")
    assert r.status_code == 503
    body = r.json()
    assert (body["status"], body["database"]) == ("unavailable", "unreachable")
    assert "unable to open database file" in body["error"]


def test_record_head(client: TestClient, fed: Federation) -> None:
    r = client.get("/api/record/head")
    assert r.status_code == 200
    assert r.json()["size"] == len(fed.record)
    assert r.json()["root"] == fed.record.head().hex()


def test_the_command_list_names_every_registered_command(client: TestClient) -> None:
    names = [c["command"] for c in client.get("/api/commands").json()]
    assert names == COMMANDS.names()


def test_openapi_lists_the_routes_and_documents_every_command(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/api/commands", "/api/state", "/api/record/head", "/health"} <= set(doc["paths"])
    post = doc["paths"]["/api/commands"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    one = schema["anyOf"][0]
    assert sorted(one["discriminator"]["mapping"]) == COMMANDS.names()
    components = doc["components"]["schemas"]
    for ref in one["discriminator"]["mapping"].values():
        assert ref.removeprefix("#/components/schemas/") in components
    sign = components["RecallSignCommand"]
    assert sign["properties"]["command"]["const"] == "recall.sign"
    assert set(sign["required"]) == {"command", "constituency", "delegate", "signer"}
    assert {"409", "422", "403", "404"} <= set(post["responses"])
    assert set(components["ErrorBody"]["properties"]) == {"code", "message", "args", "index"}
    state = doc["paths"]["/api/state"]["get"]["responses"]["200"]["content"]["application/json"]
    assert state["schema"]["$ref"].endswith("/State")


# ---------------------------------------------------------------------------- over SQLite


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'councils.db'}"
    bootstrap.init_federation(url)
    return url


@pytest.fixture
def sql_client(sqlite_url: str) -> Iterator[TestClient]:
    accounts = bootstrap.open_accounts(sqlite_url)
    app = create_app(
        per_thread(bootstrap.open_uow(sqlite_url)), clock=lambda: AT, accounts=accounts
    )
    with TestClient(app) as c:
        yield authn.as_operator(c, accounts)


def _setup(client: TestClient, token: str | None = None) -> None:
    """The Petrograd scenario's city soviet, over HTTP: Putilov (m1-m5) and Vyborg (m6, m7).
    ``token``: an API token for this request only (the client then reads the pages as nobody,
    so that no token's last use is written while a writer holds the lock)."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    r = client.post("/api/commands", json=city_soviet(), headers=headers)
    assert r.status_code == 200, r.json()


def test_sqlite_batch_receipts_verify_against_the_signed_heads(
    sql_client: TestClient, sqlite_url: str
) -> None:
    _setup(sql_client)
    r = sql_client.post(
        "/api/commands",
        json=[
            OPEN,
            {"command": "ballot.cast", "election": "e1", "voter": "m4", "ranking": ["m1"]},
            {"command": "ballot.cast", "election": "e1", "voter": "m5", "ranking": ["m2", "m1"]},
            {"command": "election.close", "election": "e1"},
        ],
    )
    assert r.status_code == 200, r.json()
    results = r.json()["results"]
    receipts = [Receipt.from_json(canonical.encode(x["receipt"])) for x in results[1:3]]
    assert [x.leaf_index for x in receipts] == [results[1]["entries"][0], results[2]["entries"][0]]
    assert all(x.tree_size == x.leaf_index + 1 for x in receipts)
    assert all("receipt" not in x for x in (results[0], results[3]))
    report = Report()
    key, heads, _, _, entries, _ = parse_export(bootstrap.export_federation(sqlite_url), report)
    assert report.ok
    head = heads[-1]
    # The answer names the head its batch signed as it committed.
    assert r.json()["record"]["signed"] == json.loads(head.to_json())
    leaves = [leaf_hash(e) for e in entries]
    for receipt in receipts:
        proof = consistency_proof(leaves, receipt.tree_size, head.size)
        check = verify_receipt(receipt, head, key, proof, entries[receipt.leaf_index])
        assert check.ok, check.failures


def test_sqlite_record_head_publishes_the_latest_signed_head(
    sql_client: TestClient, sqlite_url: str
) -> None:
    _setup(sql_client)
    body = sql_client.get("/api/record/head").json()
    signed = SignedTreeHead.from_json(canonical.encode(body["signed"]))
    assert signed.size == body["size"] and signed.root.hex() == body["root"]
    report = Report()
    key, heads, _, _, _, _ = parse_export(bootstrap.export_federation(sqlite_url), report)
    assert report.ok
    assert signed.verify(key).ok
    assert signed.to_json() == heads[-1].to_json()


def test_sqlite_state_and_all_or_nothing(sql_client: TestClient, sqlite_url: str) -> None:
    _setup(sql_client)
    size = sql_client.get("/health").json()["record"]["size"]
    r = sql_client.post(
        "/api/commands",
        json=[OPEN, {"command": "ballot.cast", "election": "e1", "voter": "m6", "ranking": []}],
    )
    assert (r.status_code, r.json()["index"]) == (403, 1)
    assert sql_client.get("/health").json()["record"]["size"] == size
    with bootstrap.read_state(sqlite_url) as view:
        expected = state_json(view)
    assert sql_client.get("/api/state").json() == expected
    assert expected["elections"] == []


def test_sqlite_health_is_503_for_a_database_never_initialised(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"

    def factory() -> UnitOfWork:  # opening or entering it fails, whichever storage prefers
        return bootstrap.open_uow(url)()

    with TestClient(create_app(factory)) as c:
        r = c.get("/health")
    assert r.status_code == 503 and r.json()["database"] == "unreachable"


def test_sqlite_pages_and_reads_do_not_wait_for_a_writer(sqlite_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from councils.web.site import create_site

    accounts = bootstrap.open_accounts(sqlite_url)
    site = create_site(
        per_thread(bootstrap.open_uow(sqlite_url)),
        clock=lambda: AT,
        read_factory=bootstrap.open_reader(sqlite_url),
        accounts=accounts,
    )
    token = authn.operator_token(accounts)
    with TestClient(site) as client, ThreadPoolExecutor(1) as pool:
        _setup(client, token)
        before = client.get("/api/state").json()
        writer = bootstrap.open_uow(sqlite_url)()
        with writer:  # BEGIN IMMEDIATE: this writer holds the lock until it ends
            writer.view.member("m1")
            # A read through a unit of work would wait for the lock (up to the busy timeout);
            # a snapshot answers at once, with the state as last committed.
            state = pool.submit(client.get, "/api/state").result(timeout=10)
            page = pool.submit(client.get, "/").result(timeout=10)
            head = pool.submit(client.get, "/api/record/head").result(timeout=10)
        assert state.status_code == 200 and state.json() == before
        assert page.status_code == 200
        assert head.json()["signed"]["size"] == head.json()["size"]
