"""The pages of what an organiser does: found a council, create constituencies, register
members (one by one or from a CSV), open and close elections."""

from __future__ import annotations

from fastapi import APIRouter

from councils.api.backend import Backend

__all__ = ["router"]


def router(backend: Backend) -> APIRouter:
    """The routes of these pages (no JSON API: ``include_in_schema=False``)."""
    return APIRouter(include_in_schema=False)
