"""bench/RESULTS.md holds one top-level section per benchmark; each benchmark rewrites only its
own, so `make bench` and `make bench-federation` never erase each other's figures."""

from __future__ import annotations

import os
import platform
from pathlib import Path

__all__ = ["machine_line", "write_section"]


def machine_line() -> str:
    """One line naming the machine a benchmark ran on: CPUs, model, memory, kernel."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"- machine: {os.cpu_count()} CPUs ({cpu}){mem}, {system}"


def write_section(path: Path, text: str) -> None:
    """Put ``text`` (which starts with its section's ``# `` heading) in ``path`` in place of
    the old section (from that heading to the next top-level heading), or at the end; every
    other byte of the file stays as it was."""
    heading = text.split("\n", 1)[0]
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = old.splitlines(keepends=True)
    start = end = None
    fenced = False
    offset = 0
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("# "):
            if start is None and line.rstrip("\n") == heading:
                start = offset
            elif start is not None and end is None:
                end = offset
        offset += len(line)
    body = text if text.endswith("\n") else text + "\n"
    if start is None:
        sep = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
        new = old + sep + body
    else:
        rest = old[end:] if end is not None else ""
        new = old[:start] + body + ("\n" if rest else "") + rest
    path.write_text(new, encoding="utf-8")
