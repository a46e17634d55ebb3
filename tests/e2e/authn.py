"""Logging in for the end-to-end tests: accounts in memory (real SQLite, cheap Argon2id) and an
operator's API token, so a test client can make commands as ``councils apply`` does. Imported as
``authn`` (tests/e2e/conftest.py puts this folder on ``sys.path``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from councils.service.accounts import cheap_hasher, now_ms
from councils.storage.accounts import SqlAccounts, memory_accounts

__all__ = ["accounts", "as_operator", "operator_token"]

OPERATOR = "@operator"


def accounts(clock: Callable[[], int] = now_ms) -> SqlAccounts:
    """Accounts in a private in-memory SQLite database, hashing cheaply."""
    return memory_accounts(hasher=cheap_hasher(), clock=clock)


def operator_token(store: SqlAccounts, actor: str = OPERATOR) -> str:
    """An API token of an operator account (made if missing): its commands pass as written."""
    if store.by_actor(actor) is None:
        store.create(actor, "Operator", None, operator=True)
    found = store.by_actor(actor)
    assert found is not None
    return store.new_api_token(found.account, "tests")


def as_operator(client: TestClient, store: SqlAccounts) -> TestClient:
    """``client`` sending an operator's API token with every request."""
    client.headers["Authorization"] = f"Bearer {operator_token(store)}"
    return client
