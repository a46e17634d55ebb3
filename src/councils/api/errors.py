"""Refusals as JSON: every :class:`~councils.domain.errors.CouncilError` becomes
``{"code", "message", "args", "index"}`` with the status of its class (DESIGN.md,
"Conventions"): InvalidCommand 422, NotAuthenticated 401, NotPermitted 403, NotFound 404,
RuleViolation and Conflict 409, RecordCorrupt 500. ``index`` is the failing command's 0-based
position in a batch, ``null`` outside one."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from councils.domain.errors import CouncilError

__all__ = ["error_body", "error_response", "install_error_handlers"]


def error_body(err: CouncilError) -> dict[str, object]:
    return {"code": err.code, "message": err.message, "args": err.args_, "index": err.index}


def error_response(err: CouncilError) -> JSONResponse:
    return JSONResponse(error_body(err), status_code=err.http_status)


async def _council_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, CouncilError):  # pragma: no cover - registered for CouncilError only
        raise exc
    return error_response(exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(CouncilError, _council_error)
