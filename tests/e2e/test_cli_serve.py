"""``councils demo`` and ``councils serve`` as a user runs them: a real process on a free port,
polled until it answers, then stopped. Every wait is bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from councils.service import bootstrap

STARTUP_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@dataclass
class _Server:
    base: str
    #: What the process printed, once it has stopped.
    output: str = ""


@contextmanager
def _server(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Iterator[_Server]:
    """Start ``councils ARGS --port P``, wait for /health, yield it, stop it."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "councils", *args, "--port", str(port)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = _Server(f"http://127.0.0.1:{port}")
    base = server.base
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if proc.poll() is not None:
                raise AssertionError(
                    f"the server exited: {proc.stdout.read() if proc.stdout else ''}"
                )
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer on {base} within {STARTUP_S} s")
            time.sleep(0.2)
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        server.output = proc.stdout.read() if proc.stdout else ""


def test_demo_builds_on_sqlite_and_serves_the_front_page(tmp_path: Path) -> None:
    started = time.monotonic()
    with _server(["demo"], tmp_path) as server:
        base = server.base
        ready = time.monotonic() - started
        health = json.loads(_get(base + "/health")[1])
        assert health["status"] == "ok" and health["record"]["size"] > 10_000
        status, html = _get(base + "/")
        assert status == 200
        assert "Petrograd Soviet" in html and "Northern Regional Executive Committee" in html
        status, html = _get(base + "/councils/petrograd")
        assert status == 200 and "Recall petitions under way" in html
        state = json.loads(_get(base + "/api/state")[1])
        assert len(state["recalls"]) >= 4
    assert ready < 60
    assert (tmp_path / "councils-demo.db").is_file()
    assert "replaced on every run" in server.output and "/councils/petrograd" in server.output
    # a second run replaces the file rather than failing on the existing federation
    with _server(["demo"], tmp_path) as again:
        assert _get(again.base + "/health")[0] == 200


def test_serve_serves_an_existing_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fed.db'}"
    bootstrap.init_federation(url)
    with _server(["--db", url, "serve"], tmp_path) as server:
        base = server.base
        body = json.dumps({"command": "council.create", "council": "city", "name": "City <1>"})
        request = urllib.request.Request(
            base + "/api/commands",
            data=body.encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200
        status, html = _get(base + "/")
        assert status == 200 and "City &lt;1&gt;" in html


def test_serve_refuses_a_database_that_holds_no_federation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "councils", "serve", "--port", str(_free_port())],
        cwd=tmp_path,
        env={**os.environ, "COUNCILS_DB": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "councils init" in proc.stderr
