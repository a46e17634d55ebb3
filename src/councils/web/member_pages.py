"""The pages of what a member does: ballot, confirmation, receipt, recall signature, their
own page, the record page.

Every form posts to these routes (never to ``/api`` from a script), carries the session's CSRF
token and works without JavaScript. A command runs through :meth:`Backend.run` with the
logged-in member as its ``actor``, so the domain's own rules ("only the voter themselves")
decide; a refusal re-renders the same form with the error's message next to it, what the
member typed kept, and the HTTP status of the error's class. A page that needs a login and has
none raises ``NotAuthenticated``, which the site turns into a redirect to ``/login?next=…``.

Receipts are never stored on the server (for a secret ballot, a stored receipt next to an
account would link a voter to their entry for anyone who reads the database): the receipt page
is the answer to the confirming POST itself, shown once, with a download link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from councils.api.backend import Backend
from councils.api.receipts import receipts_for
from councils.domain.errors import CouncilError, NotFound
from councils.domain.events import MandateRecalled, SeatVacated
from councils.domain.ids import Actor, ConstituencyId, ElectionId, MemberId
from councils.domain.view import StateView
from councils.record.receipt import Receipt
from councils.service.accounts import Principal
from councils.service.bus import Result
from councils.service.uow import UnitOfWork
from councils.web import auth, read
from councils.web.ballot_form import parse_ranking, rank_field
from councils.web.pages import render
from councils.web.record_check import (
    HeadInfo,
    ReceiptCheck,
    check_receipt,
    export_zip,
    head_info,
)

__all__ = [
    "Form",
    "as_actor",
    "command",
    "missing",
    "one",
    "post_form",
    "read_form",
    "router",
    "show",
    "status_of",
]

#: A form as the handlers see it: field -> its values, in the order they were posted.
Form = dict[str, list[str]]

#: Pages that hold a secret for one person (a ranking, a receipt, invitation links): never
#: kept in a cache, nor shown again by the browser's history from one.
PRIVATE = frozenset(
    {"ballot.html", "ballot_confirm.html", "ballot_receipt.html", "invitations.html"}
)

#: The largest receipt file "check my receipt" reads (a receipt is a few kilobytes).
MAX_RECEIPT = 64 * 1024


async def read_form(request: Request, files: Mapping[str, int] | None = None) -> Form:
    """The posted form's text fields; file fields named in ``files`` (name -> size limit) are
    read as text (UTF-8, invalid bytes replaced) up to their limit."""
    form = await request.form()
    out: Form = {}
    limits = files or {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key in limits:
                data = await value.read(limits[key] + 1)
                out.setdefault(key, []).append(data.decode("utf-8", "replace"))
                out.setdefault(key + ".name", []).append(value.filename or "")
            continue
        out.setdefault(key, []).append(value)
    return out


def post_form(
    r: APIRouter,
    path: str,
    handle: Callable[..., Response],
    files: Mapping[str, int] | None = None,
) -> None:
    """``POST path`` on ``r``: the form read here (:func:`read_form`, ``files`` as there), then
    ``handle(request, <the path's parameters, by name>, form=<the form>)`` in the threadpool
    (handlers read and write storage, which blocks)."""

    @r.post(path, response_model=None)
    async def endpoint(request: Request) -> Response:
        form = await read_form(request, files)
        return await run_in_threadpool(handle, request, form=form, **request.path_params)


def one(form: Form, key: str) -> str:
    """The first value of ``key`` (``""`` if absent)."""
    values = form.get(key)
    return values[0] if values else ""


def command(principal: Principal, name: str, /, **fields: object) -> dict[str, object]:
    """A command made by the logged-in account: its actor (none for an operator, whose
    commands pass as on the command line)."""
    return as_actor(principal, {"command": name, **fields})


def as_actor(principal: Principal, cmd: Mapping[str, object]) -> dict[str, object]:
    """``cmd`` made by ``principal`` (its ``actor`` set; left out for an operator)."""
    out = dict(cmd)
    if principal.actor is not None:
        out["actor"] = principal.actor
    return out


def show(
    template: str, status_code: int = 200, *, request: Request, **context: Any
) -> HTMLResponse:
    """:func:`render` for these pages: a page in :data:`PRIVATE` is never cached."""
    response = render(template, status_code, request=request, **context)
    if template in PRIVATE:
        response.headers["Cache-Control"] = "no-store"
    return response


def status_of(err: CouncilError) -> int:
    return err.http_status if 400 <= err.http_status < 600 else 400


def router(backend: Backend) -> APIRouter:
    """The routes of these pages (no JSON API: ``include_in_schema=False``)."""
    r = APIRouter(include_in_schema=False)

    # ------------------------------------------------------------------ ballot

    def ballot_context(view: StateView, election: str) -> dict[str, Any]:
        page = read.election_page(view, ElectionId(election))
        e = page.election
        # In the order of the election page (by name): no place on the ballot favours anyone
        # but the alphabet.
        candidates = [c.person for c in page.candidates if not c.withdrawn]
        return {"title": f"Ballot: {e.election}", "page": page, "candidates": candidates}

    def ballot_page(
        request: Request,
        election: str,
        *,
        typed: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
        error: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        who = auth.require(request)
        with backend.reading() as reading:
            try:
                context = ballot_context(reading.view, election)
            except NotFound as err:
                return missing(request, err)
            view = reading.view
            member = (
                MemberId(who.actor) if who.actor and view.has_member(MemberId(who.actor)) else None
            )
            voted = member is not None and view.has_voted(ElectionId(election), member)
            # Said before the form rather than after a confirmed ballot is refused; the
            # domain still decides (the electorate may change between the two).
            eligible = member is not None and view.in_electorate(
                context["page"].constituency.constituency, member
            )
            size = len(reading.record)
        return show(
            "ballot.html",
            status,
            request=request,
            record_size=size,
            typed=dict(typed or {}),
            errors=dict(errors or {}),
            error=error,
            voted=voted,
            eligible=eligible,
            **context,
        )

    @r.get("/elections/{election}/ballot", response_class=HTMLResponse)
    def ballot(request: Request, election: str) -> HTMLResponse:
        return ballot_page(request, election)

    def _review(request: Request, election: str, form: Form) -> HTMLResponse:
        auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        with backend.reading() as reading:
            try:
                context = ballot_context(reading.view, election)
            except NotFound as err:
                return missing(request, err)
        people = context["candidates"]
        ids = [p.member for p in people]
        names = {p.member: p.name for p in people}
        fields = {k: one(form, k) for k in form}
        parsed = parse_ranking(fields, ids, names)
        if one(form, "action") == "change" or not parsed.ok:
            return ballot_page(
                request,
                election,
                typed=parsed.typed,
                errors=parsed.errors,
                error=parsed.message,
                status=200 if parsed.ok else 422,
            )
        return show(
            "ballot_confirm.html",
            request=request,
            ranking=[(c, names[c]) for c in parsed.ranking],
            typed=parsed.typed,
            rank_field=rank_field,
            **context,
        )

    def _confirm(request: Request, election: str, form: Form) -> HTMLResponse:
        who = auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        ranking = [c for c in form.get("ranking", []) if c]
        typed = {c: str(i) for i, c in enumerate(ranking, 1)}
        if who.actor is None:
            return ballot_page(
                request,
                election,
                typed=typed,
                error="An operator account does not vote: log in as the member whose ballot "
                "this is.",
                status=403,
            )
        cast = command(who, "ballot.cast", election=election, voter=who.actor, ranking=ranking)

        def then(results: list[Result], uow: UnitOfWork) -> Receipt | None:
            return receipts_for(results, uow, backend.log).get(0)

        try:
            receipt = backend.run([cast], then)
        except CouncilError as err:
            return ballot_page(
                request, election, typed=typed, error=err.message, status=status_of(err)
            )
        if receipt is None:  # pragma: no cover - a cast ballot always appends its entry
            raise RuntimeError("ballot.cast appended no entry")
        text = receipt.to_json().decode()
        with backend.reading() as reading:
            context = ballot_context(reading.view, election)
        return show(
            "ballot_receipt.html",
            request=request,
            receipt=text,
            receipt_index=receipt.leaf_index,
            download="data:application/json;charset=utf-8," + quote(text + "\n", safe=""),
            filename=f"receipt-{_safe(election)}-{receipt.leaf_index}.json",
            **context,
        )

    # ------------------------------------------------------------------ recall

    def recall_view(
        request: Request,
        constituency: str,
        *,
        error: str = "",
        error_delegate: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        who = auth.principal(request)
        member = MemberId(who.actor) if who is not None and who.actor else None
        outcome: list[str] = []
        with backend.reading() as reading:
            view = reading.view
            try:
                page = read.recall_page(view, ConstituencyId(constituency), member)
            except NotFound as err:
                return missing(request, err)
            outcome = _outcome(view, page, request.query_params)
            size = len(reading.record)
        return show(
            "recall.html",
            status,
            request=request,
            title=f"Recall: {page.constituency.name}",
            page=page,
            member=member,
            error=error,
            error_delegate=error_delegate,
            outcome=outcome,
            record_size=size,
        )

    @r.get("/constituencies/{constituency}/recall", response_class=HTMLResponse)
    def recall(request: Request, constituency: str) -> HTMLResponse:
        return recall_view(request, constituency)

    def _recall_post(request: Request, constituency: str, form: Form) -> Response:
        who = auth.require(request)
        auth.check_csrf(request, one(form, "csrf"))
        delegate = one(form, "delegate")
        action = one(form, "action")
        if action not in ("sign", "withdraw"):
            return recall_view(
                request,
                constituency,
                error="Choose Sign or Withdraw my signature.",
                error_delegate=delegate,
                status=422,
            )
        if who.actor is None:
            return recall_view(
                request,
                constituency,
                error="An operator account does not sign: log in as a member of the electorate.",
                error_delegate=delegate,
                status=403,
            )
        name = "recall.sign" if action == "sign" else "recall.withdraw"
        cmd = command(who, name, constituency=constituency, delegate=delegate, signer=who.actor)
        try:
            results = backend.run([cmd], lambda results, uow: results)
        except CouncilError as err:
            return recall_view(
                request,
                constituency,
                error=err.message,
                error_delegate=delegate,
                status=status_of(err),
            )
        done = "signed" if action == "sign" else "withdrawn"
        query = f"?{done}={quote(delegate)}"
        for event in (e for res in results for e in res.events):
            if isinstance(event, MandateRecalled):
                query = f"?recalled={quote(delegate)}"
            if isinstance(event, SeatVacated) and event.constituency == constituency:
                query += f"&seat={event.seat}"
        return RedirectResponse(
            f"/constituencies/{quote(constituency)}/recall{query}#outcome", status_code=303
        )

    post_form(r, "/elections/{election}/ballot", _review)
    post_form(r, "/elections/{election}/ballot/confirm", _confirm)
    post_form(r, "/constituencies/{constituency}/recall", _recall_post)

    # ------------------------------------------------------------------ the member's page

    @r.get("/me", response_class=HTMLResponse)
    def me(request: Request) -> HTMLResponse:
        who = auth.require(request)
        page: read.MemberPage | None = None
        organised: list[tuple[str, str]] = []
        with backend.reading() as reading:
            view = reading.view
            member = who.actor
            if (
                member is not None
                and not member.startswith("@")
                and view.has_member(MemberId(member))
            ):
                page = read.member_page(view, MemberId(member))
            if who.operator:
                organised = [(c.council, c.name) for c in view.councils()]
            elif who.actor is not None:
                organised = [(c, view.council(c).name) for c in view.organised_by(Actor(who.actor))]
            size = len(reading.record)
        return show(
            "me.html",
            request=request,
            title="My page",
            who=who,
            page=page,
            organised=organised,
            record_size=size,
        )

    # ------------------------------------------------------------------ the record

    def record_view(
        request: Request,
        info: HeadInfo,
        *,
        check: ReceiptCheck | None = None,
        pasted: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        return show(
            "record.html",
            status,
            request=request,
            title="The public record",
            info=info,
            check=check,
            pasted=pasted,
            record_size=info.size,
        )

    @r.get("/record", response_class=HTMLResponse)
    def record(request: Request) -> HTMLResponse:
        with backend.reading() as reading:
            info = head_info(reading)
        return record_view(request, info)

    def _record_check(request: Request, form: Form) -> HTMLResponse:
        """Check a receipt. No login and no CSRF token: it changes nothing and shows the
        answer only to whoever asked, so another site posting it gains nothing."""
        pasted = one(form, "receipt")
        uploaded = one(form, "file")
        text = pasted if pasted.strip() else uploaded
        if len(text) > MAX_RECEIPT:
            text = ""
        # One snapshot: the head the page shows is the one the receipt was checked against.
        with backend.reading() as reading:
            info = head_info(reading)
            result = check_receipt(reading, text, info)
        return record_view(
            request, info, check=result, pasted=pasted, status=200 if result.ok else 422
        )

    post_form(r, "/record", _record_check, files={"file": MAX_RECEIPT})

    @r.get("/record/export.zip", response_model=None)
    def record_export(request: Request) -> Response:
        with backend.reading() as reading:
            export = export_zip(reading)
        if export is None:
            return show(
                "not_found.html",
                404,
                request=request,
                title="Not found",
                message="This storage keeps no signed record to export (it runs in memory).",
            )
        return Response(
            export.data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="record-{export.size}.zip"'},
        )

    return r


def missing(request: Request, err: NotFound) -> HTMLResponse:
    """The 404 page of an unknown id, saying what was not found."""
    return show("not_found.html", 404, request=request, title="Not found", message=err.message)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:64]


def _outcome(view: StateView, page: read.RecallPage, query: Mapping[str, str]) -> list[str]:
    """What the last signature did, in sentences, from the redirect's query and the state
    now (so reloading the page tells the truth of the moment, not of the signature)."""

    def name(member: str) -> str:
        return view.member(MemberId(member)).name if view.has_member(MemberId(member)) else member

    k = page.constituency
    if "signed" in query:
        return [f"You signed the petition to recall {name(query['signed'])}."]
    if "withdrawn" in query:
        return [
            f"You withdrew your signature from the petition against {name(query['withdrawn'])}."
        ]
    if "recalled" not in query:
        return []
    who = name(query["recalled"])
    out = [
        f"Your signature reached the threshold: {who}'s mandate as delegate of {k.name} ended "
        "at once."
    ]
    number = query.get("seat", "")
    if number.isdecimal():
        seat = next((s for s in view.seats(k.constituency) if s.number == int(number)), None)
        if seat is not None and seat.holder is not None:
            how = f" (from the count of election {seat.election})" if seat.election else ""
            out.append(f"Seat {seat.number} is now held by {name(seat.holder)}{how}.")
        elif seat is not None:
            refill = [
                e.election for e in view.open_elections(k.constituency) if seat.number in e.seats
            ]
            if refill:
                out.append(
                    f"Seat {seat.number} is vacant; election {refill[0]} is open to fill it."
                )
            else:
                out.append(f"Seat {seat.number} is vacant.")
    return out
