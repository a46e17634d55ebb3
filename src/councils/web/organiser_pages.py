"""The pages of what an organiser does: found a council, create constituencies, register
members (one by one or from a CSV), open and close elections.

An organiser of a council (its founder, or one appointed) may do these things in it and in no
other council: the page itself answers 403 to anyone else, and the domain refuses the commands
anyway (``council.not_organiser``), so a forged form gains nothing. Each form re-renders the
organise page on a refusal, with the message next to that form and what was typed kept, with
the error's status; success redirects (303) to the page that shows the result — except where
the result is a secret shown once (invitation links), which is the answer itself.

Registering a member makes their account too (``SqlAccounts.create``), whose invitation link the
organiser passes on; the e-mail addresses are checked free before any command runs, so a taken
address refuses the registration rather than leaving a member without an account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from councils.api.backend import Backend
from councils.counting import REGISTRY
from councils.domain.entities import BASE_KINDS, KINDS
from councils.domain.errors import CouncilError, InvalidCommand, NotFound, NotPermitted
from councils.domain.ids import Actor, CouncilId, ElectionId
from councils.domain.view import StateView
from councils.service.accounts import Principal
from councils.service.parsing import ID_PATTERN
from councils.web import auth, member_csv
from councils.web.member_csv import Problem
from councils.web.member_pages import (
    Form,
    as_actor,
    command,
    missing,
    one,
    post_form,
    show,
    status_of,
)

__all__ = ["may_organise", "organise_context", "router"]

#: The largest CSV file an import reads (about 100,000 members).
MAX_CSV = 8 * 1024 * 1024


def may_organise(view: StateView, who: Principal, council: CouncilId) -> bool:
    """An operator organises everything; anyone else the councils that appointed them."""
    if who.operator:
        return True
    return who.actor is not None and Actor(who.actor) in view.organisers(council)


def _refuse(council: str) -> NotPermitted:
    return NotPermitted(
        "council.not_organiser",
        f"only an organiser of {council} may organise it",
        {"council": council},
    )


def organise_context(view: StateView, council: CouncilId) -> dict[str, Any]:
    """What the organise page shows: the council, its constituencies (with electorates), the
    lower councils a delegation may come from, factions, methods, open elections."""
    c = view.council(council)
    electing = sorted(view.constituencies_electing(council), key=lambda k: k.name)
    constituencies = [(k, view.electorate_size(k.constituency)) for k in electing]
    elections = [(e, k) for k in electing for e in view.open_elections(k.constituency)]
    return {
        "title": f"Organise: {c.name}",
        "council": c,
        "organisers": view.organisers(council),
        "constituencies": constituencies,
        "base": [k for k in electing if k.kind in BASE_KINDS],
        "others": [x for x in view.councils() if x.council != council],
        "factions": list(view.factions()),
        "methods": REGISTRY.names(),
        "kinds": KINDS,
        "elections": elections,
    }


def _sentence(message: str) -> str:
    """An error's message (lower case, no full stop) as a sentence on the page."""
    return message[:1].upper() + message[1:] + "."


