"""Shared by the format tests: a profile's ballots as a plain dict, to compare with a literal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from councils.counting import Profile

T = TypeVar("T", int, str)


def ballot_rows(p: Profile, label: Callable[[int], T]) -> dict[tuple[tuple[T, ...], ...], int]:
    """The ballots as {ranking as groups of ``label(candidate)``: weight}."""
    out: dict[tuple[tuple[T, ...], ...], int] = {}
    for r in range(len(p.rankings)):
        groups: list[list[T]] = []
        last = None
        for j, c in enumerate(p.rankings[r].tolist()):
            if c < 0:
                continue
            lv = p.levels[r, j] if p.levels is not None else j
            if groups and lv == last:
                groups[-1].append(label(c))
            else:
                groups.append([label(c)])
            last = lv
        key = tuple(tuple(sorted(g)) for g in groups)
        out[key] = out.get(key, 0) + int(p.weights[r])
    return out
