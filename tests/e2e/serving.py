"""Run ``councils ...`` as a real server for a test: a free port, polled on /health until it
answers, then stopped. Every wait is bounded. Imported as ``serving`` (tests/e2e/conftest.py
puts this folder on ``sys.path``) by test_cli_serve.py and browser/conftest.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    """GET ``url``: its status and body, an HTTP error's too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@dataclass
class Server:
    base: str
    #: What the process printed, once it has stopped.
    output: str = ""


@contextmanager
def serve(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``councils ARGS --port P`` in ``cwd``, wait for /health, yield it, stop it."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "councils", *args, "--port", str(port)],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        server = Server(f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + STARTUP_S
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"`councils {' '.join(args)}` exited: {log.read()}")
                try:
                    if get(server.base + "/health")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"no answer on {server.base} within {STARTUP_S} s")
                time.sleep(0.2)
            yield server
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            log.seek(0)
            server.output = log.read()
