"""The vectorised pass over a BLT ballot section: numpy over the raw bytes, no Python object per
ballot.

Why: the benchmark reads files of ten million ballots, and a Python loop over lines costs about
a microsecond a token. Here every step is one numpy operation over a chunk of bytes or tokens:

1. count digits, blanks and newlines: any other byte sends the chunk to the exact reader;
2. a token starts where a digit follows a non-digit;
3. token values by Horner's rule, one pass per digit position (most tokens have one or two);
4. the zeros cut the token stream into ballots ``WEIGHT PREF... 0``; every 0 must end its line
   and no other line break may occur, every preference must be in 1..C, no candidate twice
   (the popcount of a sum of bits per ballot when C ≤ 64, sorting each row otherwise);
5. each ballot becomes one exact int64 key (mixed radix, C ≤ 15) or a row of an int16 grid.

This pass decides nothing about errors. It only says "this chunk is plain and valid" or
``None``; on ``None`` the caller parses the chunk with the exact line-by-line reader
(:mod:`councils.counting.formats.blt`), which either reads the unusual syntax (ballot ids,
``2=3``, comments) or raises the precise error for the first bad line. The invariant, checked
by a property test: whenever this pass accepts a chunk, the exact reader gives the same ballots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "KEYED_MAX_CANDIDATES",
    "FastChunk",
    "decode_keys",
    "key_powers",
    "raise_malloc_threshold",
    "scan",
]

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
I16 = npt.NDArray[np.int16]
U64 = npt.NDArray[np.uint64]

#: With at most 15 candidates a whole ballot fits one int64 key: 15 digits of 4 bits.
KEYED_MAX_CANDIDATES = 15

#: Longest token the pass reads (a weight of up to fifteen digits); longer goes the exact way.
_MAX_DIGITS = 15

#: Widest run of separators after a ballot the pass reads (blank lines, trailing blanks).
_MAX_GAP = 16

# Bytes of a popcount table, for numpy versions without ``np.bitwise_count``.
_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)

# 2**(p-1) for candidate p = 1..64 (index 0, weights and terminators, is 0).
_BITS = np.array([0] + [1 << k for k in range(64)], dtype=np.uint64)


@dataclass(frozen=True)
class FastChunk:
    """What the pass read from one chunk: ``keys`` (keyed mode) or ``grid`` (rows × depth,
    0-based candidates, -1 padded), one entry per ballot line; ``weights`` is ``None`` when
    every weight is 1."""

    keys: I64 | None
    grid: I16 | None
    weights: I64 | None
    rows: int
    depth: int
    weight_sum: float


_NOTHING = FastChunk(None, None, None, 0, 0, 0.0)


def raise_malloc_threshold() -> None:
    """Free one never-touched 8 MiB array, so that glibc's malloc keeps the chunks' temporaries.

    Why: each chunk allocates some megabytes of temporaries, in arrays above glibc's initial
    mmap threshold (128 KiB); each is then mapped afresh and faulted in page by page — measured,
    a million page faults and 1.5 s of system time for ten million ballots in a fresh process,
    twice the rest of the work. Freeing an mmapped block raises the threshold to its size (the
    documented dynamic threshold of glibc, up to 32 MiB), after which the temporaries come
    from, and return to, the heap. Elsewhere (macOS, musl) this is a harmless malloc and free.
    """
    block = np.empty(1 << 23, dtype=np.uint8)
    del block


def _digit_bits(n_candidates: int) -> int:
    return max(1, n_candidates.bit_length())  # bits for a digit 0..C (0: no preference)


def key_powers(n_candidates: int) -> I64:
    """The weight of each preference position ``j`` in a ballot's key: ``2**(b*(C-1-j))`` with
    ``b`` bits a digit. The key is ``sum((c_j + 1) * powers[j])``: keys sort like the rankings, 0
    is the blank ballot, and powers of two make decoding shifts and masks rather than int64
    divisions (five times slower). C ≤ 15 needs at most 60 bits."""
    bits = _digit_bits(n_candidates)
    return np.array(
        [1 << (bits * (n_candidates - 1 - j)) for j in range(n_candidates)], dtype=np.int64
    )


def decode_keys(keys: I64, n_candidates: int, depth: int) -> I16:
    """The rankings (0-based, -1 padded) that :func:`key_powers` encoded, ``depth`` columns."""
    bits = _digit_bits(n_candidates)
    mask = (1 << bits) - 1
    grid = np.empty((len(keys), depth), dtype=np.int16)
    for j in range(depth):
        grid[:, j] = ((keys >> (bits * (n_candidates - 1 - j))) & mask) - 1
    return grid


def _popcount(x: U64) -> I64:
    if hasattr(np, "bitwise_count"):
        counted: I64 = np.bitwise_count(x).astype(np.int64)
        return counted
    as_bytes = _POP8[x.view(np.uint8)].reshape(len(x), 8)
    summed: I64 = as_bytes.sum(axis=1, dtype=np.int64)
    return summed


def scan(a: U8, n_candidates: int, keyed: bool) -> FastChunk | None:
    """Read a run of ballot lines (``a`` starts at a line start). ``None``: not plain, or not
    only valid ballot lines — the line ``0`` that ends the ballots, the names, a mistake — and
    the caller then looks for the end of the ballots or uses the exact reader.

    The structure is found from the values, not from the lines: in a valid ballot section the
    only tokens equal to 0 are the terminators, so the zeros cut the token stream into ballots
    (weight, preferences, 0). The lines are then checked against that cut: a line break after
    every 0 and nowhere else, so that every line holds exactly one ballot, as BLT requires.
    """
    c = n_candidates
    n = int(a.size)
    if n == 0:
        return _NOTHING
    if a[n - 1] != 10:
        return None  # a last line without its newline: the end of the file, for the exact reader
    digit = (a - np.uint8(48)) < 10
    n_digit = int(np.count_nonzero(digit))
    n_newline = int(np.count_nonzero(a == 10))
    n_sep = n_newline + int(np.count_nonzero(a == 32))
    if n_digit + n_sep != n:
        n_sep += int(np.count_nonzero(a == 13)) + int(np.count_nonzero(a == 9))
        if n_digit + n_sep != n:
            return None  # letters, signs, "=", "(", "#": the exact reader's business
    if n_digit == 0:
        return _NOTHING  # blank lines only

    begins = np.empty(n, dtype=bool)
    begins[0] = digit[0]
    np.logical_and(digit[1:], ~digit[:-1], out=begins[1:])
    starts = np.flatnonzero(begins)
    del begins

    # Token values by Horner's rule: a token goes on while the next byte is a digit (the run
    # ends with a newline, so the next byte always exists).
    val = a[starts].astype(np.int64) - 48
    longer = np.flatnonzero(digit[starts + 1])
    j = 1
    while longer.size:
        if j >= _MAX_DIGITS:
            return None
        at = starts[longer] + j
        val[longer] = val[longer] * 10 + (a[at].astype(np.int64) - 48)
        longer = longer[digit[at + 1]]
        j += 1

    zeros = np.flatnonzero(val == 0)
    rows = int(zeros.size)
    ntok = int(starts.size)
    if rows == 0 or zeros[-1] != ntok - 1:
        return None  # tokens after the last 0: a ballot without its terminator
    weight_at = np.empty(rows, dtype=np.int64)
    weight_at[0] = 0
    weight_at[1:] = zeros[:-1] + 1
    if np.any(weight_at >= zeros):
        return None  # a 0 right after a 0: "1 2 0 0", a stray line "0", a weight of 0
    ends = starts[zeros] + 1
    if np.any(digit[ends]):
        return None  # "00" and the like
    following = np.empty(rows, dtype=np.int64)
    following[:-1] = starts[zeros[:-1] + 1]
    following[-1] = n
    leading = int(np.count_nonzero(a[: int(starts[0])] == 10))
    if not _one_ballot_a_line(a, ends, following, n_newline - leading):
        return None

    # Position of each token in its ballot (weight 0, preferences 1.., terminator last), by a
    # cumulative sum that restarts at every weight.
    span = zeros - weight_at + 1
    step = np.ones(ntok, dtype=np.int32)
    step[weight_at[1:]] = 1 - span[:-1]
    step[0] = 0
    pos = np.cumsum(step)
    del step
    weights = val[weight_at]
    n_pref = span - 2
    depth = int(n_pref.max())
    if depth > c:
        return None
    prefs = val.copy()  # the preferences in place; weights and terminators read as 0
    prefs[weight_at] = 0
    if int(prefs.max()) > c:
        return None
    unit = bool(np.all(weights == 1))
    weight_sum = float(rows) if unit else float(weights.sum(dtype=np.float64))
    out_weights = None if unit else weights
    if c <= 64:
        # A candidate twice: the bits 2**(p-1) of a ballot, summed, have fewer ones than the
        # ballot has preferences (a carry); without one, exactly as many. Wrapping past 2**64
        # only loses more ones.
        bit_sum = _per_ballot(_BITS[prefs], zeros)
        if np.any(_popcount(bit_sum) != n_pref):
            return None
    if keyed:
        keys = _per_ballot(prefs * _padded_powers(c)[pos], zeros).view(np.int64)
        return FastChunk(keys, None, out_weights, rows, depth, weight_sum)
    ballot = np.zeros(ntok, dtype=np.int64)
    ballot[weight_at[1:]] = 1
    ballot = np.cumsum(ballot)
    is_pref = prefs > 0
    grid = np.full((rows, depth), -1, dtype=np.int16)
    grid[ballot[is_pref], pos[is_pref] - 1] = (prefs[is_pref] - 1).astype(np.int16)
    if c > 64 and depth > 1:
        ordered = np.sort(grid, axis=1)
        if np.any((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)):
            return None
    return FastChunk(None, grid, out_weights, rows, depth, weight_sum)


def _per_ballot(values: npt.NDArray[np.int64] | npt.NDArray[np.uint64], ends: I64) -> U64:
    """Sum of ``values`` over each ballot (ballot ``i`` ends at token ``ends[i]``), modulo
    2**64: differences of one cumulative sum, cheaper than ``np.add.reduceat``. Exact for keys,
    which are below 2**63."""
    total = np.cumsum(values.view(np.uint64))[ends]
    total[1:] -= total[:-1].copy()
    return total


def _padded_powers(n_candidates: int) -> I64:
    """:func:`key_powers` indexed by position in the ballot: 0 for the weight, then one power
    per preference; the terminator's entry is never used (its value is 0)."""
    out = np.zeros(n_candidates + 2, dtype=np.int64)
    out[1 : n_candidates + 1] = key_powers(n_candidates)
    return out


def _one_ballot_a_line(a: U8, ends: I64, following: I64, newlines: int) -> bool:
    """Whether the gap after every terminating 0 (``ends[i]`` up to ``following[i]``) holds a
    line break, and those gaps hold all ``newlines`` of the run. Usually each gap is the one
    byte ``\\n``; longer gaps (CRLF, trailing blanks, blank lines) are read a byte at a time."""
    gap = following - ends
    widest = int(gap.max())
    if widest > _MAX_GAP:
        return False
    if widest == 1:
        return bool(np.all(a[ends] == 10)) and newlines == len(ends)
    found = np.zeros(len(ends), dtype=np.int64)
    for k in range(widest):
        inside = np.flatnonzero(gap > k)
        found[inside] += a[ends[inside] + k] == 10
    return bool(np.all(found > 0)) and int(found.sum()) == newlines
