"""The JSON API (FastAPI): the same commands as the CLI, the state, the record's head, health.

``create_app(uow_factory)`` builds the app; nothing is created at import time.
"""

from councils.api.app import create_app
from councils.api.backend import Backend, UowFactory

__all__ = ["Backend", "UowFactory", "create_app"]
