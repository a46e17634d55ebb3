"""Without PostgreSQL binaries the PostgreSQL tests skip and say why; with
``COUNCILS_REQUIRE_POSTGRES=1`` (as ``.ci/run`` sets) they fail instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/integration/test_migrations.py::test_the_migrated_schema_is_the_metadata"


def _pytest(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            TEST,
        ],
        cwd=ROOT,
        env={**os.environ, "COUNCILS_PG_BIN": "/nonexistent/postgresql/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_missing_binaries_skip_with_the_reason() -> None:
    done = _pytest(COUNCILS_REQUIRE_POSTGRES="0")
    assert done.returncode == 0, done.stdout
    assert "1 passed, 1 skipped" in done.stdout
    assert "PostgreSQL tests skipped: no PostgreSQL server binaries" in done.stdout


def test_ci_turns_the_skip_into_a_failure() -> None:
    done = _pytest(COUNCILS_REQUIRE_POSTGRES="1")
    assert done.returncode != 0
    assert "PostgreSQL is required (COUNCILS_REQUIRE_POSTGRES=1) but unavailable" in done.stdout
