"""Alembic's environment: always online, on the connection the caller hands over.

:func:`councils.storage.migrate.upgrade` puts an open SQLAlchemy connection in
``config.attributes["connection"]``; nothing here reads a URL, a file or the environment, so a
migration runs exactly where ``councils init`` was pointed.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from councils.storage.metadata import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("councils migrations run through councils.storage.migrate only")
    _run(connection)


_main()
