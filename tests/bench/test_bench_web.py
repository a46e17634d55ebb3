"""bench/web.py, the web load benchmark: a short run (5 voters, 3 seconds) end to end, and its
exactly-once checks shown to fail when a ballot is lost or one is recorded that nobody was told
was accepted — a checker that never fails would make "nothing lost" mean nothing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from councils.service import bootstrap, state_json
from councils.service.bus import execute
from councils.storage.engine import create_engine
from councils.storage.record import load_log_state

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = pytest.mark.slow


def _load() -> ModuleType:
    key = "_councils_bench_web"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / "web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def test_a_short_run_serves_logs_in_votes_and_finds_everything_exactly_once(
    tmp_path: Path,
) -> None:
    out = tmp_path / "RESULTS.md"
    cmd = [
        sys.executable,
        str(BENCH / "web.py"),
        *("--voters", "5", "--seconds", "3", "--workshops", "40", "--districts", "10"),
        *("--out", str(out)),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Web load\n")
    assert "nothing lost or counted twice: **MET**" in text
    assert "FAILED" not in text
    assert "- passed: every accepted ballot on the record exactly once" in text
    assert "- passed: the signatures of the state are the accepted ones" in text
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    for kind in ("ballot.cast", "recall.sign"):
        accepted = int(rows[kind].split("|")[3].strip().replace(",", ""))
        assert accepted > 0, rows[kind]


def _size(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return load_log_state(conn, lock=False).size
    finally:
        engine.dispose()


def _accepted(w: ModuleType, url: str, commands: list[dict[str, Any]]) -> list[Any]:
    """Run ``commands`` as the server would and describe them as accepted answers."""
    results = execute(commands, bootstrap.open_uow(url)())
    return [
        w.Outcome(
            "ballot" if c["command"] == "ballot.cast" else "signature",
            200,
            None,
            0.0,
            0.001,
            c,
            r.entries[0] if c["command"] == "ballot.cast" else None,
        )
        for c, r in zip(commands, results, strict=True)
    ]


def _state(url: str) -> dict[str, Any]:
    with bootstrap.read_state(url) as view:
        return state_json(view)


def test_the_checks_fail_on_a_lost_ballot_and_on_one_nobody_was_told_of(tmp_path: Path) -> None:
    w = _load()
    shape = w.Shape(voters=3, workshops=4, districts=2)
    url = f"sqlite:///{tmp_path / 'councils.db'}"
    w.build(url, shape)
    base = _size(url)
    tasks = {v: shape.tasks(v, 1) for v in shape.voter_ids}
    ballots = {v: [t for t in ts if t["command"] == "ballot.cast"] for v, ts in tasks.items()}
    signs = [t for t in tasks["v001"] if t["command"] == "recall.sign"]
    outcomes = _accepted(w, url, [*ballots["v001"][:2], *signs, ballots["v002"][0]])

    ok = w.check(url, shape, outcomes, base, _state(url))
    assert ok.failures == [] and len(ok.passed) >= 12

    # A ballot answered as accepted but stored nowhere: lost.
    lost = w.Outcome("ballot", 200, None, 0.0, 0.001, ballots["v003"][0], base)
    bad = w.check(url, shape, [*outcomes, lost], base, _state(url))
    assert any(
        f.startswith("every accepted ballot on the record exactly once") for f in bad.failures
    )
    assert any(f.startswith("the voters of the state are") for f in bad.failures)

    # A ballot stored and recorded that no voter was told was accepted: counted without a trace.
    _accepted(w, url, [ballots["v003"][1]])
    bad = w.check(url, shape, outcomes, base, _state(url))
    assert any(f.startswith("no ballot on the record that was not accepted") for f in bad.failures)
    assert any(f.startswith("each ballot box holds") for f in bad.failures)
