"""A site over a real SQLite federation, with accounts, for the member and organiser page tests:
log in as anyone (an account made, its invitation accepted), read the CSRF token off a page.
:func:`build_site` and :func:`session_of` also serve browser/inprocess.py. Imported as
``pages_setup`` (tests/e2e/conftest.py puts this folder on ``sys.path``)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from councils.api.backend import Backend
from councils.cli.serve import per_thread
from councils.service import bootstrap
from councils.service.accounts import cheap_hasher
from councils.storage.accounts import SqlAccounts
from councils.storage.engine import create_engine
from councils.web.auth import SESSION_COOKIE
from councils.web.site import create_site

__all__ = ["PASSWORD", "Site", "build_site", "csrf_of", "open_site", "session_of", "text_of"]

PASSWORD = "correct horse battery staple"


def text_of(html: str) -> str:
    """The page's text, tags dropped, entities read and whitespace squeezed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def build_site(tmp_path: Path) -> tuple[str, FastAPI, Backend, SqlAccounts]:
    """The site as ``councils serve`` builds it (cookies marked Secure) over a fresh SQLite
    federation in ``tmp_path``, with accounts hashing cheaply: its URL, app, backend, accounts."""
    url = f"sqlite:///{tmp_path / 'councils.db'}"
    bootstrap.init_federation(url)
    accounts = SqlAccounts(create_engine(url), hasher=cheap_hasher())
    app = create_site(
        per_thread(bootstrap.open_uow(url)),
        accounts=accounts,
        read_factory=bootstrap.open_reader(url),
    )
    backend = app.state.backend
    assert isinstance(backend, Backend)
    return url, app, backend, accounts


def session_of(
    accounts: SqlAccounts,
    actor: str,
    password: str,
    name: str | None = None,
    email: str | None = None,
) -> str:
    """A new session of ``actor``: its account made if missing (else invited again), the
    invitation accepted with ``password``."""
    if accounts.by_actor(actor) is None:
        token = accounts.create(actor, name or actor, email or f"{actor.strip('@')}@example.org")
    else:
        token = accounts.invite(actor)
    session, _ = accounts.accept(token, password)
    return session


@dataclass
class Site:
    url: str
    backend: Backend
    accounts: SqlAccounts
    client: TestClient

    def run(self, *commands: Mapping[str, object]) -> None:
        """Commands as the operator (no actor), one batch."""
        self.backend.run(list(commands), lambda results, uow: None)

    def login(self, actor: str, name: str | None = None, email: str | None = None) -> TestClient:
        """A new client logged in as ``actor`` (its account made if missing)."""
        client = TestClient(self.client.app, base_url="https://testserver")
        client.cookies.set(SESSION_COOKIE, session_of(self.accounts, actor, PASSWORD, name, email))
        return client

    def csrf(self, client: TestClient, path: str = "/me") -> str:
        return csrf_of(client.get(path).text)


@contextmanager
def open_site(tmp_path: Path, setup: Sequence[Mapping[str, object]] = ()) -> Iterator[Site]:
    url, app, backend, accounts = build_site(tmp_path)
    with TestClient(app, base_url="https://testserver") as client:
        site = Site(url, backend, accounts, client)
        if setup:
            site.run(*setup)
        yield site
