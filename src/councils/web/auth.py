"""Who is asking, for the pages and the API: sessions, API tokens, CSRF (docs/accounts.md).

- The session cookie ``councils_session`` is HttpOnly (scripts cannot read it), Secure (never
  sent over plain HTTP, unless the server runs with ``secure_cookies=False``), SameSite=Lax
  (not sent with another site's form posts), Path=/.
- ``Authorization: Bearer <token>`` (a personal API token) is for programs; it needs no CSRF
  token, since a browser never adds it by itself.
- CSRF: a form posted with a session carries the session's CSRF token (hidden field ``csrf``,
  or the ``X-CSRF-Token`` header for the API). A form posted before there is a session (log in,
  accept an invitation) carries the value of the ``councils_csrf`` cookie (double submit:
  another site can make a browser send the cookie, but cannot read it to copy it into the
  form). SameSite already stops most cross-site posts; the token also covers older browsers
  and same-site subdomains.

The principal is looked up once per request and kept on ``request.state``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from urllib.parse import quote, urlsplit

from fastapi import Request, Response

from councils.domain.errors import NotAuthenticated, NotPermitted
from councils.service.accounts import Principal, new_token, same_secret

if TYPE_CHECKING:
    from councils.api.backend import Backend
    from councils.storage.accounts import SqlAccounts

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "check_csrf",
    "clear_session",
    "client_ip",
    "csrf_token",
    "login_url",
    "principal",
    "require",
    "safe_next",
    "session_token",
    "set_csrf_cookie",
    "set_session",
]

SESSION_COOKIE = "councils_session"
CSRF_COOKIE = "councils_csrf"
CSRF_HEADER = "X-CSRF-Token"

_UNSET = object()


def _backend(request: Request) -> Backend:
    return cast("Backend", request.app.state.backend)


def _accounts(request: Request) -> SqlAccounts | None:
    return _backend(request).accounts


def session_token(request: Request) -> str | None:
    """The session cookie's value, if the browser sent one."""
    return request.cookies.get(SESSION_COOKIE) or None


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def principal(request: Request) -> Principal | None:
    """Who is logged in: an API token (``Authorization: Bearer``) if the request has one, else
    the session cookie; ``None`` for nobody (or an unknown, expired or revoked one)."""
    cached = getattr(request.state, "principal", _UNSET)
    if cached is not _UNSET:
        return cast("Principal | None", cached)
    found: Principal | None = None
    accounts = _accounts(request)
    if accounts is not None:
        bearer = bearer_token(request)
        if bearer is not None:
            found = accounts.by_api_token(bearer)
        else:
            token = session_token(request)
            if token:
                found = accounts.session(token)
    request.state.principal = found
    return found


def require(request: Request) -> Principal:
    """The principal, or ``NotAuthenticated("auth.required")`` (pages: a redirect to
    ``/login?next=<path>``; the API: 401)."""
    found = principal(request)
    if found is None:
        bearer = bearer_token(request) is not None
        raise NotAuthenticated(
            "auth.required",
            "that API token is not valid (unknown or revoked)"
            if bearer
            else "log in first: this needs a logged-in member's session or an API token",
            {},
        )
    return found


def csrf_token(request: Request) -> str:
    """The CSRF token a form on this page must carry: the session's, else the double-submit
    cookie's (made now if the browser has none: :func:`set_csrf_cookie` sends it)."""
    p = principal(request)
    if p is not None and p.csrf:
        return p.csrf
    made = getattr(request.state, "new_csrf", None)
    if isinstance(made, str):
        return made
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        return cookie
    fresh = new_token()
    request.state.new_csrf = fresh
    return fresh


def check_csrf(request: Request, value: str | None) -> None:
    """Refuse a form (or an API call with a session cookie) whose CSRF token is missing or
    wrong: ``NotPermitted("csrf.invalid")``. An API token needs none."""
    p = principal(request)
    if p is not None and p.via == "token":
        return
    expected = p.csrf if p is not None else request.cookies.get(CSRF_COOKIE)
    if not same_secret(value, expected):
        raise NotPermitted(
            "csrf.invalid",
            "this form has expired or did not come from this site: reload the page and try again",
            {},
        )


def _secure(request: Request) -> bool:
    return _backend(request).secure_cookies


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the double-submit cookie if :func:`csrf_token` made a new one for this page."""
    made = getattr(request.state, "new_csrf", None)
    if isinstance(made, str):
        response.set_cookie(
            CSRF_COOKIE,
            made,
            httponly=True,
            secure=_secure(request),
            samesite="strict",
            path="/",
        )


def set_session(request: Request, response: Response, token: str) -> None:
    """Log the browser in: the session cookie (HttpOnly, Secure, SameSite=Lax, Path=/), for
    as long as the session lives."""
    accounts = _accounts(request)
    max_age = (accounts.session_ms if accounts is not None else 0) // 1000
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=_secure(request),
        samesite="lax",
        path="/",
    )


def clear_session(request: Request, response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=_secure(request), samesite="lax", path="/"
    )


def client_ip(request: Request) -> str:
    """The address the request came from (for the login limit). Behind a proxy this is the
    proxy's unless uvicorn is told to trust its headers (``--forwarded-allow-ips``)."""
    return request.client.host if request.client is not None else "unknown"


def safe_next(target: str | None, default: str = "/me") -> str:
    """Where to go after logging in: ``target`` only if it is a path on this site (``/...``,
    not ``//host`` or a URL with a scheme), so a link cannot send someone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def login_url(request: Request) -> str:
    """``/login?next=<this page>``: where a page that needs a login sends the browser."""
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return "/login?next=" + quote(path, safe="/")
