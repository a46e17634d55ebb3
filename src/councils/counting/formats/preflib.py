"""PrefLib ordinal files: ``.soi`` ``.soc`` (strict orders, incomplete or complete) and ``.toi``
``.toc`` (orders with ties), as published at preflib.org.

The current format (2022 on)::

    # FILE NAME: 00002-00000007.soi
    # TITLE: Debian 2012 Leader
    # DATA TYPE: soi
    # NUMBER ALTERNATIVES: 4
    # NUMBER VOTERS: 403
    # NUMBER UNIQUE ORDERS: 40
    # ALTERNATIVE NAME 1: Wouter Verhelst
    ...
    130: 3,1,2,4            130 voters ranked 3 first, then 1, 2, 4
    12: 1,{2,3},4           (.toi/.toc) 2 and 3 ranked equal

and the older one (a number of alternatives, ``i,name`` lines, ``voters,sum,unique``, then
``count,order`` lines) are both read. Header counts are checked against the data, so a file
cut short says so instead of being counted short. Candidates are the alternatives, named from
the ``ALTERNATIVE NAME`` lines; the title is ``# TITLE``; PrefLib has no number of seats.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

from councils.counting.formats._common import (
    MAX_CANDIDATES,
    MAX_TOTAL,
    MAX_WEIGHT,
    ProgressCallback,
    Ranking,
    decode_text,
    profile_from_counts,
    refuse_binary,
    show,
)
from councils.counting.profile import Profile
from councils.domain.errors import ParseError

__all__ = ["KINDS", "parse_preflib"]

#: The PrefLib data types that are rankings.
KINDS: Final = ("soi", "soc", "toi", "toc")

_HEADER = re.compile(r"#\s*([A-Za-z][A-Za-z ]*?)\s*(\d+)?\s*:(.*)")


@dataclass
class _Header:
    """What the ``#`` lines say, each with its line number for messages."""

    kind: tuple[str, int] | None = None
    n_alternatives: tuple[int, int] | None = None
    voters: tuple[int, int] | None = None
    unique: tuple[int, int] | None = None
    title: str | None = None
    names: dict[int, tuple[str, int]] = field(default_factory=dict)


