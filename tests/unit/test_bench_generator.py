"""The benchmark's synthetic election (bench/synth.py) and the peers' BLT conversion
(bench/peers.py): the same seed gives the same file, the file is BLT that our reader reads with
every ballot, and the peers get exactly the ballots we count."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    """A bench/ module by file (bench/ is not a package), under a name no other module has."""
    key = f"_councils_bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


synth = _load("synth")
peers = _load("peers")

N = 3_000


def test_same_seed_same_ballots_other_seed_others() -> None:
    a = np.concatenate(synth.generate_rankings(N, 7))
    b = np.concatenate(synth.generate_rankings(N, 7))
    c = np.concatenate(synth.generate_rankings(N, 8))
    assert a.shape == (N, 12)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_ballots_are_strict_rankings_of_every_length() -> None:
    r = np.concatenate(synth.generate_rankings(N, 7))
    lengths = (r >= 0).sum(axis=1)
    assert set(lengths.tolist()) == set(range(1, 13))
    for row, n in zip(r, lengths, strict=True):
        assert (row[n:] == -1).all()
        assert len(set(row[:n].tolist())) == n
    # Skewed support, yet many different rankings.
    firsts = np.bincount(r[:, 0], minlength=12)
    assert firsts.max() > 2 * firsts.min()
    assert len(np.unique(r, axis=0)) > N // 2


def test_blt_file_is_cached_and_read_back_whole(tmp_path: Path) -> None:
    from councils.counting.formats import parse_blt

    path = synth.write_blt(tmp_path, N, 7)
    first = path.read_bytes()
    assert synth.write_blt(tmp_path, N, 7) == path
    assert path.read_bytes() == first
    assert synth.describe(path)["ballots"] == N

    profile = parse_blt(first, path.name)
    assert profile.total == N
    assert profile.candidates == synth.CANDIDATES
    assert profile.seats == synth.SEATS
    assert len(profile.rankings) == synth.describe(path)["distinct"]

    # The peers' plain reader sees exactly the ballots our reader counts.
    names, seats, counts = peers.read_blt(path)
    assert (names, seats) == (list(synth.CANDIDATES), synth.SEATS)
    ours = Counter(
        {
            tuple(int(c) for c in row if c >= 0): int(w)
            for row, w in zip(profile.rankings, profile.weights, strict=True)
        }
    )
    assert counts == ours
    generated = Counter(
        tuple(int(c) for c in row if c >= 0)
        for row in np.concatenate(synth.generate_rankings(N, 7))
    )
    assert counts == generated
