"""Running the Alembic migrations in code: ``councils init`` creates or upgrades the schema.

The migrations ship inside the package (``councils/storage/migrations``), and the Alembic
configuration is built here rather than read from an ``alembic.ini``: a federation's operator
installs Councils and points it at a database, nothing more. The database records its
revision in Alembic's own ``alembic_version`` table; :func:`check_current` refuses to work on a
database whose schema is older or newer than this version of Councils expects.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from councils.domain.errors import RuleViolation

__all__ = ["MIGRATIONS", "check_current", "config", "current_revision", "head_revision", "upgrade"]

#: The folder of the migration scripts, inside the installed package.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for Councils, optionally bound to an open connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision this version of Councils knows."""
    head = ScriptDirectory.from_config(config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migrations shipped")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, ``None`` if it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest), in one transaction."""
    with engine.begin() as connection:
        command.upgrade(config(connection), revision)


def check_current(connection: Connection) -> None:
    """Refuse a database that was never initialised or is at another revision."""
    current = current_revision(connection)
    head = head_revision()
    if current is None:
        raise RuleViolation(
            "storage.not_initialised",
            "the database holds no federation: run `councils init` first",
        )
    if current != head:
        raise RuleViolation(
            "storage.needs_migration",
            f"the database's schema is at revision {current}, this Councils expects {head}: "
            "run `councils init` to migrate it",
            {"current": current, "head": head},
        )
