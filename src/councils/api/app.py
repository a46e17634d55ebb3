"""The FastAPI application factory. Nothing happens at import: no engine, no app object; the
caller passes the unit of work factory (see :mod:`councils.api.backend`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

import councils
from councils.api.backend import Backend, UowFactory, utc_now
from councils.api.errors import install_error_handlers
from councils.api.routes import SECURITY_SCHEMES, api_router
from councils.api.schemas import commands_body_schema
from councils.domain.context import Supply
from councils.service.uow import ReadFactory, UnitOfWork

if TYPE_CHECKING:
    from councils.storage.accounts import SqlAccounts

__all__ = ["create_app"]

DESCRIPTION = """\
The JSON API of Councils: the same commands as the command line (`councils apply`), the state
as `councils state --json` prints it, and the public record's head. Errors are
`{"code", "message", "args", "index"}` with the status of their class: 422 invalid command,
401 not logged in, 403 not permitted, 404 not found, 409 a rule or the current state forbids it.

Reading (every `GET`) is public. `POST /api/commands` needs a personal API token
(`Authorization: Bearer <token>`) or a browser session (the `councils_session` cookie and its
CSRF token in `X-CSRF-Token`); the server makes every command as the logged-in actor.
"""


def create_app(
    uow_factory: UowFactory,
    *,
    clock: Callable[[], str] | None = utc_now,
    supply: Callable[[UnitOfWork], Supply] | None = None,
    log: str = "councils",
    isolated_reads: bool = True,
    read_factory: ReadFactory | None = None,
    title: str = "Councils",
    accounts: SqlAccounts | None = None,
    secure_cookies: bool = True,
) -> FastAPI:
    """The JSON API over ``uow_factory`` (a fresh unit of work per call).

    ``clock`` stamps ``at`` on commands that carry none (``None``: leave them unstamped);
    ``supply`` makes the bus's supply for a batch (tests pass a fixed one); ``log`` names the
    record in receipts; ``isolated_reads=False`` for storage whose reads are not isolated from
    a write in progress (the in-memory unit of work); ``read_factory`` opens read-only
    snapshots for the pages and ``GET`` routes (:func:`councils.service.bootstrap.open_reader`);
    ``accounts`` are who may log in and make commands (:func:`councils.service.bootstrap.
    open_accounts`; ``None``: nobody, every command is refused with 401); ``secure_cookies``
    marks the session cookie Secure (``False`` only to serve plain HTTP to a browser that
    refuses Secure cookies there).
    """
    backend = Backend(
        uow_factory,
        clock,
        supply,
        log,
        isolated_reads,
        read_factory,
        accounts=accounts,
        secure_cookies=secure_cookies,
    )
    app = FastAPI(
        title=title,
        version=getattr(councils, "__version__", "0.1.0"),
        description=DESCRIPTION,
    )
    app.state.backend = backend
    install_error_handlers(app)
    app.include_router(api_router(backend))
    _document_commands(app)
    return app


def _document_commands(app: FastAPI) -> None:
    """Put the command models the request body refers to into the OpenAPI components."""
    _, defs = commands_body_schema()
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = base()
            components = schema.setdefault("components", {})
            components.setdefault("schemas", {}).update(defs)
            components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
