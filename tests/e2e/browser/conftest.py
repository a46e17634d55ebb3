"""Real-browser tests: ``councils demo`` in a subprocess, Debian's Chromium driven by Playwright.

What they need and where it comes from (``.ci/run`` installs all three; ``make test`` the last):

- ``/usr/bin/chromium``: Debian's package ``chromium`` (no browser is downloaded);
- the Python package ``playwright`` (the ``dev`` extra);
- ``node_modules/axe-core/axe.min.js``: ``npm install`` at the repo root (package.json).

Without one of them the tests skip with the reason; with ``COUNCILS_REQUIRE_BROWSER=1`` (as CI
sets it) they fail instead. Every wait is bounded and the server is always stopped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import serve

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path(os.environ.get("COUNCILS_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: Full-page screenshots land here (git-ignored); the README's three are copied by hand into
#: docs/screenshots/.
ARTIFACTS = ROOT / "tests" / "artifacts"
#: Playwright's default for each action and navigation, in milliseconds.
ACTION_MS = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _required() -> bool:
    return os.environ.get("COUNCILS_REQUIRE_BROWSER", "") not in ("", "0")


def _missing(reason: str) -> None:
    if _required():
        pytest.fail(f"COUNCILS_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core's script, to inject into a page."""
    if not AXE.is_file():
        _missing(f"axe-core is not installed ({AXE} is missing: run `npm install` at the root)")
    return AXE


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``councils demo`` on a free port, in a temporary folder; yields its base URL."""
    cwd = tmp_path_factory.mktemp("browser-demo")
    with serve(["demo"], cwd) as server:
        yield server.base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's) through Playwright, for the whole session."""
    if not CHROMIUM.is_file():
        _missing(f"Chromium is not installed ({CHROMIUM} is missing: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Any, demo_server: str) -> Iterator[Any]:
    """A fresh page (its own context) on the demo, 1280 px wide."""
    context = browser.new_context(
        base_url=demo_server, viewport={"width": 1280, "height": 900}, java_script_enabled=True
    )
    context.set_default_timeout(ACTION_MS)
    context.set_default_navigation_timeout(ACTION_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (created; git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
