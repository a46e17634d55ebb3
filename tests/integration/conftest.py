"""Storage tests run on SQLite and on a real PostgreSQL.

``store_url`` is parametrized: ``sqlite`` (a file in the test's temporary folder) and
``postgresql`` (a fresh database on a throwaway server this session starts from the installed
binaries: :class:`councils.testing.postgres.TemporaryPostgres`). Without the binaries the
PostgreSQL cases are skipped with the reason, unless ``COUNCILS_REQUIRE_POSTGRES=1`` (set by
``.ci/run``): then they fail, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sql_harness import Databases, SqlFederation

from councils.service.bootstrap import init_federation
from councils.testing.postgres import PostgresUnavailable, TemporaryPostgres

REQUIRE = "COUNCILS_REQUIRE_POSTGRES"
STORES = ["sqlite", "postgresql"]


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE}=1) but unavailable: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    """One throwaway PostgreSQL server per test process, stopped at the end."""
    try:
        server = TemporaryPostgres()
        server.start()
    except PostgresUnavailable as err:
        _unavailable(str(err))
        raise  # unreachable: _unavailable skips or fails
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (no schema yet) on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'federation.db'}"
    server: TemporaryPostgres = request.getfixturevalue("postgres_server")
    return server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def federation_url(store_url: str) -> str:
    """A database holding a new, empty federation (``councils init``)."""
    init_federation(store_url)
    return store_url


@pytest.fixture(scope="session")
def pg_databases(postgres_server: TemporaryPostgres) -> Databases:
    return Databases(postgres_server.url())


@pytest.fixture(params=STORES)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Databases:
    """Fast fresh federations on each engine (from one template per engine and process)."""
    if request.param == "postgresql":
        found: Databases = request.getfixturevalue("pg_databases")
        return found
    return _sqlite_databases(tmp_path_factory)


_SQLITE: dict[str, Databases] = {}


def _sqlite_databases(factory: pytest.TempPathFactory) -> Databases:
    if "db" not in _SQLITE:
        _SQLITE["db"] = Databases(str(factory.mktemp("federations")))
    return _SQLITE["db"]


@pytest.fixture
def sql_federation(databases: Databases) -> Iterator[SqlFederation]:
    """A new, empty :class:`SqlFederation` on each engine."""
    fed = SqlFederation(url=databases.new())
    try:
        yield fed
    finally:
        fed.close()


@pytest.fixture
def sqlite_federation_url(tmp_path: Path) -> str:
    """A new federation on SQLite only (for what only SQLite has)."""
    url = f"sqlite:///{tmp_path / 'federation.db'}"
    init_federation(url)
    return url


@pytest.fixture
def postgres_federation_url(postgres_server: TemporaryPostgres) -> str:
    """A new federation on PostgreSQL only."""
    url = postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    init_federation(url)
    return url
