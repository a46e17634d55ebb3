"""The progress bar of ``councils count`` while a large file is read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from councils.cli import count as count_cmd

WARD = Path(__file__).resolve().parents[2] / "examples" / "edinburgh_2017_ward1.blt"


def test_a_large_file_on_a_terminal_shows_a_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(count_cmd, "PROGRESS_BYTES", 1)  # every file counts as large
    out = io.StringIO()
    err = Console(file=out, force_terminal=True, width=100)
    profile = count_cmd._read(WARD, None, err)
    assert profile.total == 14207
    assert f"reading {WARD.name}" in out.getvalue()


def test_no_progress_bar_when_not_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(count_cmd, "PROGRESS_BYTES", 1)
    out = io.StringIO()
    err = Console(file=out, force_terminal=False)
    assert count_cmd._read(WARD, None, err).total == 14207
    assert out.getvalue() == ""
