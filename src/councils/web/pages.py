"""The plain HTML pages: the federation, a council, a constituency, an election.

Rendered on the server with Jinja2 (autoescaped: a member named ``<script>`` is shown, not run);
no JavaScript. Each handler reads in one unit of work that is never committed and hands the
page data of :mod:`councils.web.read` to its template. An unknown id is a 404 page that says
what was not found.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from councils.api.backend import Backend
from councils.api.errors import error_response
from councils.domain.errors import CouncilError, NotAuthenticated, NotFound
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId
from councils.domain.view import StateView
from councils.web import auth, read
from councils.web.pyramid import PyramidCouncil, pyramid_svg
from councils.web.results import count_of

__all__ = ["install_pages", "render"]

#: Paths whose errors stay JSON (the API's), whatever the client accepts.
_API_PREFIXES = ("/api", "/health", "/openapi.json", "/docs", "/redoc")


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("councils.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    template: str, status_code: int = 200, *, request: Request | None = None, **context: Any
) -> HTMLResponse:
    """The page ``template`` with ``context``. With ``request``, the template also gets
    ``principal`` (who is logged in, or ``None``: the navigation shows it) and ``csrf_token``
    (what every POST form carries in its hidden ``csrf`` field); if the browser had no CSRF
    cookie yet and no session, the new one is set on the response."""
    context.setdefault("record_size", None)  # the footer's count, where the page read it
    if request is not None:
        context.setdefault("principal", auth.principal(request))
        context.setdefault("csrf_token", auth.csrf_token(request))
    html = _env().get_template(template).render(**context)
    response = HTMLResponse(html, status_code=status_code)
    if request is not None:
        auth.set_csrf_cookie(request, response)
    return response


def _not_found(
    message: str, record_size: int | None = None, request: Request | None = None
) -> HTMLResponse:
    return render(
        "not_found.html",
        404,
        request=request,
        title="Not found",
        message=message,
        record_size=record_size,
    )


def _page(
    backend: Backend,
    request: Request,
    template: str,
    build: Callable[[StateView], dict[str, Any]],
) -> HTMLResponse:
    with backend.reading() as uow:
        size = len(uow.record)
        try:
            context = build(uow.view)
        except NotFound as err:
            return _not_found(err.message, size, request)
    return render(template, request=request, record_size=size, **context)


def _federation(tiers: list[read.Tier]) -> dict[str, Any]:
    """The front page: the tiers for the tables, and the same drawn as a pyramid (factions by
    name, since that is what the rows count; "no faction" holders are drawn hollow)."""
    into: dict[str, list[str]] = {}
    for tier in tiers:
        for c in tier.councils:
            for lower, _ in c.lower:
                into.setdefault(lower, []).append(c.council)
    factions: dict[str, str] = {}
    drawn: list[list[PyramidCouncil]] = []
    for tier in tiers:
        row = []
        for c in tier.councils:
            seats: list[str | None] = []
            for name, n in c.factions:
                if name != "no faction":
                    factions.setdefault(name, name)
                    seats += [name] * n
            seats += [None] * (c.seats - len(seats))
            row.append(PyramidCouncil(c.council, c.name, seats, into.get(c.council, [])))
        drawn.append(row)
    return {"title": "The federation", "tiers": tiers, "pyramid": pyramid_svg(drawn, factions)}


def pages_router(backend: Backend) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        return _page(
            backend,
            request,
            "index.html",
            lambda view: _federation(read.federation(view)),
        )

    @router.get("/councils/{council}", response_class=HTMLResponse)
    def council(request: Request, council: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.council_page(view, CouncilId(council))
            return {"title": page.council.name, "page": page}

        return _page(backend, request, "council.html", build)

    @router.get("/constituencies/{constituency}", response_class=HTMLResponse)
    def constituency(request: Request, constituency: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.constituency_page(view, ConstituencyId(constituency))
            return {"title": page.constituency.name, "page": page}

        return _page(backend, request, "constituency.html", build)

    @router.get("/elections/{election}", response_class=HTMLResponse)
    def election(request: Request, election: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.election_page(view, ElectionId(election))
            names = {c.person.member: c.person.name for c in page.candidates}
            return {
                "title": f"Election {election}",
                "page": page,
                "count": count_of(view, page.election, names),
            }

        return _page(backend, request, "election.html", build)

    return router


async def _http_error(request: Request, exc: Exception) -> Response:
    """A 404 outside the API is a page; the API keeps FastAPI's JSON."""
    status = getattr(exc, "status_code", 500)
    if status == 404 and not request.url.path.startswith(_API_PREFIXES):
        return _not_found(f"There is no page at {request.url.path}.", request=request)
    detail = getattr(exc, "detail", "error")
    return JSONResponse({"detail": detail}, status_code=status)


async def _council_error(request: Request, exc: Exception) -> Response:
    """A refusal that reached no form of its own. The API answers JSON as always; a page that
    needs a login sends the browser to log in (and back); an expired or forged form says so
    and asks to reload; anything else is a page with the message and the error's status."""
    if not isinstance(exc, CouncilError):  # pragma: no cover - registered for CouncilError
        raise exc
    if request.url.path.startswith(_API_PREFIXES):
        return error_response(exc)
    if isinstance(exc, NotAuthenticated) and exc.code == "auth.required":
        return RedirectResponse(auth.login_url(request), status_code=303)
    if exc.code == "csrf.invalid":
        referer = request.headers.get("referer")
        return render(
            "error.html",
            403,
            request=request,
            title="This form has expired",
            message="The form was sent without its security token, or with an old one "
            "(perhaps you logged in or out in another tab). Nothing was done.",
            reload=auth.safe_next(urlsplit(referer).path if referer else None, "/"),
        )
    return render(
        "error.html", exc.http_status, request=request, title="Refused", message=exc.message
    )


def install_pages(app: FastAPI, backend: Backend) -> None:
    """Add the pages and ``/static`` to an app made by :func:`councils.api.create_app`."""
    from councils.web import account_pages, member_pages, organiser_pages

    # The fixed paths (/councils/new) before the pages' /councils/{council}, which would take them.
    app.include_router(account_pages.router(backend))
    app.include_router(member_pages.router(backend))
    app.include_router(organiser_pages.router(backend))
    app.include_router(pages_router(backend))
    app.mount("/static", StaticFiles(packages=[("councils.web", "static")]), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(CouncilError, _council_error)
