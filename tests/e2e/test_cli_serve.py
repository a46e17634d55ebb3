"""``councils demo`` and ``councils serve`` as a user runs them: a real process on a free port,
polled until it answers, then stopped. Every wait is bounded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from serving import free_port, get, serve

from councils.service import bootstrap


def test_demo_builds_on_sqlite_and_serves_the_front_page(tmp_path: Path) -> None:
    started = time.monotonic()
    with serve(["demo"], tmp_path) as server:
        base = server.base
        ready = time.monotonic() - started
        health = json.loads(get(base + "/health")[1])
        assert health["status"] == "ok" and health["record"]["size"] > 10_000
        status, html = get(base + "/")
        assert status == 200
        assert "Petrograd Soviet" in html and "Northern Regional Executive Committee" in html
        status, html = get(base + "/councils/petrograd")
        assert status == 200 and "Recall petitions under way" in html
        state = json.loads(get(base + "/api/state")[1])
        assert len(state["recalls"]) >= 4
    assert ready < 60
    assert (tmp_path / "councils-demo.db").is_file()
    assert "replaced on every run" in server.output and "/councils/petrograd" in server.output
    # a second run replaces the file rather than failing on the existing federation
    with serve(["demo"], tmp_path) as again:
        assert get(again.base + "/health")[0] == 200


def test_serve_serves_an_existing_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fed.db'}"
    bootstrap.init_federation(url)
    with serve(["--db", url, "serve"], tmp_path) as server:
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
        status, html = get(base + "/")
        assert status == 200 and "City &lt;1&gt;" in html


def test_serve_refuses_a_database_that_holds_no_federation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "councils", "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env={**os.environ, "COUNCILS_DB": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "councils init" in proc.stderr
