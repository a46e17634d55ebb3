"""The JSON routes: the commands of the CLI over HTTP, the state, the record's head, health.

``POST /api/commands`` is ``councils apply`` with a JSON body: one command object, or a list of
them run as one all-or-nothing batch. The body is parsed by the bus itself, not by pydantic, so
a refusal here is the same refusal, code and message as on the command line, with the failing
command's ``index``.

Unlike ``councils apply`` (the operator at the machine), it needs a principal
(:mod:`councils.web.auth`): a session cookie with its ``X-CSRF-Token`` header, or
``Authorization: Bearer`` with a personal API token; else 401 ``auth.required``. The server
writes the principal's actor into every command (:func:`as_principal`), so a member can only
act as themselves; the domain's rules then decide what that actor may do. The ``GET`` routes
are public: reading needs no login.
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
from councils.domain.errors import InvalidCommand, NotPermitted
from councils.service.accounts import Principal
from councils.service.bus import Result
from councils.service.registry import COMMANDS
from councils.service.state import state_json
from councils.service.uow import RecordSink, UnitOfWork
from councils.web import auth

__all__ = ["api_router", "as_principal", "record_head"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": what}
    for code, what in (
        (
            401,
            "NotAuthenticated (auth.required): no session cookie and no valid "
            "`Authorization: Bearer` API token",
        ),
        (
            403,
            "NotPermitted: the actor may not do this; `command.actor_mismatch`: the command "
            "names another actor than the one logged in; `csrf.invalid`: a session cookie "
            "without its X-CSRF-Token header",
        ),
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


def as_principal(
    commands: list[Mapping[str, object]], who: Principal
) -> list[Mapping[str, object]]:
    """The batch as ``who`` makes it: each command's ``actor`` is the principal's actor. A
    command naming another actor is refused (``command.actor_mismatch``, with its index): the
    server, not the caller, says who acts. An operator's commands pass as written, as
    ``councils apply`` runs them (with no actor, or the one the operator wrote)."""
    if who.operator:
        return commands
    out: list[Mapping[str, object]] = []
    for i, command in enumerate(commands):
        if not isinstance(command, Mapping):  # the bus refuses it, with its index
            out.append(command)
            continue
        named = command.get("actor")
        if named is not None and named != who.actor:
            err = NotPermitted(
                "command.actor_mismatch",
                f"you are logged in as {who.actor}: you cannot make a command as {named}",
                {"actor": str(named), "principal": who.actor},
            )
            err.index = i
            raise err
        out.append({**command, "actor": who.actor})
    return out


def _authorise(request: Request) -> Principal:
    """Who makes this batch: a session (with its CSRF header) or an API token; else 401."""
    who = auth.require(request)
    if who.via == "session":
        auth.check_csrf(request, request.headers.get(auth.CSRF_HEADER))
    return who


#: How ``/openapi.json`` says what ``POST /api/commands`` needs.
SECURITY_SCHEMES: dict[str, Any] = {
    "apiToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (made on /me/tokens or with `councils account "
        "token`).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": auth.SESSION_COOKIE,
        "description": "A browser's session (log in at /login); also needs the session's "
        "CSRF token in the X-CSRF-Token header.",
    },
}


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
            "security": [{"apiToken": []}, {"session": []}],
            "parameters": [
                {
                    "name": auth.CSRF_HEADER,
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The session's CSRF token; needed with the session cookie, "
                    "not with an API token.",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            },
        },
    )
    async def post_commands(request: Request) -> JSONResponse:
        """Each command is an object with ``"command"`` (its name: ``council.create``,
        ``recall.sign``…) and its fields, exactly as in ``councils apply FILE.jsonl``. A list
        runs in one transaction: if any command is refused, nothing is done and the error names
        the failing command's ``index``. A cast ballot's result carries the voter's receipt.

        Needs a logged-in principal (401 otherwise); every command is made as its actor (a
        command naming someone else: 403 ``command.actor_mismatch``)."""
        who = await run_in_threadpool(_authorise, request)
        commands = as_principal(_parse_body(await request.body()), who)
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
