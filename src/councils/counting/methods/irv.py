"""Instant-runoff voting (the alternative vote), and preferential block voting for several seats.

Rule (one seat): each ballot counts for its highest-ranked continuing candidate. A candidate
with more than half of the votes of continuing ballots (ballots that still name a continuing
candidate; exhausted ballots do not count towards the majority) is elected. Otherwise the
candidate with the fewest votes is excluded and the count repeats. When one candidate is left,
that candidate is elected.

Ties for exclusion are broken by the earlier rounds of the count: going back one round at a
time, the tied candidate who had fewer votes at the most recent round where the tied candidates
differed is excluded (the "backwards" rule of most STV and AV rule books, e.g. the Scottish
rules, SSI 2007/42, Sch. 1 r. 50(2)); if they never differed, by lot
(:mod:`councils.counting.lots`), and the round's notes say so.

Several seats: each seat is filled by a fresh instant-runoff count in which the candidates
already elected are struck from every ballot (preferential block voting, as used for the
Australian Senate from 1919 to 1946). This is majoritarian, not proportional: for proportional
results use an STV method.

Source: the textbook rule of the alternative vote; see e.g. the UK Electoral Reform Society's
description, and the Australian House of Representatives count (Commonwealth Electoral Act
1918, s. 274), which this follows for one seat.

Known deviations: candidates are excluded one at a time (no "bulk exclusion" of several
candidates who together cannot overtake the next, which some rule books allow); it never
changes who is elected, only the number of rounds. Ballots that rank candidates equal are refused.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from councils.counting.kernels import first_continuing, tally
from councils.counting.lots import lot_order
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round
from councils.counting.tally import narrow_by_earlier

__all__ = ["METHOD", "count_irv"]

_NAME = "irv"


def count_irv(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Elect ``seats`` candidates by instant runoff, one seat at a time."""
    profile.require_strict(_NAME)
    p = profile.effective()
    n = p.n_candidates
    names = p.candidates
    active = [c for c in range(n) if c not in p.withdrawn]
    total = p.total
    elected: list[int] = []
    rounds: list[Round] = []

    for seat in range(min(seats, len(active))):
        continuing = np.zeros(n, dtype=np.bool_)
        continuing[[c for c in active if c not in elected]] = True
        history: list[list[int]] = []
        prev_exhausted = 0
        while True:
            choice = first_continuing(p.rankings, continuing)
            votes = [int(v) for v in tally(choice, p.weights, n)]
            live = sum(votes)
            exhausted = total - live
            history.append(votes)
            cont = [c for c in active if continuing[c]]
            number = len(rounds) + 1
            totals = tuple(
                None if c not in active or c in elected else Decimal(votes[c]) for c in range(n)
            )
            transfers: tuple[Decimal | None, ...] = ()
            if len(history) > 1:
                before = history[-2]
                transfers = tuple(
                    None if t is None else Decimal(votes[c] - before[c])
                    for c, t in enumerate(totals)
                )
            lost = Decimal(exhausted - prev_exhausted)
            prev_exhausted = exhausted
            leader = max(cont, key=lambda c: votes[c])
            if 2 * votes[leader] > live or len(cont) == 1:
                why = (
                    f"{names[leader]} has {votes[leader]} of {live} continuing votes, a majority"
                    if 2 * votes[leader] > live
                    else f"{names[leader]} is the only continuing candidate"
                )
                rounds.append(
                    Round(
                        number=number,
                        action=f"seat {seat + 1}: {names[leader]} elected",
                        totals=totals,
                        transfers=transfers,
                        non_transferable=lost,
                        elected=(leader,),
                        notes=(why,),
                    )
                )
                elected.append(leader)
                break
            loser, notes = _lowest(cont, history, seed, names, f"round {number}: exclusion")
            continuing[loser] = False
            rounds.append(
                Round(
                    number=number,
                    action=f"seat {seat + 1}: {names[loser]} excluded",
                    totals=totals,
                    transfers=transfers,
                    non_transferable=lost,
                    excluded=(loser,),
                    notes=(f"no majority of {live} continuing votes", *notes),
                )
            )

    return Count(
        method=_NAME,
        seats=seats,
        candidates=names,
        elected=tuple(elected),
        rounds=tuple(rounds),
        seed=seed,
    )


def _lowest(
    cont: list[int], history: list[list[int]], seed: int, names: tuple[str, ...], context: str
) -> tuple[int, tuple[str, ...]]:
    """The continuing candidate to exclude: fewest votes now; ties by earlier rounds, then lot."""
    now = history[-1]
    low = min(now[c] for c in cont)
    tied = [c for c in cont if now[c] == low]
    if len(tied) == 1:
        return tied[0], ()
    label = ", ".join(names[c] for c in tied)
    tied, back = narrow_by_earlier(tied, history[:-1], min)
    if back is not None:
        return tied[0], (
            f"tie at {low} votes between {label}: broken by round {back + 1}, where "
            f"{names[tied[0]]} had fewest",
        )
    drawn = lot_order(seed, context, tied, names)[0]
    return drawn, (
        f"tie at {low} votes between {label}, equal in every earlier round: "
        f"{names[drawn]} excluded by lot (seed {seed})",
    )


METHOD = Method(
    name=_NAME,
    count=count_irv,
    summary="Instant runoff (alternative vote); several seats: preferential block voting.",
    source="Textbook alternative vote; cf. Commonwealth Electoral Act 1918 (Australia), s. 274.",
)
