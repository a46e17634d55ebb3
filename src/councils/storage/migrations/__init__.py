"""Alembic migrations of the Councils schema, shipped inside the package and run in code by
:func:`councils.storage.migrate.upgrade` (``councils init``); there is no ``alembic.ini``."""
