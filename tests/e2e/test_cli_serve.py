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
    # how to log in as the demo organiser and the demo member
    assert "/login" in server.output
    assert "organiser@demo.invalid" in server.output and "member@demo.invalid" in server.output
    assert "organiser-demo-1917" in server.output and "member-demo-1917" in server.output
    url = f"sqlite:///{tmp_path / 'councils-demo.db'}"
    accounts = bootstrap.open_accounts(url)
    _, organiser = accounts.login("organiser@demo.invalid", "organiser-demo-1917", ip="::1")
    _, member = accounts.login("member@demo.invalid", "member-demo-1917", ip="::1")
    assert organiser.actor == "@organiser"
    assert all("@organiser" in c["organisers"] for c in state["councils"])
    assert member.actor is not None
    with bootstrap.read_state(url) as view:
        # the member is in the workplace whose election is open and in the district where a
        # petition is under way, and the output says where to vote and where to sign
        assert view.in_electorate("renault", member.actor)  # type: ignore[arg-type]
        assert view.in_electorate("vyborg", member.actor)  # type: ignore[arg-type]
        assert view.member(member.actor).name in server.output  # type: ignore[arg-type]
    assert f"{base}/elections/renault-1917/ballot" in server.output
    assert f"{base}/constituencies/vyborg/recall" in server.output
    assert "1 under way" in server.output
    assert "Petrograd Soviet: 96 of 99 seats held" in server.output
    # a second run replaces the file rather than failing on the existing federation
    with serve(["demo"], tmp_path) as again:
        assert get(again.base + "/health")[0] == 200


def test_serve_serves_an_existing_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fed.db'}"
    bootstrap.init_federation(url)
    token = _operator_token(url, tmp_path)
    with serve(["--db", url, "serve"], tmp_path) as server:
        base = server.base
        body = json.dumps({"command": "council.create", "council": "city", "name": "City <1>"})

        def post(headers: dict[str, str]) -> int:
            request = urllib.request.Request(
                base + "/api/commands",
                data=body.encode(),
                headers={"content-type": "application/json", **headers},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    return int(r.status)
            except urllib.error.HTTPError as err:
                return err.code

        assert post({}) == 401  # serve wires the accounts: a command needs a login
        assert post({"Authorization": f"Bearer {token}"}) == 200
        status, html = get(base + "/")
        assert status == 200 and "City &lt;1&gt;" in html


def _operator_token(url: str, cwd: Path) -> str:
    """An operator account and its API token, made as a user would: ``councils account``."""

    def run(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "councils", "--db", url, "account", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    run("add", "@ops", "--name", "Operator", "--operator")
    return run("token", "@ops", "--label", "test").strip()


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
