"""A throwaway PostgreSQL server from the installed binaries, for tests and benchmarks.

No system service, no configuration: ``initdb`` into a temporary folder, ``pg_ctl start`` with
the server listening only on a Unix socket in that folder (so no TCP port can clash with
anything), ``trust`` authentication for the one local superuser, and ``pg_ctl stop`` plus the
folder's removal at the end. Each test gets a fresh database (:meth:`TemporaryPostgres.
create_database`).

``initdb`` refuses to run as root. Under root (CI containers) the server runs as the
``postgres`` system user that Debian's ``postgresql`` package creates, through ``runuser``,
in a folder handed over to that user.

Binaries are looked for in ``$COUNCILS_PG_BIN`` if it is set (and only there), else in
``/usr/lib/postgresql/*/bin`` (Debian and Ubuntu; the newest version first), then the ``PATH``.
:func:`find_binaries` says why when there are none, so that a test can skip with the reason
(or fail, when CI demands PostgreSQL).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = ["PostgresUnavailable", "TemporaryPostgres", "find_binaries"]

_TOOLS = ("initdb", "pg_ctl", "postgres")
_SUPERUSER = "councils"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


@dataclass(frozen=True)
class _Binaries:
    folder: Path

    def __getitem__(self, tool: str) -> str:
        return str(self.folder / tool)


def _version_key(folder: str) -> tuple[int, ...]:
    name = Path(folder).parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def find_binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``; or PostgresUnavailable."""
    candidates: list[str] = []
    chosen = os.environ.get("COUNCILS_PG_BIN")
    if chosen:  # an explicit choice is the only one tried
        candidates.append(chosen)
    else:
        candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
        found = shutil.which("initdb")
        if found:
            candidates.append(str(Path(found).parent))
    for folder in candidates:
        if all(os.access(os.path.join(folder, t), os.X_OK) for t in _TOOLS):
            return Path(folder)
    where = " or ".join(candidates) or "/usr/lib/postgresql/*/bin or the PATH"
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) in {where}; "
        "install them, e.g. `apt-get install postgresql`"
    )


class TemporaryPostgres:
    """``with TemporaryPostgres() as pg: url = pg.create_database("t1")``.

    ``durable=False`` (the default, for tests) turns off ``fsync`` and full-page writes: the
    server's data is thrown away anyway. Benchmarks pass ``durable=True``.
    """

    def __init__(self, *, durable: bool = False, port: int = 5432) -> None:
        self.durable = durable
        self.port = port
        self._bin = _Binaries(find_binaries())
        self._as: list[str] = []
        self._owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root, and there is no `postgres` system user to run the "
                    "server as (initdb refuses root)"
                ) from None
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root, and `runuser` is missing")
            self._as = [runuser, "-u", "postgres", "--"]
        self.folder: Path | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="councils-pg-"))
        self.folder = folder
        if self._owner is not None:
            os.chown(folder, self._owner.pw_uid, self._owner.pw_gid)
        data = folder / "data"
        self._run(
            self._bin["initdb"],
            "-D",
            str(data),
            "-U",
            _SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = [
            f"-k {folder}",
            "-c listen_addresses=''",
            f"-p {self.port}",
            "-c max_connections=200",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c full_page_writes=off", "-c synchronous_commit=off"]
        self._run(
            self._bin["pg_ctl"],
            "-D",
            str(data),
            "-o",
            " ".join(options),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        folder, self.folder = self.folder, None
        if folder is None:
            return
        try:
            self._run(
                self._bin["pg_ctl"], "-D", str(folder / "data"), "-m", "immediate", "-w", "stop"
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> TemporaryPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ databases

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server (through its Unix socket)."""
        if self.folder is None:
            raise PostgresUnavailable("the server is not running")
        return f"postgresql+psycopg://{_SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        if self.folder is None:
            raise PostgresUnavailable("the server is not running")
        with psycopg.connect(
            host=str(self.folder),
            port=self.port,
            user=_SUPERUSER,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        """The server's log so far (for a failing test's report)."""
        if self.folder is None:
            return ""
        try:
            return (self.folder / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{Path(args[0]).name} failed ({done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-2000:]}\n{self.log()[-2000:]}"
            )
