"""``councils count`` and ``councils methods`` end to end, as a user runs them (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WARD = ROOT / "examples" / "edinburgh_2017_ward1.blt"
# The councillors Edinburgh elected in Ward 1 (Almond) on 4 May 2017, in order of election
# (tests/data/scotland-2017/index.csv, from the council's published count sheet).
ALMOND = ["Kevin LANG (LD)", "Louise YOUNG (LD)", "Graham HUTCHISON (C)", "Norrie WORK (SNP)"]


def councils(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "councils", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_count_json_elects_the_official_councillors() -> None:
    done = councils("count", str(WARD), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["method"] == "scottish-stv"  # the default for several seats
    assert out["seats"] == 4
    assert out["quota"] == 2842
    assert out["elected"] == ALMOND
    first = out["rounds"][0]
    assert sum(first["totals"].values()) == 14207  # the valid poll
    assert {"round", "totals", "transfers", "non_transferable", "elected", "excluded"} <= set(first)


def test_count_prints_a_table_of_rounds() -> None:
    done = councils("count", str(WARD))
    assert done.returncode == 0, done.stderr
    elected = done.stdout.split("Elected, in order:")[1].split("\n")
    assert [line.strip() for line in elected if line.strip()] == [
        f"{k}. {name}" for k, name in enumerate(ALMOND, 1)
    ]
    assert "quota 2,842" in done.stdout
    assert "Kevin LANG (LD)" in done.stdout


def test_method_and_seats_options(tmp_path: Path) -> None:
    done = councils("count", str(WARD), "--method", "plurality", "--seats", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == ["Kevin LANG (LD)"]
    one = councils("count", str(WARD), "--seats", "1", "--json")
    assert json.loads(one.stdout)["method"] == "irv"


def test_chart_is_an_svg_with_a_line_per_candidate(tmp_path: Path) -> None:
    svg = tmp_path / "almond.svg"
    done = councils("count", str(WARD), "--chart", str(svg), "--json")
    assert done.returncode == 0, done.stderr
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 10  # ten candidates stood in Almond


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"7 4\n1 1 2 0\n1 9 0\n0\n", ":3: "),  # candidate out of range, on line 3
        (b"seven four\n", ":1: "),
        (b"\x00\x01\x02binary", ":0: "),
    ],
)
def test_a_malformed_file_gives_one_line_and_exit_2(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_bytes(content)
    done = councils("count", str(bad))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{bad}{expected}")
    assert "Traceback" not in done.stderr


def test_a_missing_file_and_an_unknown_method_are_clear_errors(tmp_path: Path) -> None:
    missing = councils("count", str(tmp_path / "nope.blt"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr and "nope.blt" in missing.stderr
    unknown = councils("count", str(WARD), "--method", "borda")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "councils: no counting method 'borda'; known methods: " + ", ".join(_names())
    )


def _names() -> list[str]:
    from councils.counting import REGISTRY

    return REGISTRY.names()


def test_methods_lists_every_registered_method() -> None:
    done = councils("methods")
    assert done.returncode == 0
    for name in _names():
        assert name in done.stdout