def parse_preflib(
    data: bytes,
    name: str = "<input>",
    kind: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> Profile:
    """Read a PrefLib ordinal file's bytes into an effective :class:`Profile`.

    ``kind`` (``"soi"``, ``"soc"``, ``"toi"``, ``"toc"``, usually from the file's extension) is
    checked against the file's ``# DATA TYPE``; the data type decides what is allowed: ties only
    in ``toi``/``toc``, and every alternative ranked in ``soc``/``toc``. Malformed input raises
    :class:`ParseError` ``name:LINE: what is wrong``.
    """
    refuse_binary(data, name, "PrefLib")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = decode_text(data, name, 1)
    lines = text.split("\n")  # not splitlines(): it also breaks at \x0c, \x85, ...
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ParseError(name, 0, "file is empty", "parse.preflib.empty")
    if kind is not None and kind.lower() not in KINDS:
        raise ParseError(
            name,
            0,
            f"unknown PrefLib data type {kind!r}; Councils reads {', '.join(KINDS)}",
            "parse.preflib.data_type",
        )
    if lines[first].lstrip().startswith("#"):
        profile = _read_current(lines, name, kind)
    elif lines[first].strip().isdigit():
        profile = _read_old(lines, first, name, kind)
    else:
        raise ParseError(
            name,
            first + 1,
            'not a PrefLib file: expected "# ..." header lines, or the number of '
            f"alternatives; found {show(lines[first])}",
            "parse.preflib.header",
        )
    if on_progress is not None:
        on_progress(len(data), len(data))
    return profile


def _int(text: str, name: str, line: int, what: str, limit: int, code: str) -> int:
    """A whole number from ``1`` to ``limit``, or a ParseError saying what it should be."""
    t = text.strip()
    if not t.isascii() or not t.isdigit() or len(t.lstrip("0")) > len(str(limit)):
        raise ParseError(name, line, f"{what} must be a whole number, not {show(t)}", code)
    value = int(t)
    if not 1 <= value <= limit:
        raise ParseError(name, line, f"{what} must be between 1 and {limit}, not {value}", code)
    return value


def _read_current(lines: list[str], name: str, kind: str | None) -> Profile:
    head = _Header()
    data_lines: list[tuple[int, str]] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            _header_line(head, line, i + 1, name)
        else:
            data_lines.append((i + 1, line))
    names = _names(head, name)
    kind = _kind(head, kind, name)
    counts: Counter[Ranking] = Counter()
    total = 0
    for lineno, line in data_lines:
        count_text, colon, order = line.partition(":")
        if not colon:
            raise ParseError(
                name,
                lineno,
                f'expected "COUNT: ORDER" such as "12: 3,1,2"; found {show(line)}',
                "parse.preflib.bad_line",
            )
        count = _int(count_text, name, lineno, "the count", MAX_WEIGHT, "parse.preflib.bad_count")
        counts[_order(order, lineno, len(names), kind, name)] += count
        total = _add(total, count, lineno, name)
    _check_totals(head, total, len(data_lines), name)
    return profile_from_counts(names, counts, title=head.title)


def _header_line(head: _Header, line: str, lineno: int, name: str) -> None:
    m = _HEADER.fullmatch(line)
    if m is None:
        return  # a comment
    key, index, value = m.group(1).upper(), m.group(2), m.group(3).strip()
    if key == "ALTERNATIVE NAME" and index is not None:
        i = _int(
            index, name, lineno, "the alternative number", MAX_CANDIDATES, "parse.preflib.bad_name"
        )
        if i in head.names:
            raise ParseError(
                name,
                lineno,
                f"alternative {i} is named twice (also on line {head.names[i][1]})",
                "parse.preflib.bad_name",
            )
        head.names[i] = (value, lineno)
    elif index is not None:
        return
    elif key == "DATA TYPE":
        head.kind = (value.lower(), lineno)
    elif key == "NUMBER ALTERNATIVES":
        head.n_alternatives = (
            _int(
                value, name, lineno, "NUMBER ALTERNATIVES", MAX_CANDIDATES, "parse.preflib.header"
            ),
            lineno,
        )
    elif key == "NUMBER VOTERS":
        head.voters = (
            _int(value, name, lineno, "NUMBER VOTERS", 2**62, "parse.preflib.header"),
            lineno,
        )
    elif key == "NUMBER UNIQUE ORDERS":
        head.unique = (
            _int(value, name, lineno, "NUMBER UNIQUE ORDERS", 2**62, "parse.preflib.header"),
            lineno,
        )
    elif key == "TITLE":
        head.title = value


def _names(head: _Header, name: str) -> tuple[str, ...]:
    if head.n_alternatives is not None:
        n, where = head.n_alternatives
    elif head.names:
        n, where = max(head.names), 0
    else:
        raise ParseError(
            name,
            0,
            'the file has neither "# NUMBER ALTERNATIVES:" nor "# ALTERNATIVE NAME" lines',
            "parse.preflib.header",
        )
    for i, (_, lineno) in sorted(head.names.items()):
        if i > n:
            raise ParseError(
                name,
                lineno,
                f"alternative {i} is out of range (the file has {n} alternatives)",
                "parse.preflib.out_of_range",
            )
    missing = [i for i in range(1, n + 1) if i not in head.names]
    if missing:
        raise ParseError(
            name,
            where,
            f'no name for alternative {missing[0]}: add "# ALTERNATIVE NAME {missing[0]}: ..."',
            "parse.preflib.bad_name",
        )
    names = tuple(head.names[i][0] for i in range(1, n + 1))
    _check_names(names, [head.names[i][1] for i in range(1, n + 1)], name)
    return names


def _check_names(names: tuple[str, ...], where: list[int], name: str) -> None:
    seen: dict[str, int] = {}
    for value, lineno in zip(names, where, strict=True):
        if not value:
            raise ParseError(name, lineno, "alternative name is empty", "parse.preflib.bad_name")
        if value in seen:
            raise ParseError(
                name,
                lineno,
                f"alternative name {show(value)} is also on line {seen[value]}",
                "parse.preflib.duplicate_name",
            )
        seen[value] = lineno


def _kind(head: _Header, kind: str | None, name: str) -> str | None:
    """The data type that decides what orders may be: the file's, which must agree with the
    caller's (the extension) when both are given."""
    if head.kind is None:
        return kind.lower() if kind else None
    declared, lineno = head.kind
    if declared not in KINDS:
        raise ParseError(
            name,
            lineno,
            f"PrefLib data type {show(declared)} is not a ranking; Councils reads "
            f"{', '.join(KINDS)}",
            "parse.preflib.data_type",
        )
    if kind is not None and kind.lower() != declared:
        raise ParseError(
            name,
            lineno,
            f"the file says DATA TYPE {declared} but is read as {kind.lower()}; rename it "
            f"to .{declared}",
            "parse.preflib.data_type",
        )
    return declared


def _order(text: str, lineno: int, n: int, kind: str | None, name: str) -> Ranking:
    """``3,1,{2,4}`` → ((2,), (0,), (1, 3)): items separated by commas, ``{..}`` a tie."""
    groups: list[tuple[int, ...]] = []
    seen: set[int] = set()
    t = text.strip()
    i, end = 0, len(t)
    while i < end:  # by index, not by slicing: a huge line stays linear
        if t[i] == "{":
            close = t.find("}", i)
            if close < 0:
                raise ParseError(
                    name, lineno, 'a tie opens with "{" but has no "}"', "parse.preflib.bad_order"
                )
            parts, i = t[i + 1 : close].split(","), close + 1
        else:
            comma = t.find(",", i)
            comma = end if comma < 0 else comma
            parts, i = [t[i:comma]], comma
        groups.append(_group(parts, seen, lineno, n, name))
        while i < end and t[i] in " \t":
            i += 1
        if i < end:
            if t[i] != ",":
                raise ParseError(
                    name,
                    lineno,
                    f"expected a comma before {show(t[i : i + 20])}",
                    "parse.preflib.bad_order",
                )
            i += 1
            while i < end and t[i] in " \t":
                i += 1
            if i == end:
                raise ParseError(
                    name, lineno, "the order ends with a comma", "parse.preflib.bad_order"
                )
    if kind in ("soi", "soc") and any(len(g) > 1 for g in groups):
        raise ParseError(
            name,
            lineno,
            f"a .{kind} file holds strict orders, but this order ranks alternatives equal; "
            "name the file .toi or .toc",
            "parse.preflib.ties",
        )
    if kind in ("soc", "toc") and len(seen) != n:
        raise ParseError(
            name,
            lineno,
            f"a .{kind} file holds complete orders of all {n} alternatives, but this order "
            f"ranks {len(seen)}",
            "parse.preflib.incomplete",
        )
    return tuple(groups)


def _group(parts: list[str], seen: set[int], lineno: int, n: int, name: str) -> tuple[int, ...]:
    """One item of an order (one alternative, or the alternatives of a tie), checked."""
    group: list[int] = []
    for part in parts:
        p = part.strip()
        if not p.isascii() or not p.isdigit():
            raise ParseError(
                name, lineno, f"{show(p)} is not an alternative number", "parse.preflib.bad_order"
            )
        a = int(p) if len(p.lstrip("0")) <= 6 else n + 1
        if not 1 <= a <= n:
            raise ParseError(
                name,
                lineno,
                f"alternative {p.lstrip('0') or '0'} is out of range "
                f"(the file has {n} alternatives)",
                "parse.preflib.out_of_range",
            )
        if a in seen:
            raise ParseError(
                name,
                lineno,
                f"alternative {a} appears twice in this order",
                "parse.preflib.duplicate",
            )
        seen.add(a)
        group.append(a - 1)
    return tuple(group)


def _add(total: int, count: int, lineno: int, name: str) -> int:
    total += count
    if total > MAX_TOTAL:
        raise ParseError(
            name,
            lineno,
            f"the counts add up to more than Councils can count ({MAX_TOTAL})",
            "parse.preflib.too_many_ballots",
        )
    return total


def _check_totals(head: _Header, total: int, orders: int, name: str) -> None:
    """The header's counts against the data: the usual sign of a file cut short."""
    if head.voters is not None and head.voters[0] != total:
        raise ParseError(
            name,
            head.voters[1],
            f"NUMBER VOTERS says {head.voters[0]} but the orders add up to {total}; "
            "is the file complete?",
            "parse.preflib.count_mismatch",
        )
    if head.unique is not None and head.unique[0] != orders:
        raise ParseError(
            name,
            head.unique[1],
            f"NUMBER UNIQUE ORDERS says {head.unique[0]} but the file has {orders} orders; "
            "is the file complete?",
            "parse.preflib.count_mismatch",
        )


def _read_old(lines: list[str], first: int, name: str, kind: str | None) -> Profile:
    """The format before 2022: ``N``; ``i,name`` × N; ``voters,sum,unique``; ``count,order``."""
    n = _int(
        lines[first],
        name,
        first + 1,
        "the number of alternatives",
        MAX_CANDIDATES,
        "parse.preflib.header",
    )
    body = [(i + 1, line.strip()) for i, line in enumerate(lines) if i > first and line.strip()]
    if len(body) < n + 1:
        raise ParseError(
            name,
            len(lines) - (lines[-1] == ""),
            f"file ends before the alternatives' names and totals (expected {n} names)",
            "parse.preflib.truncated",
        )
    names_by: dict[int, tuple[str, int]] = {}
    for lineno, line in body[:n]:
        index, comma, value = line.partition(",")
        if not comma:
            raise ParseError(
                name,
                lineno,
                f'expected "NUMBER,NAME" for an alternative; found {show(line)}',
                "parse.preflib.bad_name",
            )
        i = _int(index, name, lineno, "the alternative number", n, "parse.preflib.bad_name")
        if i in names_by:
            raise ParseError(
                name,
                lineno,
                f"alternative {i} is named twice (also on line {names_by[i][1]})",
                "parse.preflib.bad_name",
            )
        names_by[i] = (value.strip(), lineno)
    names = tuple(names_by[i][0] for i in range(1, n + 1))
    _check_names(names, [names_by[i][1] for i in range(1, n + 1)], name)
    lineno, line = body[n]
    totals = line.split(",")
    if len(totals) != 3:
        raise ParseError(
            name,
            lineno,
            f'expected "VOTERS,SUM OF COUNTS,UNIQUE ORDERS"; found {show(line)}',
            "parse.preflib.header",
        )
    voters, _, unique = (
        _int(t, name, lineno, "each total", 2**62, "parse.preflib.header") for t in totals
    )
    head = _Header(voters=(voters, lineno), unique=(unique, lineno))
    counts: Counter[Ranking] = Counter()
    total = 0
    for lineno, line in body[n + 1 :]:
        count_text, comma, order = line.partition(",")
        count = _int(count_text, name, lineno, "the count", MAX_WEIGHT, "parse.preflib.bad_count")
        counts[_order(order, lineno, n, kind.lower() if kind else None, name)] += count
        total = _add(total, count, lineno, name)
    _check_totals(head, total, len(body) - n - 1, name)
    return profile_from_counts(names, counts)
