"""Running the Alembic migrations in code: ``councils init`` creates or upgrades the schema.

The migrations ship inside the package (``councils/storage/migrations``), and the Alembic
configuration is built here rather than read from an ``alembic.ini``: a federation's operator
installs Councils and points it at a database, nothing more. The database records its
revision in Alembic's own ``alembic_version`` table; :func:`check_current` refuses to work on a
database whose schema is older or newer than this version of Councils expects.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from councils.domain.errors import RuleViolation

if TYPE_CHECKING:  # Alembic loads only when a schema is created or changed, not per command
    from alembic.config import Config

__all__ = [
    "HEAD",
    "MIGRATIONS",
    "check_current",
    "config",
    "current_revision",
    "head_revision",
    "upgrade",
]

#: The folder of the migration scripts, inside the installed package.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest revision, as the scripts say (a test keeps the two equal): checking a database
#: against it needs no Alembic at run time.
HEAD = "0002"


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for Councils, optionally bound to an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision of the shipped scripts (what :data:`HEAD` must say)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise RuntimeError("no migrations shipped")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (Alembic's ``alembic_version``), ``None`` if none."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest), in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(config(connection), revision)


def check_current(connection: Connection) -> None:
    """Refuse a database that was never initialised or is at another revision."""
    current = current_revision(connection)
    head = HEAD
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
