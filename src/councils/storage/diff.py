"""Where two snapshots differ, named row by row: the heart of ``councils verify``'s report.

A snapshot (:func:`councils.domain.snapshot.snapshot`) lists councils, organisers,
constituencies, factions, members, elections and petitions, each with its key. Each item of the
stored state is matched with the replayed item of the same key, and every difference is one
line that names the table, the row and the field: ``members m17: "active" is true in the
database, false by the record``. So a row edited by hand is found, and so is a row added or
deleted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

__all__ = ["KEYS", "MAX_PER_SECTION", "differences"]

#: The fields that identify an item of each section of a snapshot.
KEYS: dict[str, tuple[str, ...]] = {
    "councils": ("council",),
    "organisers": ("council", "organiser"),
    "constituencies": ("constituency",),
    "factions": ("faction",),
    "members": ("member",),
    "elections": ("election",),
    "petitions": ("constituency", "delegate"),
}
#: At most this many differences are listed per section; the rest are counted.
MAX_PER_SECTION = 100


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def differences(
    stored: Mapping[str, object], replayed: Mapping[str, object]
) -> list[tuple[str, str]]:
    """``(where, what)`` for every difference between the stored and the replayed snapshot."""
    out: list[tuple[str, str]] = []
    for section, key in KEYS.items():
        if stored.get(section) == replayed.get(section):
            continue
        found = _section(section, key, stored.get(section), replayed.get(section))
        if len(found) > MAX_PER_SECTION:
            rest = len(found) - MAX_PER_SECTION
            found = found[:MAX_PER_SECTION]
            found.append((section, f"and {rest} more differences in {section}, not listed"))
        out += found
    return out


def _section(
    section: str, key: tuple[str, ...], stored: object, replayed: object
) -> list[tuple[str, str]]:
    ours = _by_key(stored, key)
    theirs = _by_key(replayed, key)
    out: list[tuple[str, str]] = []
    for k in sorted(ours.keys() | theirs.keys()):
        where = f"{section} {' '.join(k)}"
        if k not in theirs:
            out.append((where, "is in the database but not in the record"))
        elif k not in ours:
            out.append((where, "is in the record but missing from the database"))
        else:
            a, b = ours[k], theirs[k]
            for field in sorted(a.keys() | b.keys()):
                if a.get(field) != b.get(field):
                    out.append(
                        (
                            where,
                            f'"{field}" is {_show(a.get(field))} in the database, '
                            f"{_show(b.get(field))} by the record",
                        )
                    )
    return out


def _by_key(items: object, key: tuple[str, ...]) -> dict[tuple[str, ...], Mapping[str, object]]:
    out: dict[tuple[str, ...], Mapping[str, object]] = {}
    if isinstance(items, Sequence):
        for item in items:
            if isinstance(item, Mapping):
                out[tuple(str(item.get(f)) for f in key)] = item
    return out
