"""The pages of log in, log out (here and everywhere), invitations, personal API tokens.

Every form carries the CSRF token (:mod:`councils.web.auth`) and is checked before anything
else; a refused form is shown again with the message next to it and what was typed kept
(never a password). After a success the browser is redirected (303), so reloading the page
never sends the form twice; the one exception is a new API token, shown once on the page that
made it, since it is never stored and cannot be shown again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from councils.api.backend import Backend
from councils.domain.errors import CouncilError, InvalidCommand, NotAuthenticated, RuleViolation
from councils.service.accounts import LOGIN_LIMIT, LOGIN_WINDOW_MS, MIN_PASSWORD
from councils.storage.accounts import SqlAccounts
from councils.web import auth
from councils.web.pages import render

__all__ = ["router"]

FormStr = Annotated[str, Form()]


def _store(backend: Backend) -> SqlAccounts:
    if backend.accounts is None:
        raise RuleViolation(
            "accounts.none",
            "this server was started without accounts, so nobody can log in",
            {},
        )
    return backend.accounts


def render_private(template: str, status_code: int, **context: Any) -> HTMLResponse:
    """:func:`~councils.web.pages.render` for a page holding a secret (:func:`_private`)."""
    response = render(template, status_code, **context)
    _private(response)
    return response


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _when(ms: int) -> str:
    """A time of the accounts' clock (ms since the epoch), in UTC, to the minute."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _private(response: Response) -> Response:
    """A page holding a secret (an invitation link's token in its URL, a new API token):
    never cached, and its address never sent on as a Referer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _status(err: CouncilError) -> int:
    """A refused log-in is 401, or 429 (Too Many Requests) when the limit holds."""
    if err.code == "login.limited":
        return 429
    return err.http_status


def router(backend: Backend) -> APIRouter:
    """The routes of these pages (no JSON API: ``include_in_schema=False``)."""
    r = APIRouter(include_in_schema=False)

    def login_page(
        request: Request,
        *,
        next_url: str,
        email: str = "",
        error: CouncilError | None = None,
        notice: str | None = None,
    ) -> HTMLResponse:
        response = render(
            "login.html",
            _status(error) if error is not None else 200,
            request=request,
            title="Log in",
            next_url=auth.safe_next(next_url),
            email=email,
            error=error,
            notice=notice,
            limit=backend.accounts.login_limit if backend.accounts else LOGIN_LIMIT,
            window_minutes=(
                backend.accounts.login_window_ms if backend.accounts else LOGIN_WINDOW_MS
            )
            // 60_000,
        )
        if error is not None and error.code == "login.limited":
            response.headers["Retry-After"] = str(error.args_.get("retry_after", 60))
        return response

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/me", done: str = "") -> HTMLResponse:
        notice = None
        if done == "out":
            notice = "You are logged out."
        elif done == "everywhere":
            notice = "You are logged out on every browser and device."
        return login_page(request, next_url=next, notice=notice)

    @r.post("/login", response_model=None)
    def login(
        request: Request,
        email: FormStr = "",
        password: FormStr = "",
        csrf: FormStr = "",
        next: FormStr = "/me",
    ) -> Response:
        auth.check_csrf(request, csrf)
        try:
            token, _ = _store(backend).login(
                email,
                password,
                ip=auth.client_ip(request),
                old_session=auth.session_token(request),
            )
        except NotAuthenticated as err:
            return login_page(request, next_url=next, email=email, error=err)
        response = _see_other(auth.safe_next(next))
        auth.set_session(request, response, token)
        return response

    @r.post("/logout", response_model=None)
    def logout(request: Request, csrf: FormStr = "") -> Response:
        auth.check_csrf(request, csrf)
        token = auth.session_token(request)
        if token:
            _store(backend).logout(token)
        response = _see_other("/login?done=out")
        auth.clear_session(request, response)
        return response

    @r.post("/logout/everywhere", response_model=None)
    def logout_everywhere(request: Request, csrf: FormStr = "") -> Response:
        who = auth.require(request)
        auth.check_csrf(request, csrf)
        _store(backend).logout_everywhere(who.account)
        response = _see_other("/login?done=everywhere")
        auth.clear_session(request, response)
        return response

    def invitation_page(
        request: Request, token: str, *, error: CouncilError | None = None
    ) -> HTMLResponse:
        invitation = None
        try:
            invitation = _store(backend).invitation(token)
        except CouncilError as err:
            error = err
        return render_private(
            "invitation.html",
            error.http_status if error is not None else 200,
            request=request,
            title="Set your password" if invitation is not None else "Invitation",
            invitation=invitation,
            error=error,
            token=token,
            min_length=MIN_PASSWORD,
        )

    @r.get("/invitations/{token}", response_class=HTMLResponse)
    def invitation_form(request: Request, token: str) -> HTMLResponse:
        return invitation_page(request, token)

    @r.post("/invitations/{token}", response_model=None)
    def accept(
        request: Request,
        token: str,
        password: FormStr = "",
        confirm: FormStr = "",
        csrf: FormStr = "",
    ) -> Response:
        auth.check_csrf(request, csrf)
        try:
            if password != confirm:
                raise InvalidCommand(
                    "password.mismatch",
                    "the two passwords differ: type the same password in both fields",
                    {},
                )
            session, _ = _store(backend).accept(
                token, password, old_session=auth.session_token(request)
            )
        except CouncilError as err:
            return invitation_page(request, token, error=err)
        response = _see_other("/me")
        auth.set_session(request, response, session)
        return response

    def tokens_page(
        request: Request,
        *,
        made: str | None = None,
        label: str = "",
        error: CouncilError | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        who = auth.require(request)
        store = _store(backend)
        return render_private(
            "tokens.html",
            error.http_status if error is not None else status,
            request=request,
            title="Your API tokens",
            tokens=store.api_tokens(who.account),
            sessions=store.sessions(who.account),
            made=made,
            label=label,
            error=error,
            when=_when,
        )

    @r.get("/me/tokens", response_class=HTMLResponse)
    def tokens(request: Request) -> HTMLResponse:
        return tokens_page(request)

    @r.post("/me/tokens", response_class=HTMLResponse)
    def new_token(request: Request, label: FormStr = "", csrf: FormStr = "") -> HTMLResponse:
        who = auth.require(request)
        auth.check_csrf(request, csrf)
        try:
            made = _store(backend).new_api_token(who.account, label)
        except CouncilError as err:
            return tokens_page(request, label=label, error=err)
        return tokens_page(request, made=made, label=label.strip(), status=201)

    @r.post("/me/tokens/{token_id}/revoke", response_model=None)
    def revoke(request: Request, token_id: str, csrf: FormStr = "") -> Response:
        who = auth.require(request)
        auth.check_csrf(request, csrf)
        try:
            _store(backend).revoke_api_token(who.account, token_id)
        except CouncilError as err:
            return tokens_page(request, error=err)
        return _see_other("/me/tokens")

    return r
