"""The whole site that ``councils serve`` and ``councils demo`` run: the JSON API and the pages
over one unit of work factory."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from councils.api import create_app
from councils.api.backend import Backend, UowFactory
from councils.web.pages import install_pages

__all__ = ["create_site"]


def create_site(uow_factory: UowFactory, **options: Any) -> FastAPI:
    """:func:`councils.api.create_app` (same options) with the HTML pages and static files."""
    app = create_app(uow_factory, **options)
    backend = app.state.backend
    if not isinstance(backend, Backend):  # pragma: no cover - create_app always sets it
        raise TypeError("create_app did not set app.state.backend")
    install_pages(app, backend)
    return app
