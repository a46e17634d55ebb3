"""The JSON routes: the commands of the CLI over HTTP, the state, the record's head, health.

``POST /api/commands`` is ``councils apply`` with a JSON body: one command object, or a list of
them run as one all-or-nothing batch. The body is parsed by the bus itself, not by pydantic, so
a refusal here is the same refusal, code and message as on the command line, with the failing
command's ``index``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from councils.api.backend import Backend
from councils.api.receipts import receipts_for
from councils.api.schemas import (
    SUMMARIES,
    CommandsResponse,
    ErrorBody,
    Health,
    RecordHead,
    State,
    commands_body_schema,
)
from councils.domain.errors import InvalidCommand
from councils.service.bus import Result
from councils.service.registry import COMMANDS
from councils.service.state import state_json
from councils.service.uow import RecordSink, UnitOfWork

__all__ = ["api_router", "record_head"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what}
    for code, what in (
        (403, "NotPermitted: the actor may not do this"),
        (404, "NotFound: a named thing does not exist"),
        (409, "RuleViolation or Conflict: a rule or the current state forbids it"),
        (422, "InvalidCommand: not a command, or a malformed one"),
    )
}


def record_head(record: RecordSink) -> dict[str, object]:
    """Size and root of the record; the latest signed head too, where storage signs heads."""
    signed = record.signed_head()
    return {
        "size": len(record),
        "root": record.head().hex(),
        "signed": None if signed is None else json.loads(signed.to_json()),
    }


def _parse_body(raw: bytes) -> list[Mapping[str, object]]:
    """The batch in a request body. Items are not checked here: the bus refuses an item that is
    not a command object (``command.not_object``) with its index, as ``councils apply`` does."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        err = InvalidCommand(
            "request.not_json",
            f"the body must be JSON (a command object or a list of them): {exc}",
            {},
        )
        err.index = 0
        raise err from None
    if isinstance(body, list):
        if not body:
            err = InvalidCommand("request.empty_batch", "the list of commands is empty", {})
            err.index = 0
            raise err
        return cast(list[Mapping[str, object]], body)
    return [cast(Mapping[str, object], body)]


def api_router(backend: Backend) -> APIRouter:
    router = APIRouter()
    body_schema, _ = commands_body_schema()

    def respond(results: list[Result], uow: UnitOfWork) -> dict[str, object]:
        receipts = receipts_for(results, uow, backend.log)
        out = []
        for r in results:
            item = r.to_json()
            if r.index in receipts:
                item["receipt"] = receipts[r.index].to_entry()
            out.append(item)
        return {"results": out, "record": record_head(uow.record)}

    @router.post(
        "/api/commands",
        tags=["commands"],
        summary="Run one command, or a list of commands as one all-or-nothing batch",
        response_model=CommandsResponse,
        responses=_ERRORS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            }
        },
    )
    async def post_commands(request: Request) -> JSONResponse:
        """Each command is an object with ``"command"`` (its name: ``council.create``,
        ``recall.sign``…) and its fields, exactly as in ``councils apply FILE.jsonl``. A list
        runs in one transaction: if any command is refused, nothing is done and the error names
        the failing command's ``index``. A cast ballot's result carries the voter's receipt."""
        commands = _parse_body(await request.body())
        body = await run_in_threadpool(backend.run, commands, respond)
        return JSONResponse(body)

    @router.get(
        "/api/commands",
        tags=["commands"],
        summary="The command names, what each does, and where its page is",
    )
    def list_commands() -> list[dict[str, str]]:
        return [
            {
                "command": h.name,
                "summary": SUMMARIES.get(h.name, ""),
                "doc": f"docs/commands/{h.name}.md",
            }
            for h in COMMANDS
        ]

    @router.get(
        "/api/state",
        tags=["state"],
        summary="The federation as it stands (the shape of `councils state --json`)",
        response_model=State,
    )
    def get_state() -> JSONResponse:
        with backend.reading() as uow:
            return JSONResponse(state_json(uow.view))

    @router.get(
        "/api/record/head",
        tags=["record"],
        summary="The record's size, Merkle root and latest signed tree head",
        response_model=RecordHead,
    )
    def get_head() -> JSONResponse:
        with backend.reading() as uow:
            return JSONResponse(record_head(uow.record))

    @router.get(
        "/health",
        tags=["health"],
        summary="Whether the database is reachable, and the record's size",
        response_model=Health,
        responses={503: {"model": Health, "description": "The database is unreachable"}},
    )
    def health() -> JSONResponse:
        try:
            with backend.reading() as uow:
                size = len(uow.record)
        except Exception as exc:  # health reports any failure to reach storage; it never raises
            return JSONResponse(
                {
                    "status": "unavailable",
                    "database": "unreachable",
                    "record": None,
                    "error": f"{type(exc).__name__}: {exc}",
                },
                status_code=503,
            )
        return JSONResponse(
            {"status": "ok", "database": "reachable", "record": {"size": size}, "error": None}
        )

    return router
