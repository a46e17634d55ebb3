"""The site in this process for browser tests that need logins: uvicorn in a thread over a
real SQLite federation with accounts (cheap Argon2id), plain HTTP on 127.0.0.1 with cookies
marked Secure, as ``councils serve`` sets them (Chromium keeps Secure cookies from 127.0.0.1,
a secure context). Imported as ``inprocess`` (pytest puts this folder on ``sys.path``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from pages_setup import build_site, session_of
from serving import free_port

from councils.api.backend import Backend
from councils.storage.accounts import SqlAccounts
from councils.web.auth import SESSION_COOKIE

__all__ = ["PASSWORD", "Served", "serve_site"]

PASSWORD = "a long enough password"


@dataclass
class Served:
    base: str
    backend: Backend
    accounts: SqlAccounts

    def run(self, *commands: Mapping[str, object]) -> None:
        """Commands as the operator, one batch."""
        self.backend.run(list(commands), lambda results, uow: None)

    def page_as(self, browser: Any, actor: str) -> Any:
        """A fresh browser page logged in as ``actor`` (an account made if missing)."""
        session = session_of(self.accounts, actor, PASSWORD)
        page = self.new_page(browser)
        page.context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": self.base}])
        return page

    def new_page(self, browser: Any) -> Any:
        context = browser.new_context(base_url=self.base, viewport={"width": 1100, "height": 850})
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(15_000)
        return context.new_page()


@contextmanager
def serve_site(tmp_path: Path, setup: Sequence[Mapping[str, object]] = ()) -> Iterator[Served]:
    _, app, backend, accounts = build_site(tmp_path)
    served = Served("", backend, accounts)
    if setup:
        served.run(*setup)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    served.base = f"http://127.0.0.1:{port}"
    try:
        yield served
    finally:
        server.should_exit = True
        thread.join(timeout=10)
