"""The domain and service tests of tests/unit, run again with every ``Federation`` on SQL.

A pytest of its own (a subprocess) with the ``sql_harness`` plugin, which turns the harness's
in-memory ``Federation`` into :class:`sql_harness.SqlFederation` for that whole session: the
same tests, the same assertions, on SQLite and on PostgreSQL.

Two tests swap in an ``InMemoryUnitOfWork`` with another constitution halfway through (they
test that open elections and petitions keep their rules); they only make sense in memory, and
the same property is checked on SQL by test_storage_parity.py's state machine (rules copied
into events replay identically).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITE = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "unit").glob("test_domain_*.py"))
SUITE.append("tests/unit/test_service_bus.py")
MEMORY_ONLY = [
    "tests/unit/test_domain_elections.py::test_rules_in_force_when_an_election_opened_stay_in_force",
    "tests/unit/test_domain_recalls.py::test_the_threshold_rule_of_an_open_petition_stays_in_force",
]


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_the_domain_and_service_tests_pass_on_sql(
    store: str, request: pytest.FixtureRequest
) -> None:
    target = "sqlite"
    if store == "postgresql":
        target = request.getfixturevalue("postgres_server").url()
    env = {
        **os.environ,
        "COUNCILS_TEST_STORE": target,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        ),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "sql_harness",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            *(f"--deselect={t}" for t in MEMORY_ONLY),
            *SUITE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and " failed" not in done.stdout
