"""BLT: the ballot format of ERS, OpenSTV, eSTV and the published Scottish council elections.

::

    7 3                      candidates, seats
    -2 -5                    optional: withdrawn candidates (negative numbers)
    4 1 3 2 0                weight, preferences best first (candidates 1..7), 0 ends the ballot
    (b17) 1 2=3 4 0          optional ballot id in parentheses; 2=3 ranks 2 and 3 equal
    1 0                      a blank ballot
    0                        end of the ballots
    "Ann Smith"              seven candidate names, one a line, quoted or bare
    Bob Jones
    ...
    "Ward 1 - Almond"        the title (optional), quoted or bare

Blank lines and ``# comments`` are allowed in the header and the ballots (as OpenSTV allows).
A skipped preference ``-`` (OpenSTV) is refused rather than guessed at: rules differ on whether a
gap ends the ballot.

Why two readers: the ballot section of a large file is read by the vectorised pass in
:mod:`._blt_fast` (ten million ballots in a few seconds); any chunk it does not accept —
unusual syntax or an error — is read line by line here, and that exact reader is the one that
defines the format and words every error message.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from councils.counting.formats import _blt_fast
from councils.counting.formats._common import (
    MAX_CANDIDATES,
    MAX_TOTAL,
    MAX_WEIGHT,
    ProgressCallback,
    Ranking,
    refuse_binary,
    rows_from_counts,
    show,
)
from councils.counting.profile import Profile, sum_by_key
from councils.domain.errors import InvalidCommand, ParseError

__all__ = ["parse_blt", "write_blt"]

#: Bytes per chunk of the vectorised pass. Measured: 256 KiB is fastest (10M ballots in about
#: 0.7 s against 1.1 s with 4 MiB chunks) because the chunk's temporary arrays, some thirty
#: bytes per input byte, then stay in the CPU caches and malloc reuses them instead of mapping
#: fresh pages; numpy's per-call overhead (some eighty calls a chunk) is still negligible.
CHUNK_BYTES: Final = 1 << 18

#: Report progress at most once per this many bytes (a progress bar needs no more).
_PROGRESS_STEP: Final = 1 << 22

#: A chunk longer than this (one enormous line) is not worth vectorising: no valid ballot line is
#: that long, and the pass's temporaries grow thirty-fold with the chunk.
_LONGEST_LINE: Final = 1 << 20

_BOM: Final = b"\xef\xbb\xbf"
_END: Final[tuple[int, Ranking]] = (0, ())
_DECIMAL = re.compile(rb"[0-9]*[.,][0-9]+|[0-9]+[.,][0-9]*")
_TOKEN = re.compile(rb"[^ \t\r]+")


def parse_blt(
    data: bytes, name: str = "<input>", on_progress: ProgressCallback | None = None
) -> Profile:
    """Read a BLT file's bytes into an effective :class:`Profile` (``is_effective=True``).

    ``name`` is what error messages call the file. Any malformed input raises
    :class:`ParseError` ``name:LINE: what is wrong``; nothing else escapes.
    ``on_progress(done_bytes, total_bytes)`` is called after each chunk of ballots.
    """
    return _parse(data, name, on_progress, vectorized=True, chunk_bytes=CHUNK_BYTES)


# ---------------------------------------------------------------------------------- reading


@dataclass
class _Lines:
    """Line numbers for byte offsets, counted forward from the last question (offsets are asked
    in increasing order, so the whole file is counted at most once)."""

    data: bytes
    offset: int = 0
    line: int = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.data.count(b"\n", self.offset, offset)
        self.offset = offset
        return self.line


@dataclass
class _Ballots:
    """The ballots read so far: keys or grids from the vectorised pass, counted rankings from
    the exact reader."""

    keys: list[_blt_fast.I64] = field(default_factory=list)
    key_weights: list[_blt_fast.I64 | None] = field(default_factory=list)
    grids: list[_blt_fast.I16] = field(default_factory=list)
    grid_weights: list[_blt_fast.I64 | None] = field(default_factory=list)
    exact: Counter[Ranking] = field(default_factory=Counter)
    depth: int = 0
    total: float = 0.0


def _parse(
    data: bytes,
    name: str,
    on_progress: ProgressCallback | None,
    *,
    vectorized: bool,
    chunk_bytes: int,
) -> Profile:
    refuse_binary(data, name, "BLT")
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # old Mac line ends
    start = len(_BOM) if data.startswith(_BOM) else 0
    lines = _Lines(data)
    n_candidates, seats, withdrawn, off = _read_header(data, start, name)
    keyed = n_candidates <= _blt_fast.KEYED_MAX_CANDIDATES
    if vectorized and len(data) - off > 8 * chunk_bytes:
        _blt_fast.raise_malloc_threshold()
    ballots = _Ballots()
    total = len(data)
    tail: int | None = None
    next_report = _PROGRESS_STEP
    while off < total:
        stop = data.find(b"\n", min(off + chunk_bytes, total))
        stop = total if stop < 0 else stop + 1
        fast = None
        if vectorized and stop - off <= chunk_bytes + _LONGEST_LINE:
            fast = _scan(data, off, stop, n_candidates, keyed)
            if fast is None:
                # Not plain: perhaps the end of the ballots, followed by the names.
                marker = _find_end(data, off, stop)
                if marker is not None:
                    fast = _scan(data, off, marker[0], n_candidates, keyed)
                    if fast is not None:
                        tail = marker[1]
        if fast is not None:
            _keep_fast(ballots, fast)
        else:
            rel = _read_exact(data, off, stop, lines.at(off), n_candidates, name, ballots)
            if rel is not None:
                tail = off + rel
        if ballots.total > MAX_TOTAL:
            raise ParseError(
                name,
                lines.at(off),
                f"the ballot weights add up to more than Councils can count ({MAX_TOTAL})",
                "parse.blt.too_many_ballots",
            )
        if on_progress is not None and stop >= next_report and tail is None:
            on_progress(stop, total)
            next_report = stop + _PROGRESS_STEP
        if tail is not None:
            break
        off = stop
    if tail is None:
        raise ParseError(
            name,
            _last_line(data),
            'file ends before the line "0" that ends the ballots',
            "parse.blt.truncated",
        )
    names, title = _read_names(data, tail, lines, n_candidates, name)
    profile = _assemble(ballots, names, seats, withdrawn, title)
    if on_progress is not None:
        on_progress(total, total)
    return profile


def _scan(
    data: bytes, off: int, stop: int, n_candidates: int, keyed: bool
) -> _blt_fast.FastChunk | None:
    chunk = np.frombuffer(data, dtype=np.uint8, count=stop - off, offset=off)
    return _blt_fast.scan(chunk, n_candidates, keyed)


def _find_end(data: bytes, off: int, stop: int) -> tuple[int, int] | None:
    """The line ``0`` that ends the ballots, if written plainly (``0`` alone, LF or CRLF) in
    ``data[off:stop]``: the offsets of its line and of the line after it.

    An end line written otherwise (`` 0``, ``0 # end``) is not seen here; the chunk then runs
    on into the names, is not plain, and the exact reader finds it.
    """
    for lone in (b"0\n", b"0\r\n"):
        if data.startswith(lone, off):
            return off, off + len(lone)
    best: tuple[int, int] | None = None
    for pattern in (b"\n0\n", b"\n0\r\n"):
        at = data.find(pattern, off, stop)
        if at >= 0 and (best is None or at + 1 < best[0]):
            best = (at + 1, at + len(pattern))
    if best is None and stop == len(data) and data.endswith(b"\n0") and stop - 2 >= off:
        best = (stop - 1, stop)
    if best is None and stop - off == 1 and data[off:stop] == b"0":
        best = (off, stop)
    return best


def _last_line(data: bytes) -> int:
    n = data.count(b"\n")
    return n if data.endswith(b"\n") else n + 1


def _strip_comment(raw: bytes) -> bytes:
    hash_at = raw.find(b"#")
    return raw if hash_at < 0 else raw[:hash_at]


def _tokens(raw: bytes, limit: int) -> list[bytes]:
    """The first ``limit`` tokens of one line. Tokens are separated by space, tab and CR, as in
    the vectorised pass; they are found lazily, so that a line of a hundred megabytes costs no
    more than the few tokens it takes to see what is wrong with it."""
    return [m.group() for m in itertools.islice(_TOKEN.finditer(raw), limit)]


def _number(tok: bytes, digits: int) -> int | None:
    """A token of ASCII digits as an int, or ``None``; more than ``digits`` significant digits
    gives ``-1`` (too large) without converting a huge string."""
    if not tok.isdigit():
        return None
    if len(tok.lstrip(b"0")) > digits:
        return -1
    return int(tok)


def _read_header(data: bytes, start: int, name: str) -> tuple[int, int, set[int], int]:
    """Read ``CANDIDATES SEATS`` and the optional withdrawn line; return them and the offset
    where the ballots begin."""
    pos, line, raw = _next_content_line(data, start, 1)
    if raw is None:
        raise ParseError(name, 0, "file is empty", "parse.blt.empty")
    toks = _tokens(_strip_comment(raw), 3)
    nums = [_number(t, 6) for t in toks]
    if len(toks) != 2 or nums[0] is None or nums[1] is None:
        raise ParseError(
            name,
            line,
            f'header must be "CANDIDATES SEATS", two whole numbers such as "7 3"; '
            f"found {show(raw)}",
            "parse.blt.header",
        )
    n_candidates, seats = nums[0], nums[1]
    if n_candidates < 1 or n_candidates > MAX_CANDIDATES:
        raise ParseError(
            name,
            line,
            f"the number of candidates must be between 1 and {MAX_CANDIDATES}, not {show(toks[0])}",
            "parse.blt.header",
        )
    if seats < 1:
        raise ParseError(
            name,
            line,
            f"the number of seats must be at least 1, not {show(toks[1])}",
            "parse.blt.header",
        )
    after = _after(data, pos)
    withdrawn: set[int] = set()
    nxt, wline, wraw = _next_content_line(data, after, line + 1)
    if wraw is not None and _tokens(_strip_comment(wraw), 1)[0].startswith(b"-"):
        for m in _TOKEN.finditer(_strip_comment(wraw)):
            t = m.group()
            k = _number(t[1:], 6) if t.startswith(b"-") else None
            if k is None or k == 0:
                raise ParseError(
                    name,
                    wline,
                    "withdrawn candidates must be written as negative numbers such as "
                    f'"-2 -5"; found {show(t)}',
                    "parse.blt.withdrawn",
                )
            if k < 1 or k > n_candidates:
                raise ParseError(
                    name,
                    wline,
                    f"withdrawn candidate {show(t)} is out of range "
                    f"(the file has {n_candidates} candidates)",
                    "parse.blt.out_of_range",
                )
            if k - 1 in withdrawn:
                raise ParseError(
                    name,
                    wline,
                    f"withdrawn candidate {show(t)} is listed twice",
                    "parse.blt.withdrawn",
                )
            withdrawn.add(k - 1)
        after = _after(data, nxt)
    return n_candidates, seats, withdrawn, after


def _after(data: bytes, pos: int) -> int:
    """The offset of the line after the one starting at ``pos``."""
    nl = data.find(b"\n", pos)
    return len(data) if nl < 0 else nl + 1


def _next_content_line(data: bytes, pos: int, line: int) -> tuple[int, int, bytes | None]:
    """From ``pos`` (line ``line``), skip blank and comment-only lines; return the offset, line
    number and bytes of the first line with content, or ``None`` at the end of the file."""
    while pos < len(data):
        nl = data.find(b"\n", pos)
        stop = len(data) if nl < 0 else nl
        raw = data[pos:stop]
        if _TOKEN.search(_strip_comment(raw)) is not None:
            return pos, line, raw
        pos, line = stop + 1, line + 1
    return pos, line, None


def _keep_fast(ballots: _Ballots, fast: _blt_fast.FastChunk) -> None:
    if fast.rows == 0:
        return
    if fast.keys is not None:
        ballots.keys.append(fast.keys)
        ballots.key_weights.append(fast.weights)
    elif fast.grid is not None:
        ballots.grids.append(fast.grid)
        ballots.grid_weights.append(fast.weights)
    ballots.depth = max(ballots.depth, fast.depth)
    ballots.total += fast.weight_sum


def _read_exact(
    data: bytes, off: int, stop: int, line: int, n_candidates: int, name: str, ballots: _Ballots
) -> int | None:
    """Read the ballot lines in ``data[off:stop]`` one by one, starting at line number ``line``.
    Returns the offset (relative to ``off``) of the line after the end-of-ballots ``0``, or
    ``None`` if the ballots go on."""
    pos = off
    counts = ballots.exact
    while pos < stop:
        nl = data.find(b"\n", pos, stop)
        end = stop if nl < 0 else nl
        parsed = _ballot_line(data[pos:end], line, n_candidates, name)
        nxt = min(end + 1, len(data))
        if parsed is _END:
            return nxt - off
        if parsed is not None:
            weight, ranking = parsed
            counts[ranking] += weight
            ballots.total += weight
        pos, line = end + 1, line + 1
    return None


def _ballot_line(raw: bytes, line: int, n_candidates: int, name: str) -> tuple[int, Ranking] | None:
    """One line of the ballot section: ``None`` (blank), ``_END`` (the line ``0``), or the
    ballot's weight and ranking. This function defines what a ballot line may be."""
    text = _strip_comment(raw)
    rest: Iterator[re.Match[bytes]] = _TOKEN.finditer(text)
    first = next(rest, None)
    if first is None:
        return None
    second = next(rest, None)
    lead = first.group()
    if second is None and lead.isdigit() and not lead.strip(b"0"):
        return _END
    if second is not None:
        rest = itertools.chain([second], rest)
    if lead.startswith(b"("):
        close = text.find(b")")
        if close < 0:
            raise ParseError(
                name, line, 'ballot id opens with "(" but has no ")"', "parse.blt.ballot_id"
            )
        rest = _TOKEN.finditer(text, close + 1)
        first = next(rest, None)
        if first is None:
            raise ParseError(
                name,
                line,
                "ballot id is not followed by a weight and preferences",
                "parse.blt.no_terminator",
            )
        lead = first.group()
    weight = _number(lead, 15)
    if weight is None:
        if _DECIMAL.fullmatch(lead):
            what = f"weight {show(lead)} is not a whole number; a weight counts ballots"
        else:
            what = (
                f'expected a ballot line "WEIGHT PREFERENCES... 0" or the line "0" that ends '
                f"the ballots; found {show(raw)}"
            )
        raise ParseError(name, line, what, "parse.blt.bad_weight")
    if weight == 0:
        raise ParseError(name, line, "weight must be at least 1, not 0", "parse.blt.bad_weight")
    if weight < 0 or weight > MAX_WEIGHT:
        raise ParseError(
            name,
            line,
            f"weight {show(lead)} is too large (at most {MAX_WEIGHT})",
            "parse.blt.bad_weight",
        )
    groups: list[tuple[int, ...]] = []
    seen: set[int] = set()
    ended = False
    for match in rest:
        tok = match.group()
        if ended:
            raise ParseError(
                name,
                line,
                f"{show(tok)} comes after the 0 that ends this ballot",
                "parse.blt.after_end",
            )
        if tok.isdigit() and not tok.strip(b"0"):
            ended = True
            continue
        if tok == b"-":
            raise ParseError(
                name,
                line,
                'a skipped preference "-" is not supported; remove it or end the ballot there',
                "parse.blt.bad_preference",
            )
        group: list[int] = []
        for part in tok.split(b"="):
            cand = _number(part, 6)
            if cand is None:
                raise ParseError(
                    name,
                    line,
                    f"preference {show(tok)} is not a candidate number",
                    "parse.blt.bad_preference",
                )
            if cand < 1 or cand > n_candidates:
                shown = str(cand) if cand >= 0 else show(part)
                raise ParseError(
                    name,
                    line,
                    f"candidate {shown} is out of range (the file has {n_candidates} candidates)",
                    "parse.blt.out_of_range",
                )
            if cand in seen:
                raise ParseError(
                    name,
                    line,
                    f"candidate {cand} appears twice in this ballot",
                    "parse.blt.duplicate",
                )
            seen.add(cand)
            group.append(cand - 1)
        groups.append(tuple(group))
    if not ended:
        raise ParseError(name, line, "ballot does not end with 0", "parse.blt.no_terminator")
    return weight, tuple(groups)


def _read_names(
    data: bytes, off: int, lines: _Lines, n_candidates: int, name: str
) -> tuple[tuple[str, ...], str | None]:
    """The candidate names and the title after the ballots: one string a line, ``"quoted"``
    (kept exactly, an optional ``# comment`` after it) or bare (the whole line, trimmed).

    Line numbers are counted only for a message: counting the newlines of a 150 MB file to
    number seven names would cost more than reading them.
    """
    strings: list[str] = []
    where: dict[str, int] = {}
    pos = off

    def fail(at: int, what: str, code: str) -> ParseError:
        return ParseError(name, lines.at(at), what, code)

    while pos < len(data):
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl
        raw = data[pos:end].strip()
        at, pos = pos, end + 1
        if not raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise fail(at, "text is not UTF-8; save the file as UTF-8", "parse.encoding") from None
        if text.startswith('"'):
            close = text.find('"', 1)
            if close < 0:
                raise fail(
                    at, 'the name opens a quote (") but does not close it', "parse.blt.bad_name"
                )
            rest = text[close + 1 :].strip()
            if rest and not rest.startswith("#"):
                raise fail(
                    at, f"unexpected {show(rest)} after the closing quote", "parse.blt.bad_name"
                )
            value = text[1:close]
        else:
            value = text
        if len(strings) < n_candidates:
            if not value.strip():
                raise fail(at, "candidate name is empty", "parse.blt.bad_name")
            if value in where:
                first = lines.at(where[value])
                raise fail(
                    at,
                    f"candidate name {show(value)} is also on line {first}",
                    "parse.blt.duplicate_name",
                )
            where[value] = at
        elif len(strings) > n_candidates:
            raise fail(
                at,
                f"unexpected {show(value)} after the title (the file has {n_candidates} "
                "candidates: is the number in the first line right?)",
                "parse.blt.trailing",
            )
        strings.append(value)
    if len(strings) < n_candidates:
        raise ParseError(
            name,
            _last_line(data),
            f"file ends before the candidate names (expected {n_candidates}, found {len(strings)})",
            "parse.blt.missing_names",
        )
    title = strings[n_candidates] if len(strings) > n_candidates else None
    return tuple(strings[:n_candidates]), title


def _assemble(
    ballots: _Ballots,
    names: tuple[str, ...],
    seats: int,
    withdrawn: set[int],
    title: str | None,
) -> Profile:
    """One effective profile from every chunk's ballots."""
    c = len(names)
    parts_r: list[_blt_fast.I16] = []
    parts_w: list[_blt_fast.I64] = []
    if ballots.keys:
        keys = np.concatenate(ballots.keys)
        weights = None
        if any(w is not None for w in ballots.key_weights):
            weights = np.concatenate(
                [
                    np.ones(len(k), dtype=np.int64) if w is None else w
                    for k, w in zip(ballots.keys, ballots.key_weights, strict=True)
                ]
            )
        ballots.keys.clear()
        uniq, sums = sum_by_key(keys, weights)
        del keys, weights
        if len(uniq) and uniq[0] == 0:  # the blank ballot
            uniq, sums = uniq[1:], sums[1:]
        depth = ballots.depth if len(uniq) else 0
        grid = _blt_fast.decode_keys(uniq, c, depth)
        if not withdrawn and not ballots.grids and not ballots.exact:
            return _effective(names, grid, sums, seats, title)
        parts_r.append(grid)
        parts_w.append(sums)
    for g, w in zip(ballots.grids, ballots.grid_weights, strict=True):
        parts_r.append(g)
        parts_w.append(np.ones(len(g), dtype=np.int64) if w is None else w)
    levels_parts: list[_blt_fast.I16] | None = None
    if ballots.exact:
        exact_r, exact_l, exact_w = rows_from_counts(ballots.exact)
        if exact_l is not None:
            levels_parts = [_strict_levels(r) for r in parts_r]
            levels_parts.append(exact_l)
        parts_r.append(exact_r)
        parts_w.append(exact_w)
    depth = max((r.shape[1] for r in parts_r), default=0)
    rankings = np.concatenate([_pad(r, depth) for r in parts_r]) if parts_r else _empty(depth)
    levels = np.concatenate([_pad(x, depth) for x in levels_parts]) if levels_parts else None
    weights = np.concatenate(parts_w) if parts_w else np.zeros(0, dtype=np.int64)
    raw = Profile(
        candidates=names,
        rankings=rankings,
        weights=weights,
        levels=levels,
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=title,
    )
    return raw.effective()


def _effective(
    names: tuple[str, ...],
    grid: _blt_fast.I16,
    weights: _blt_fast.I64,
    seats: int,
    title: str | None,
) -> Profile:
    """The keyed path's result, already what :meth:`Profile.effective` would return: distinct,
    sorted, no blank ballot, no withdrawn candidate, no empty column (``grid`` is as deep as the
    longest ballot)."""
    return Profile(
        candidates=names,
        rankings=grid,
        weights=weights,
        seats=seats,
        title=title,
        is_effective=True,
    )


def _strict_levels(rankings: _blt_fast.I16) -> _blt_fast.I16:
    levels = np.broadcast_to(np.arange(rankings.shape[1], dtype=np.int16), rankings.shape)
    return np.where(rankings >= 0, levels, np.int16(-1)).astype(np.int16)


def _pad(grid: _blt_fast.I16, depth: int) -> _blt_fast.I16:
    if grid.shape[1] == depth:
        return grid
    out = np.full((grid.shape[0], depth), -1, dtype=np.int16)
    out[:, : grid.shape[1]] = grid
    return out


def _empty(depth: int) -> _blt_fast.I16:
    return np.zeros((0, depth), dtype=np.int16)


# ---------------------------------------------------------------------------------- writing


def write_blt(profile: Profile, *, seats: int | None = None) -> bytes:
    """The profile as a BLT file (UTF-8, names and title quoted).

    ``seats`` overrides ``profile.seats``; BLT needs a number of seats, so 1 is written when
    neither gives one. Withdrawn candidates are written on the withdrawn line and their
    preferences kept, so that reading the file back gives the same effective profile.
    Raises :class:`InvalidCommand` for a name BLT cannot hold (empty, a line break, a name
    written twice) rather than writing a file that reads back differently.
    """
    n = profile.n_candidates
    count_seats = seats if seats is not None else profile.seats
    out = [f"{n} {count_seats if count_seats is not None else 1}"]
    if profile.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(profile.withdrawn)))
    rankings = profile.rankings.tolist()
    weights = profile.weights.tolist()
    levels = profile.levels.tolist() if profile.levels is not None else None
    for i, (row, weight) in enumerate(zip(rankings, weights, strict=True)):
        if not 1 <= weight <= MAX_WEIGHT:
            raise InvalidCommand(
                "format.blt.bad_weight",
                f"ballot {i}: BLT weights are whole numbers from 1 to {MAX_WEIGHT}, not {weight}",
                {"ballot": i},
            )
        if levels is None:
            prefs = " ".join(str(c + 1) for c in row if c >= 0)
        else:
            groups: list[list[str]] = []
            last = None
            for c, lv in zip(row, levels[i], strict=True):
                if c < 0:
                    continue
                if groups and lv == last:
                    groups[-1].append(str(c + 1))
                else:
                    groups.append([str(c + 1)])
                last = lv
            prefs = " ".join("=".join(g) for g in groups)
        out.append(f"{weight} {prefs} 0" if prefs else f"{weight} 0")
    out.append("0")
    seen: set[str] = set()
    for cand in profile.candidates:
        if cand in seen:
            raise InvalidCommand(
                "format.blt.duplicate_name",
                f"two candidates are named {cand!r}; BLT names must differ",
            )
        seen.add(cand)
        out.append(_quote(cand, "candidate name"))
    if profile.title is not None:
        out.append(_quote(profile.title, "title"))
    try:
        return ("\n".join(out) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidCommand(
            "format.blt.bad_name", "a candidate name or the title is not valid Unicode text"
        ) from None


def _quote(text: str, what: str) -> str:
    """``"text"``, or the bare text if it holds a quote; refuse what cannot be read back."""
    if "\n" in text or "\r" in text:
        raise InvalidCommand("format.blt.bad_name", f"{what} {text!r} holds a line break")
    if what == "candidate name" and not text.strip():
        raise InvalidCommand("format.blt.bad_name", "a candidate name is empty")
    if '"' not in text:
        return f'"{text}"'
    if text.encode("utf-8", "surrogatepass").strip() != text.encode(
        "utf-8", "surrogatepass"
    ) or text.startswith('"'):
        raise InvalidCommand(
            "format.blt.bad_name", f"{what} {text!r} cannot be written in BLT (quotes)"
        )
    return text
