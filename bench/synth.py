"""A seeded synthetic election for the benchmark, written as BLT.

12 candidates in four parties, 3 seats. Each voter belongs to a party bloc (blocs of unequal
size), and ranks the candidates by a Plackett–Luce draw: candidate strengths are Zipf-like,
multiplied for the voter's own party, so support is skewed but the rankings are many and
varied. Ballot lengths run from 1 to 12 (many short ballots, a bump of full ones). One line per
ballot, weight 1, as a real count file is written: ≈ 15 bytes a ballot, ≈ 150 MB at 10M.

Randomness lives here, in the benchmark, never in the library: a numpy ``Generator`` with a
fixed seed, drawn in fixed-size chunks so a file depends on (size, seed) only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "CANDIDATES",
    "SEATS",
    "blt_path",
    "describe",
    "generate_rankings",
    "write_blt",
]

SEATS = 3
PARTIES = ("Red", "Green", "Blue", "Gold")
#: (party index, candidate name) in ballot-paper order.
_SLATE = (
    (0, "Anna Red"),
    (1, "Boris Green"),
    (2, "Clara Blue"),
    (0, "Dmitri Red"),
    (3, "Elena Gold"),
    (1, "Fyodor Green"),
    (0, "Galina Red"),
    (2, "Ivan Blue"),
    (3, "Katya Gold"),
    (0, "Lev Red"),
    (1, "Maria Green"),
    (2, "Nikolai Blue"),
)
CANDIDATES = tuple(name for _, name in _SLATE)
_PARTY = np.array([p for p, _ in _SLATE], dtype=np.int64)
#: Share of voters in each party's bloc.
_BLOC_SHARE = np.array([0.36, 0.27, 0.22, 0.15])
#: How much a bloc favours its own party's candidates.
_BLOC_BOOST = 6.0
#: Zipf-like base strength of each candidate, in ballot-paper order (popularity varies within
#: a party, so transfers inside a party decide seats).
_BASE = 1.0 / np.arange(1, 13, dtype=np.float64) ** 0.7
#: Relative frequency of ballot lengths 1..12.
_LENGTHS = np.array([14, 15, 14, 12, 10, 8, 6, 5, 4, 3, 2, 7], dtype=np.float64)
_CHUNK = 1 << 20


def generate_rankings(n: int, seed: int) -> list[npt.NDArray[np.int16]]:
    """``n`` ballots as chunks of an int16 (ballots, 12) array of 0-based candidate indices,
    padded with ``-1`` after each ballot's last preference."""
    rng = np.random.default_rng(seed)
    log_strength = np.log(_BASE)[None, :] + np.where(
        _PARTY[None, :] == np.arange(len(PARTIES))[:, None], np.log(_BLOC_BOOST), 0.0
    )  # (parties, candidates)
    lengths_p = _LENGTHS / _LENGTHS.sum()
    chunks: list[npt.NDArray[np.int16]] = []
    done = 0
    while done < n:
        m = min(_CHUNK, n - done)
        bloc = rng.choice(len(PARTIES), size=m, p=_BLOC_SHARE)
        # Plackett–Luce by the Gumbel trick: sorting strength + Gumbel noise, highest first,
        # is a PL draw of the whole order.
        keys = log_strength[bloc] + rng.gumbel(size=(m, len(CANDIDATES)))
        order = np.argsort(-keys, axis=1).astype(np.int16)
        length = rng.choice(np.arange(1, 13), size=m, p=lengths_p)
        order[np.arange(12)[None, :] >= length[:, None]] = -1
        chunks.append(order)
        done += m
    return chunks


def _blt_lines(rankings: npt.NDArray[np.int16]) -> bytes:
    """BLT ballot lines (``1 3 7 2 0``) for a chunk: each distinct ranking formatted once."""
    uniq, inverse = np.unique(rankings, axis=0, return_inverse=True)
    text = np.array(
        [
            ("1 " + " ".join(str(int(c) + 1) for c in row if c >= 0) + " 0\n").encode()
            for row in uniq
        ],
        dtype=object,
    )
    return b"".join(text[inverse.ravel()])


def blt_path(out_dir: Path, n: int, seed: int) -> Path:
    return out_dir / f"synth-{n}-seed{seed}.blt"


def _keys(rankings: npt.NDArray[np.int16]) -> npt.NDArray[np.int64]:
    """One exact int64 per ranking (base 13: 13**12 < 2**63)."""
    keys = np.zeros(len(rankings), dtype=np.int64)
    for j in range(rankings.shape[1]):
        keys = keys * 13 + (rankings[:, j].astype(np.int64) + 1)
    return keys


def describe(path: Path) -> dict[str, int]:
    """What :func:`write_blt` recorded beside the file: ballots, distinct rankings, bytes."""
    meta: dict[str, int] = json.loads(path.with_suffix(".json").read_text())
    return meta


def write_blt(out_dir: Path, n: int, seed: int) -> Path:
    """The BLT file of ``n`` ballots for ``seed``, written once and then reused."""
    path = blt_path(out_dir, n, seed)
    if path.exists() and path.with_suffix(".json").exists():
        return path
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    keys = []
    with tmp.open("wb") as f:
        f.write(f"{len(CANDIDATES)} {SEATS}\n".encode())
        for chunk in generate_rankings(n, seed):
            f.write(_blt_lines(chunk))
            keys.append(np.unique(_keys(chunk)))
        f.write(b"0\n")
        for name in CANDIDATES:
            f.write(f'"{name}"\n'.encode())
        f.write(f'"Synthetic election, {n} ballots, seed {seed}"\n'.encode())
    tmp.replace(path)
    distinct = len(np.unique(np.concatenate(keys))) if keys else 0
    meta = {"ballots": n, "distinct": distinct, "bytes": path.stat().st_size}
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path