def _invitation(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + "/invitations/" + quote(token, safe="")


def router(backend: Backend) -> APIRouter:
    """The routes of these pages (no JSON API: ``include_in_schema=False``)."""
    r = APIRouter(include_in_schema=False)

    # ------------------------------------------------------------------ found a council

    def new_page(
        request: Request,
        values: Mapping[str, str] | None = None,
        error: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        auth.require(request)
        return show(
            "council_new.html",
            status,
            request=request,
            title="Found a council",
            values=dict(values or {}),
            error=error,
        )

    @r.get("/councils/new", response_class=HTMLResponse)
    def council_new(request: Request) -> HTMLResponse:
        return new_page(request)

    def _council_new(request: Request, form: Form) -> Response:
        who = auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        values = {k: one(form, k).strip() for k in ("council", "name")}
        cmd = command(who, "council.create", council=values["council"], name=values["name"])
        try:
            backend.run([cmd], lambda results, uow: None)
        except CouncilError as err:
            return new_page(request, values, err.message, status_of(err))
        return RedirectResponse(
            f"/councils/{quote(values['council'])}/organise?done=founded", status_code=303
        )

    post_form(r, "/councils/new", _council_new)

    # ------------------------------------------------------------------ the organise page

    def organise_page(
        request: Request,
        council: str,
        *,
        form: str = "",
        values: Mapping[str, str] | None = None,
        error: str = "",
        problems: list[Problem] | None = None,
        status: int = 200,
        done: str = "",
    ) -> HTMLResponse:
        who = auth.require(request)
        with backend.reading() as reading:
            view = reading.view
            try:
                context = organise_context(view, CouncilId(council))
            except NotFound as err:
                return missing(request, err)
            if not may_organise(view, who, CouncilId(council)):
                refusal = _refuse(council)
                return show(
                    "error.html",
                    403,
                    request=request,
                    title="Not an organiser",
                    message=refusal.message + ". Ask one of its organisers to appoint you.",
                )
            size = len(reading.record)
        return show(
            "organise.html",
            status,
            request=request,
            record_size=size,
            form=form,
            values=dict(values or {}),
            error=error,
            problems=problems or [],
            done=done or request.query_params.get("done", ""),
            **context,
        )

    @r.get("/councils/{council}/organise", response_class=HTMLResponse)
    def organise(request: Request, council: str) -> HTMLResponse:
        return organise_page(request, council)

    def guard(request: Request, council: str, form: Form) -> Principal:
        """Logged in, the form this site's, and an organiser of ``council`` (else raise: the
        site answers 403 with the message)."""
        who = auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        with backend.reading() as reading:
            view = reading.view
            if not view.has_council(CouncilId(council)):
                raise NotFound(
                    "council.not_found", f"there is no council {council}", {"council": council}
                )
            if not may_organise(view, who, CouncilId(council)):
                raise _refuse(council)
        return who

    def _constituency(request: Request, council: str, form: Form) -> Response:
        who = guard(request, council, form)
        keys = ("constituency", "name", "kind", "seats", "of", "method", "secret")
        values = {k: one(form, k).strip() for k in keys}
        fields: dict[str, object] = {
            "constituency": values["constituency"],
            "name": values["name"],
            "kind": values["kind"],
            "council": council,
        }
        seats = values["seats"]
        if not seats.isdecimal():
            return organise_page(
                request,
                council,
                form="constituency",
                values=values,
                error=f"Seats must be a whole number of at least 1, not “{seats}”.",
                status=422,
            )
        fields["seats"] = int(seats)
        if values["of"]:
            fields["of"] = values["of"]
        if values["method"]:
            fields["method"] = values["method"]
        if values["secret"] in ("secret", "open"):
            fields["secret"] = values["secret"] == "secret"
        try:
            backend.run([command(who, "constituency.create", **fields)], lambda rs, uow: None)
        except CouncilError as err:
            return organise_page(
                request,
                council,
                form="constituency",
                values=values,
                error=err.message,
                status=status_of(err),
            )
        return RedirectResponse(
            f"/councils/{quote(council)}/organise?done=constituency#constituencies", status_code=303
        )

    def _member(request: Request, council: str, form: Form) -> Response:
        who = guard(request, council, form)
        keys = ("member", "name", "constituency", "email", "faction")
        values = {k: one(form, k).strip() for k in keys}

        def again(message: str, status: int) -> HTMLResponse:
            return organise_page(
                request, council, form="member", values=values, error=message, status=status
            )

        row = member_csv.Row(
            0,
            values["name"],
            values["constituency"],
            values["email"],
            values["member"] or None,
            values["faction"] or None,
        )
        if not values["name"] or not values["constituency"] or not values["email"]:
            return again("Name, constituency and e-mail are all needed.", 422)
        if not member_csv.valid_email(values["email"]):
            return again(f"“{values['email']}” is not an e-mail address.", 422)
        if row.member and not ID_PATTERN.fullmatch(row.member):
            return again(
                f"“{row.member}” is not an id: letters, digits and . _ : ~ -, up to 128, "
                "starting with a letter or digit (or leave it blank to have one made).",
                422,
            )
        with backend.reading() as reading:
            rows, problems = member_csv.check_rows(reading.view, CouncilId(council), [row])
        if problems:
            return again(_sentence(problems[0].message), 409)
        accounts = backend.accounts
        try:
            if accounts is not None:
                accounts.check_new([values["email"]])
            backend.run(
                [as_actor(who, c) for c in member_csv.commands_for(rows)],
                lambda rs, uow: None,
            )
            token = (
                accounts.create(str(rows[0].member), rows[0].name, rows[0].email)
                if accounts is not None
                else None
            )
        except CouncilError as err:
            return again(_sentence(err.message), status_of(err))
        links = (
            [(str(rows[0].member), rows[0].name, rows[0].email, _invitation(request, token))]
            if token is not None
            else []
        )
        return _invitations(request, council, links, [rows[0]])

    def _import(request: Request, council: str, form: Form) -> Response:
        who = guard(request, council, form)
        text = one(form, "file")
        filename = one(form, "file.name")

        def again(problems: list[Problem], status: int) -> HTMLResponse:
            return organise_page(
                request,
                council,
                form="import",
                values={"filename": filename},
                error=f"Nothing was imported: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''} in {filename or 'the file'}.",
                problems=problems[: member_csv.MAX_PROBLEMS],
                status=status,
            )

        if not text:
            return again([Problem(0, "", "choose a CSV file to import")], 422)
        if len(text.encode()) > MAX_CSV:
            return again(
                [Problem(0, "", f"the file is larger than {MAX_CSV // 1024 // 1024} MiB")], 422
            )
        rows, problems = member_csv.parse_members_csv(text.encode())
        if problems:
            return again(problems, 422)
        with backend.reading() as reading:
            rows, problems = member_csv.check_rows(reading.view, CouncilId(council), rows)
        if problems:
            return again(problems, 409)
        accounts = backend.accounts
        try:
            if accounts is not None:
                accounts.check_new([r.email for r in rows])
        except CouncilError as err:
            line = rows[err.index].line if err.index is not None and err.index < len(rows) else 0
            return again([Problem(line, "email", err.message)], status_of(err))
        commands = [as_actor(who, c) for c in member_csv.commands_for(rows)]
        try:
            backend.run(commands, lambda rs, uow: None)
        except CouncilError as err:
            line = rows[err.index].line if err.index is not None and err.index < len(rows) else 0
            return again([Problem(line, "", err.message)], status_of(err))
        links: list[tuple[str, str, str, str]] = []
        if accounts is not None:
            for row in rows:
                token = accounts.create(str(row.member), row.name, row.email)
                links.append((str(row.member), row.name, row.email, _invitation(request, token)))
        return _invitations(request, council, links, rows)

    def _election(request: Request, council: str, form: Form) -> Response:
        who = guard(request, council, form)
        values = {k: one(form, k).strip() for k in ("election", "constituency", "candidates")}
        candidates = [c for c in values["candidates"].replace(",", " ").split() if c]
        try:
            backend.run(
                [
                    command(
                        who,
                        "election.open",
                        election=values["election"],
                        constituency=values["constituency"],
                        candidates=candidates,
                    )
                ],
                lambda rs, uow: None,
            )
        except CouncilError as err:
            return organise_page(
                request,
                council,
                form="election",
                values=values,
                error=err.message,
                status=status_of(err),
            )
        return RedirectResponse(f"/elections/{quote(values['election'])}", status_code=303)

    def _appoint(request: Request, council: str, form: Form) -> Response:
        who = guard(request, council, form)
        values = {k: one(form, k).strip() for k in ("organiser", "name", "email")}
        actor = values["organiser"]
        accounts = backend.accounts
        # An organiser who is not a member (``@handle``) gets an account here, if the form gives
        # a name and an e-mail and they have none: a member's account is made at registration.
        new_account = (
            accounts is not None
            and actor.startswith("@")
            and bool(values["email"])
            and accounts.by_actor(actor) is None
        )
        try:
            if new_account and not member_csv.valid_email(values["email"]):
                raise InvalidCommand(
                    "account.bad_email", f"“{values['email']}” is not an e-mail address", {}
                )
            if new_account and accounts is not None:
                accounts.check_new([values["email"]])
            backend.run(
                [command(who, "organiser.appoint", council=council, organiser=actor)],
                lambda rs, uow: None,
            )
            token = (
                accounts.create(actor, values["name"] or actor, values["email"])
                if new_account and accounts is not None
                else None
            )
        except CouncilError as err:
            return organise_page(
                request,
                council,
                form="appoint",
                values=values,
                error=_sentence(err.message),
                status=status_of(err),
            )
        if token is not None:
            return show(
                "invitations.html",
                request=request,
                title="Organiser appointed",
                council=council,
                rows=[],
                heading=f"{actor} organises the council",
                links=[
                    (actor, values["name"] or actor, values["email"], _invitation(request, token))
                ],
                download="",
            )
        return RedirectResponse(
            f"/councils/{quote(council)}/organise?done=appointed", status_code=303
        )

    csv = {"file": MAX_CSV}  # the forms of one page: any may carry the import's file
    post_form(r, "/councils/{council}/organise/appoint", _appoint, csv)
    post_form(r, "/councils/{council}/organise/constituency", _constituency, csv)
    post_form(r, "/councils/{council}/organise/member", _member, csv)
    post_form(r, "/councils/{council}/organise/import", _import, csv)
    post_form(r, "/councils/{council}/organise/election", _election, csv)

    def _invitations(
        request: Request,
        council: str,
        links: list[tuple[str, str, str, str]],
        rows: list[member_csv.Row],
    ) -> HTMLResponse:
        csv_text = member_csv.invitations_csv(links)
        with backend.reading() as reading:
            name = reading.view.council(CouncilId(council)).name
        return show(
            "invitations.html",
            request=request,
            title="Members registered",
            council=council,
            council_name=name,
            rows=rows,
            links=links,
            download="data:text/csv;charset=utf-8," + quote(csv_text, safe=""),
        )

    # ------------------------------------------------------------------ close an election

    def close_page(
        request: Request, election: str, error: str = "", status: int = 200
    ) -> HTMLResponse:
        who = auth.require(request)
        with backend.reading() as reading:
            view = reading.view
            try:
                e = view.election(ElectionId(election))
                k = view.constituency(e.constituency)
            except NotFound as err:
                return missing(request, err)
            allowed = may_organise(view, who, k.council)
            turnout = view.turnout(e.election)
            electorate = view.electorate_size(k.constituency)
        if not allowed:
            return show(
                "error.html",
                403,
                request=request,
                title="Not an organiser",
                message=_refuse(k.council).message + ".",
            )
        return show(
            "election_close.html",
            status,
            request=request,
            title=f"Close {election}",
            election=e,
            constituency=k,
            turnout=turnout,
            electorate=electorate,
            error=error,
        )

    @r.get("/elections/{election}/close", response_class=HTMLResponse)
    def close(request: Request, election: str) -> HTMLResponse:
        return close_page(request, election)

    def _close(request: Request, election: str, form: Form) -> Response:
        who = auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        try:
            backend.run([command(who, "election.close", election=election)], lambda rs, uow: None)
        except CouncilError as err:
            return close_page(request, election, err.message, status_of(err))
        return RedirectResponse(f"/elections/{quote(election)}#count", status_code=303)

    post_form(r, "/elections/{election}/close", _close)

    return r
