"""The peers the benchmark times against, each driven through its own public API.

None of them reads BLT, so each gets the same plain conversion, counted in its end-to-end time:
:func:`read_blt` parses the file line by line into ``{ranking: count}`` (identical ballots
merged, which every peer's own profile either does too or benefits from), then the peer's
``build`` turns that into its own profile for the method to be run. ``count`` runs one method
on a built profile and returns the elected names.

Methods, by the benchmark's key:

``stv``      3 seats. pyrankvote ``single_transferable_vote``; pref_voting ``stv_scottish``
             (SSI 2007/42); votekit ``FastSTV`` (fractional transfers, Droop quota).
``meek``     3 seats. pref_voting ``stv_meek``.
``irv``      1 seat. pyrankvote ``instant_runoff_voting``; pref_voting ``instant_runoff``;
             votekit ``IRV``.
``schulze``  the winner. pref_voting ``beat_path`` (Schulze) with extended strict preference,
             so a candidate left off a ballot ranks below those on it, as in our Schulze;
             votekit ``Schulze``.

python-vote-core (2012) has STV, IRV and Schulze but is Python 2 only: see :data:`UNAVAILABLE`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["PEERS", "UNAVAILABLE", "Peer", "probe_unavailable", "read_blt"]

Ballots = Counter[tuple[int, ...]]


def read_blt(path: Path) -> tuple[list[str], int, Ballots]:
    """A plain BLT reader for the peers: candidate names, seats, and ballot counts by ranking
    (0-based candidate indices). Handles what the synthetic files use: weights, no equal
    rankings, no withdrawn line."""
    counts: Ballots = Counter()
    with path.open("rb") as f:
        n_cands, seats = (int(x) for x in f.readline().split())
        for line in f:
            fields = line.split()
            if fields[0] == b"0":
                break
            counts[tuple(int(x) - 1 for x in fields[1:-1])] += int(fields[0])
        names = [f.readline().strip().strip(b'"').decode() for _ in range(n_cands)]
    return names, seats, counts


@dataclass(frozen=True)
class Peer:
    name: str
    dist: str
    module: str
    methods: tuple[str, ...]
    build: Callable[[list[str], Ballots, str], Any]
    count: Callable[[Any, list[str], str, int], list[str]]

    def version(self) -> str:
        return metadata.version(self.dist)


# ---------------------------------------------------------------- pyrankvote


def _pyrankvote_build(names: list[str], counts: Ballots, method: str) -> Any:
    from pyrankvote import Ballot, Candidate

    cands = [Candidate(n) for n in names]
    ballots: list[Any] = []
    for ranking, n in counts.items():
        # One Ballot object per distinct ranking, listed once per voter (pyrankvote has no
        # weights); sharing the object only saves the peer memory and time.
        ballots.extend([Ballot([cands[i] for i in ranking])] * n)
    return cands, ballots


def _pyrankvote_count(profile: Any, names: list[str], method: str, seats: int) -> list[str]:
    import pyrankvote

    cands, ballots = profile
    if method == "stv":
        result = pyrankvote.single_transferable_vote(cands, ballots, number_of_seats=seats)
    elif method == "irv":
        result = pyrankvote.instant_runoff_voting(cands, ballots)
    else:
        raise ValueError(method)
    return [c.name for c in result.get_winners()]


# ---------------------------------------------------------------- pref_voting


def _pref_voting_build(names: list[str], counts: Ballots, method: str) -> Any:
    from pref_voting.profiles_with_ties import ProfileWithTies

    rankings = [{c: r + 1 for r, c in enumerate(ranking)} for ranking in counts]
    profile = ProfileWithTies(
        rankings, rcounts=list(counts.values()), candidates=list(range(len(names)))
    )
    if method == "schulze":
        # Extended strict preference: a ranked candidate beats an unranked one, as our Schulze
        # reads a ballot. The profile then holds the pairwise supports (pref_voting computes
        # them when it builds a profile), so beat_path itself only walks a 12 × 12 matrix.
        profile.use_extended_strict_preference()
    return profile


def _pref_voting_count(profile: Any, names: list[str], method: str, seats: int) -> list[str]:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.proportional_methods import stv_meek, stv_scottish

    if method == "stv":
        winners = stv_scottish(profile, num_seats=seats)
    elif method == "meek":
        winners = stv_meek(profile, num_seats=seats)
    elif method == "irv":
        winners = instant_runoff(profile)
    elif method == "schulze":
        winners = beat_path(profile)
    else:
        raise ValueError(method)
    return [names[c] for c in winners]


# ---------------------------------------------------------------- votekit


def _votekit_build(names: list[str], counts: Ballots, method: str) -> Any:
    from votekit.ballot import RankBallot
    from votekit.pref_profile import RankProfile

    sets = [frozenset({n}) for n in names]
    ballots = [
        RankBallot(ranking=tuple(sets[i] for i in ranking), weight=n)
        for ranking, n in counts.items()
    ]
    return RankProfile(ballots=ballots, candidates=names, max_ranking_length=len(names))


def _votekit_count(profile: Any, names: list[str], method: str, seats: int) -> list[str]:
    from votekit.elections import IRV, FastSTV, Schulze

    if method == "stv":
        election: Any = FastSTV(profile, n_seats=seats)
    elif method == "irv":
        election = IRV(profile)
    elif method == "schulze":
        election = Schulze(profile, n_seats=1)
    else:
        raise ValueError(method)
    return [c for s in election.get_elected() for c in sorted(s)]


PEERS: dict[str, Peer] = {
    p.name: p
    for p in (
        Peer(
            "pyrankvote",
            "pyrankvote",
            "pyrankvote",
            ("stv", "irv"),
            _pyrankvote_build,
            _pyrankvote_count,
        ),
        Peer(
            "pref_voting",
            "pref_voting",
            "pref_voting",
            ("stv", "meek", "irv", "schulze"),
            _pref_voting_build,
            _pref_voting_count,
        ),
        Peer(
            "votekit",
            "votekit",
            "votekit",
            ("stv", "irv", "schulze"),
            _votekit_build,
            _votekit_count,
        ),
    )
}

#: Peers named in the issue that cannot run here, and why (checked when the bench runs).
UNAVAILABLE: dict[str, str] = {
    "python-vote-core": (
        "python-vote-core 20120423.0 (the last release, 2012) installs on Python 3.11 but "
        "cannot be imported: it is Python 2 code (implicit relative imports such as "
        "`from abstract_classes import ...` in pyvotecore/stv.py, `print` statements in "
        "condorcet.py:46 and schulze_helper.py:117, dict.iteritems); no Python 3 release or "
        "fork is on PyPI"
    ),
}


def probe_unavailable() -> dict[str, str]:
    """:data:`UNAVAILABLE`, each reason followed by what importing the peer does here now."""
    import subprocess
    import sys

    out = {}
    for dist, why in UNAVAILABLE.items():
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = f"{why} (not installed here)"
            continue
        probe = "import pyvotecore.stv, pyvotecore.irv, pyvotecore.schulze_method"
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        last = (proc.stderr.strip().splitlines() or ["imports cleanly"])[-1]
        out[dist] = f"{why} (installed here: {version}; importing it: {last})"
    return out
