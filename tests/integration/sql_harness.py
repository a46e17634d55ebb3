"""The test harness's :class:`~councils.testing.Federation`, on a real database.

:class:`SqlFederation` drives the real bus over a :class:`~councils.storage.uow.
SqlUnitOfWork`, exactly as ``Federation`` does over memory; its ``view`` and ``record`` read
the database (each call in a read-only transaction of its own), so a test written for the
in-memory harness runs unchanged on SQLite and PostgreSQL.

:class:`Databases` makes fresh, initialised databases fast: one template made by
``councils init``, then a file copy (SQLite) or ``CREATE DATABASE ... TEMPLATE`` (PostgreSQL).

Used as a pytest plugin (``-p sql_harness``, with ``COUNCILS_TEST_STORE`` set to a SQLite
folder URL or a PostgreSQL server URL), it turns every ``Federation`` of the session into a
``SqlFederation``: that is how tests/integration/test_unit_suite_on_sql.py runs the domain
and service tests on both databases.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, make_url

from councils.domain.constitution import DEFAULT, Constitution
from councils.domain.errors import CouncilError
from councils.domain.snapshot import snapshot
from councils.record import canonical
from councils.service.bootstrap import init_federation
from councils.storage.engine import create_engine
from councils.storage.reader import reading
from councils.storage.record import load_entries
from councils.storage.uow import SqlUnitOfWork
from councils.testing import harness
from councils.testing.harness import Federation
from councils.testing.supply import FixedSupply

__all__ = ["Databases", "ReadView", "SqlFederation", "SqlRecordView", "TwinFederation"]

_counter = itertools.count()


class Databases:
    """Fresh initialised databases on SQLite (``base`` a folder) or PostgreSQL (a server
    URL, ``postgresql+psycopg://...``)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.postgres = base.startswith("postgresql")
        self._template: str | None = None

    def _template_url(self) -> str:
        if self._template is None:
            name = f"tpl_{os.getpid()}_{next(_counter)}"
            url = self._create_pg(name) if self.postgres else f"sqlite:///{self.base}/{name}.db"
            init_federation(url)
            self._template = url
        return self._template

    def new(self) -> str:
        """The URL of a new database holding a new, empty federation."""
        template = self._template_url()
        name = f"fed_{os.getpid()}_{next(_counter)}"
        if self.postgres:
            tpl = make_url(template).database
            return self._create_pg(name, f' TEMPLATE "{tpl}"')
        target = f"{self.base}/{name}.db"
        shutil.copyfile(make_url(template).database or "", target)
        return f"sqlite:///{target}"

    def _create_pg(self, name: str, template: str = "") -> str:
        url = make_url(self.base)
        with psycopg.connect(
            host=url.query["host"],
            port=int(str(url.query.get("port", 5432))),
            user=url.username,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')  # type: ignore[arg-type]
        return url.set(database=name).render_as_string(hide_password=False)


class ReadView:
    """A StateView over the database: each call runs in a read-only transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        def call(*args: object, **kwargs: object) -> object:
            with reading(self._engine) as (_, state):
                out = getattr(state, name)(*args, **kwargs)
                return list(out) if isinstance(out, Iterator) else out

        return call


class SqlRecordView:
    """The stored record as the in-memory harness shows it: decoded entries, length, head."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def entries(self) -> list[dict[str, object]]:
        with reading(self._engine) as (conn, _):
            _, data, _ = load_entries(conn)
        return [canonical.decode(d) for d in data]

    def __len__(self) -> int:
        return len(self.entries)


class SqlFederation(Federation):
    """``Federation`` on a database (see the module docstring)."""

    databases: Databases | None = None

    def __init__(
        self, constitution: Constitution = DEFAULT, seed: int = 0, *, url: str | None = None
    ) -> None:
        if url is None:
            if SqlFederation.databases is None:
                raise RuntimeError("SqlFederation needs a url or SqlFederation.databases")
            url = SqlFederation.databases.new()
        self.url = url
        self.engine = create_engine(url, pooled=False)
        self.uow = SqlUnitOfWork(self.engine, constitution)  # type: ignore[assignment]
        self.supply = FixedSupply(seed)

    @property
    def view(self) -> Any:
        return ReadView(self.engine)

    @property
    def record(self) -> Any:
        return SqlRecordView(self.engine)

    def snapshot(self) -> dict[str, object]:
        with reading(self.engine) as (_, state):
            return snapshot(state)

    def close(self) -> None:
        self.engine.dispose()


# ---------------------------------------------------------------------------- as a plugin

_PATCHED = ("__init__", "view", "record", "snapshot")


def pytest_configure(config: Any) -> None:
    base = os.environ.get("COUNCILS_TEST_STORE")
    if not base:
        return
    if base == "sqlite":
        base = tempfile.mkdtemp(prefix="councils-sqlfed-")
    SqlFederation.databases = Databases(base)
    saved: Mapping[str, object] = {name: harness.Federation.__dict__[name] for name in _PATCHED}
    config._councils_saved = saved  # restored at the end of the session
    config._councils_folder = None if base.startswith("postgresql") else Path(base)
    for name in _PATCHED:
        setattr(harness.Federation, name, SqlFederation.__dict__[name])


def pytest_unconfigure(config: Any) -> None:
    saved = getattr(config, "_councils_saved", None)
    if saved:
        for name, value in saved.items():
            setattr(harness.Federation, name, value)
    folder = getattr(config, "_councils_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


class TwinFederation(Federation):
    """Memory and SQL side by side: every batch runs on both, and after each the two must
    agree exactly (the same results or the same refusal, the same snapshot, the same
    record). Reads (``view``, ``record``) answer from memory, the reference."""

    def __init__(self, constitution: Constitution = DEFAULT, seed: int = 0) -> None:
        super().__init__(constitution, seed)
        self.sql = SqlFederation(constitution, seed)
        self.batches = 0

    def run(self, *commands: Any) -> Any:
        memory_error: CouncilError | None = None
        sql_error: CouncilError | None = None
        memory = sql = None
        try:
            memory = super().run(*commands)
        except CouncilError as err:
            memory_error = err
        try:
            sql = self.sql.run(*commands)
        except CouncilError as err:
            sql_error = err
        self.batches += 1
        where = f"batch {self.batches}: {list(commands)!r}"
        if memory_error is not None or sql_error is not None:
            got = [None if e is None else (e.code, e.index) for e in (memory_error, sql_error)]
            assert got[0] == got[1], f"{where}: memory {got[0]}, SQL {got[1]}"
        else:
            assert memory is not None and sql is not None
            assert [r.to_json() for r in memory] == [r.to_json() for r in sql], where
        assert self.sql.snapshot() == snapshot(self.view), where
        assert self.sql.record.entries == self.record.entries, where
        if memory_error is not None:
            raise memory_error
        return memory


def concurrent_worker(
    url: str, commands: list[dict[str, object]], barrier: Any, out: Any, name: str
) -> None:
    """Run each command in its own transaction, as a voter's request would be, starting at
    the barrier; put ``(name, [(command, outcome), ...])`` on the queue: outcome ``"ok"`` or
    the refusal's code. (A process target: spawned, so it takes only picklable arguments.)"""
    from councils.service import execute
    from councils.service.bootstrap import open_uow

    uow = open_uow(url)()
    outcomes: list[tuple[dict[str, object], str]] = []
    barrier.wait()
    for command in commands:
        try:
            execute([command], uow)
            outcomes.append((command, "ok"))
        except CouncilError as err:
            outcomes.append((command, err.code))
    out.put((name, outcomes))
