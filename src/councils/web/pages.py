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

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from councils.api.backend import Backend
from councils.domain.errors import NotFound
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId
from councils.domain.view import StateView
from councils.service.uow import Reading
from councils.web import read
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


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _env().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)


def _not_found(message: str, record_size: int | None = None) -> HTMLResponse:
    return render(
        "not_found.html", 404, title="Not found", message=message, record_size=record_size
    )


def _page(
    backend: Backend, template: str, build: Callable[[StateView], dict[str, Any]]
) -> HTMLResponse:
    with backend.reading() as uow:
        size = _size(uow)
        try:
            context = build(uow.view)
        except NotFound as err:
            return _not_found(err.message, size)
    return render(template, record_size=size, **context)


def _size(uow: Reading) -> int:
    return len(uow.record)


def pages_router(backend: Backend) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return _page(
            backend,
            "index.html",
            lambda view: {"title": "The federation", "tiers": read.federation(view)},
        )

    @router.get("/councils/{council}", response_class=HTMLResponse)
    def council(council: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.council_page(view, CouncilId(council))
            return {"title": page.council.name, "page": page}

        return _page(backend, "council.html", build)

    @router.get("/constituencies/{constituency}", response_class=HTMLResponse)
    def constituency(constituency: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.constituency_page(view, ConstituencyId(constituency))
            return {"title": page.constituency.name, "page": page}

        return _page(backend, "constituency.html", build)

    @router.get("/elections/{election}", response_class=HTMLResponse)
    def election(election: str) -> HTMLResponse:
        def build(view: StateView) -> dict[str, Any]:
            page = read.election_page(view, ElectionId(election))
            names = {c.person.member: c.person.name for c in page.candidates}
            return {
                "title": f"Election {election}",
                "page": page,
                "count": count_of(view, page.election, names),
            }

        return _page(backend, "election.html", build)

    return router


async def _http_error(request: Request, exc: Exception) -> Response:
    """A 404 outside the API is a page; the API keeps FastAPI's JSON."""
    status = getattr(exc, "status_code", 500)
    if status == 404 and not request.url.path.startswith(_API_PREFIXES):
        return _not_found(f"There is no page at {request.url.path}.")
    detail = getattr(exc, "detail", "error")
    return JSONResponse({"detail": detail}, status_code=status)


def install_pages(app: FastAPI, backend: Backend) -> None:
    """Add the pages and ``/static`` to an app made by :func:`councils.api.create_app`."""
    app.include_router(pages_router(backend))
    app.mount("/static", StaticFiles(packages=[("councils.web", "static")]), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
