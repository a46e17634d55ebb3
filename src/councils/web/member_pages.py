"""The pages of what a member does: ballot, confirmation, receipt, recall signature, their
own page, the record page."""

from __future__ import annotations

from fastapi import APIRouter

from councils.api.backend import Backend

__all__ = ["router"]


def router(backend: Backend) -> APIRouter:
    """The routes of these pages (no JSON API: ``include_in_schema=False``)."""
    return APIRouter(include_in_schema=False)
