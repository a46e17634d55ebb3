"""Schemathesis against the site's own ``/openapi.json``: every documented operation, fed
generated requests (valid ones and deliberately broken ones), must never answer with a server
error (5xx) and must answer only what the document promises — a documented status code, the
documented content type, a body that matches the documented schema.

The site is the one ``councils serve`` runs (:func:`councils.web.site.create_site`) over a real
SQLite federation in a temporary directory, with some state in it (a city soviet, members, an
open election), so that generated commands meet real ids as well as unknown ones. Commands are
sent three ways: with no login (every one refused, 401), with an operator's API token (they
reach the bus and are decided as ``councils apply`` decides them) and with a member's (made as
that member: most refused, 403). Requests go
through the ASGI app in process (no socket), which keeps the run inside its time budget.

Why this exists (issue 4, "Security tests"): the OpenAPI document is what clients are written
against; a route that answers a shape it does not document, or crashes on a body nobody
expected, breaks them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from councils.cli.serve import per_thread
from councils.service import bootstrap
from councils.service.accounts import cheap_hasher
from councils.service.bus import execute
from councils.storage.accounts import SqlAccounts
from councils.storage.engine import create_engine
from councils.testing.scenarios import city_soviet
from councils.web.site import create_site

pytestmark = pytest.mark.slow

#: Generated requests per operation and mode.
EXAMPLES = 100

AT = "1917-10-25T10:00:00+03:00"

#: The checks of the issue: no server error, and the response as documented.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: Some state for generated commands to meet: the Petrograd soviet's two base constituencies,
#: seven members, an open election and a closed one with its seats filled.
SETUP: list[dict[str, object]] = [
    *city_soviet(),
    {
        "command": "election.open",
        "election": "v1",
        "constituency": "vyborg",
        "candidates": ["m6", "m7"],
    },
    {"command": "ballot.cast", "election": "v1", "voter": "m6", "ranking": ["m7"]},
    {"command": "election.close", "election": "v1"},
    {
        "command": "election.open",
        "election": "p1",
        "constituency": "putilov",
        "candidates": ["m1", "m2", "m3"],
    },
    {"command": "ballot.cast", "election": "p1", "voter": "m4", "ranking": ["m1", "m2"]},
]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite federation with :data:`SETUP` applied."""
    path: Path = tmp_path_factory.mktemp("schemathesis") / "councils.db"
    url = f"sqlite:///{path}"
    bootstrap.init_federation(url)
    execute(SETUP, bootstrap.open_uow(url)(), clock=lambda: AT)
    return url


@pytest.fixture(scope="module")
def accounts(site_url: str) -> SqlAccounts:
    return SqlAccounts(create_engine(site_url), hasher=cheap_hasher())


@pytest.fixture(scope="module")
def tokens(accounts: SqlAccounts) -> dict[str, str]:
    """An API token of an operator account (commands pass as ``councils apply``'s do) and of
    a member's (m4 of Putilov: commands made as m4, so most are refused with 403)."""
    out = {}
    for who, actor, operator in (("operator", "@operator", True), ("member", "m4", False)):
        invitation = accounts.create(actor, who.title(), f"{who}@example.org", operator=operator)
        _, principal = accounts.accept(invitation, "a long enough password")
        out[who] = accounts.new_api_token(principal.account, "schemathesis")
    return out


def _operations() -> list[tuple[str, str, GenerationMode, str]]:
    """Every (method, path) of the site's OpenAPI document, with valid requests, and with
    broken ones where the operation takes any input (one with none has no way to be sent
    wrong); the operations that need a login (``POST``) also as an operator and as a member,
    with their API tokens. The document is built without a database (the factory is never
    called), so the list is known when tests are collected."""

    def no_storage() -> Any:
        raise AssertionError("collecting the operations needs no storage")

    doc = create_site(no_storage).openapi()
    out = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            modes = [GenerationMode.POSITIVE]
            if op.get("parameters") or op.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            who = ["nobody", "operator", "member"] if method == "post" else ["nobody"]
            out += [(method.upper(), path, mode, w) for mode in modes for w in who]
    return out


@pytest.fixture(scope="module")
def api_schema(site_url: str, accounts: SqlAccounts) -> Any:
    """The site's ``/openapi.json`` as Schemathesis loads it, bound to the app (ASGI)."""
    app = create_site(
        per_thread(bootstrap.open_uow(site_url)),
        read_factory=bootstrap.open_reader(site_url),
        accounts=accounts,
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# Why not ``schemathesis.pytest.from_fixture`` + ``@schema.parametrize()``: with pytest 9 it
# fails before the first case (schemathesis 4.32's lazy loader sets ``request.node._nodeid``,
# which pytest 9 no longer has). Each operation's strategy, run under Hypothesis here, is the
# same generation and the same checks.
@pytest.mark.parametrize(("method", "path", "mode", "who"), _operations())
def test_no_server_error_and_every_response_as_documented(
    api_schema: Any,
    tokens: dict[str, str],
    method: str,
    path: str,
    mode: GenerationMode,
    who: str,
) -> None:
    operation = api_schema[path][method]
    headers = {} if who == "nobody" else {"Authorization": f"Bearer {tokens[who]}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
