"""What every ballot reader shares: the progress hook, the limits, messages, and building a
:class:`Profile` from counted rankings.

Readers never let a Python exception other than :class:`ParseError` escape for bad input: every
check below raises a ParseError that names the file and the line, so the CLI can print one line
and exit 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from councils.counting.profile import Profile
from councils.domain.errors import ParseError

__all__ = [
    "MAX_CANDIDATES",
    "MAX_TOTAL",
    "MAX_WEIGHT",
    "ProgressCallback",
    "Ranking",
    "decode_text",
    "line_at",
    "profile_from_counts",
    "refuse_binary",
    "rows_from_counts",
    "show",
]

#: ``on_progress(done_bytes, total_bytes)``: called as a reader works through its input, so the
#: CLI can draw a progress bar for a large file. Readers call it with ``done == total`` last.
ProgressCallback = Callable[[int, int], None]

#: A ballot as the readers collect it: groups of candidate indices, best first; a group of
#: several candidates is an equal ranking.
Ranking = tuple[tuple[int, ...], ...]

#: Rankings are int16 arrays (see :mod:`councils.counting.profile`): indices 0..32766.
MAX_CANDIDATES = 32767

#: The largest weight (or count) one line may carry: fifteen digits. Sums of such weights stay
#: exact in int64 for any file that fits in memory, and the vectorised BLT reader can read every
#: weight with a fixed number of passes.
MAX_WEIGHT = 10**15 - 1

#: The most ballots one file may hold (the sum of its weights): sums stay exact in int64.
MAX_TOTAL = 2**62

_SHOW_LIMIT = 40


def show(raw: bytes | str, limit: int = _SHOW_LIMIT) -> str:
    """A piece of the input, quoted, for an error message: decoded leniently, control
    characters replaced, cut to ``limit`` characters, so a message stays one readable line."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    text = "".join(ch if ch.isprintable() else "?" for ch in text.strip())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def refuse_binary(data: bytes, name: str, what: str) -> None:
    """Refuse a file that holds NUL bytes: it is not text (a spreadsheet, an archive, a PDF), and
    saying so beats a confusing complaint about its first line."""
    if b"\x00" in data:
        raise ParseError(name, 0, f"file is binary, not a {what} text file", "parse.binary")


def line_at(data: bytes, offset: int) -> int:
    """The 1-based line number of byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1


def decode_text(raw: bytes, name: str, line: int) -> str:
    """Decode one line (or a whole small file) as UTF-8, or say which line is not UTF-8.

    Candidate names must come out exactly as written; guessing another encoding could turn
    "Ó Briain" into mojibake without anyone noticing, so we ask for UTF-8 instead.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        where = line + raw.count(b"\n", 0, err.start)
        raise ParseError(
            name, where, "text is not UTF-8; save the file as UTF-8", "parse.encoding"
        ) from None


def profile_from_counts(
    candidates: tuple[str, ...],
    counts: Mapping[Ranking, int],
    *,
    seats: int | None = None,
    title: str | None = None,
    withdrawn: Iterable[int] = (),
) -> Profile:
    """The effective profile of rankings already counted (ranking → number of ballots).

    Used by the readers whose input is small or already aggregated (PrefLib, CSV, the exact
    BLT path): one row per distinct ranking, levels only if some ballot ranks candidates equal.
    """
    rankings, levels, weights = rows_from_counts(counts)
    raw = Profile(
        candidates=candidates,
        rankings=rankings,
        weights=weights,
        levels=levels,
        seats=seats,
        withdrawn=frozenset(withdrawn),
        title=title,
    )
    return raw.effective()


def rows_from_counts(
    counts: Mapping[Ranking, int],
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16] | None, npt.NDArray[np.int64]]:
    """``(rankings, levels, weights)``: one row per distinct ranking, padded with -1; ``levels``
    is None unless some ranking puts candidates equal."""
    depth = max((sum(len(g) for g in r) for r in counts), default=0)
    rows = len(counts)
    rankings = np.full((rows, depth), -1, dtype=np.int16)
    levels = np.full((rows, depth), -1, dtype=np.int16)
    weights = np.empty(rows, dtype=np.int64)
    ties = False
    for r, (ranking, weight) in enumerate(counts.items()):
        j = 0
        for level, group in enumerate(ranking):
            ties = ties or len(group) > 1
            for c in group:
                rankings[r, j] = c
                levels[r, j] = level
                j += 1
        weights[r] = weight
    return rankings, (levels if ties else None), weights
