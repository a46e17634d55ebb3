"""Meek STV, as the New Zealand reference rules count it (9 decimal places, fixed point).

Source: Local Electoral Regulations 2001 (NZ, SR 2001/145), Schedule 1A "New Zealand method of
counting single transferable votes", Part 1 (clauses 3–23), which puts into law Meek's method as
published by I. D. Hill, B. A. Wichmann and D. R. Woodall, "Algorithm 123 — Single Transferable
Vote by Meek's method", The Computer Journal 30(3) (1987) 277–281.

Why Meek: every candidate has a *keep value*, the share of each vote reaching them that they
keep; the rest passes on to the next preference, *including* to candidates already elected. So
a surplus is shared in due proportion by every ballot that made it, a ballot is never stuck with
an elected candidate, and the quota falls as ballots exhaust. It needs a computer: the count
iterates until the keep values settle.

The rules, as implemented (every value is an integer number of 10⁻⁹ votes):

- **Quota** (cl. 5, 11): q = (v − vnt) ÷ (n + 1) + 0.000000001, truncated to 9 places; v = valid
  ballots, vnt = votes that have become non-transferable, n = seats. Recomputed every iteration.
- **Keep values** (cl. 7–9, 17): hopeful candidates keep 1, excluded candidates 0; a successful
  candidate's keep value becomes k = q × k ÷ votes, the product q × k rounded *up* to 9 places
  and the quotient rounded *up* to 9 places. A keep value never exceeds 1.
- **Distribution** (cl. 10): each ballot starts with value 1 at its first preference; each
  candidate on it keeps (value × k) rounded *up* to 9 places, and what is left passes to the
  next preference. What is left after the last preference is non-transferable.
- **Election** (cl. 6, 12): a hopeful candidate whose votes equal or exceed the quota is
  successful, at the first-preference count and after every iteration.
- **Exclusion** (cl. 13): the hopeful candidate with the fewest votes is excluded when the total
  surplus (sum over successful candidates of votes above the quota) is below 0.0001, or when
  their votes plus the total surplus are below the votes of every other hopeful candidate.
- **Ties for exclusion** (cl. 19, 40): the "ahead at first difference" rule: at the earliest
  iteration at which the tied candidates' votes differed, those who had the fewest; if that
  leaves more than one, by lot.
- **End** (cl. 3): when the successful candidates fill the seats, or when successful and hopeful
  candidates together are as many as the seats (the hopeful are then elected, most votes first).

Rounds: one per *stage*, as the NZ result sheets show: the first-preference count, then each
iteration at which a candidate was elected or excluded. Each round's totals are the votes at that
iteration (9 places), its quota the quota then, and its notes the iteration number, the total
surplus, every successful candidate's keep value, and the reason for each decision.
``Count.notes`` give the number of iterations.

Known deviations:

- Rounding in cl. 10: the regulation rounds both the candidate's share and the value passed on
  *up*, so a ballot can end up worth more than one vote in total. We round the share up and pass
  on exactly what is left (value − share). This is David Hill's published implementation, and
  matches the NZ STV Calculator where sheets show the difference (Dunedin 2004, Cargill ward:
  0.308948430 × 0.059775757 passed on as 0.018467626, not ...627); it also keeps every ballot
  worth exactly one vote, so no more candidates than seats can reach the quota.
- The NZ pseudo-random number generator (cl. 41–48) is replaced by our lot
  (:mod:`councils.counting.lots`), drawn from the count's seed.
- Fixed-point stall (cl. 23, whose timing the text leaves open): if an iteration repeats keep
  values already seen since the last election or exclusion, the count cannot progress at 9
  places, and the lowest hopeful candidate is excluded as if the surplus were below 0.0001.
- Cl. 13 is applied after the first-preference count too (the regulation's text first
  excludes after iteration 2, which repeats iteration 1 when nobody is elected); NZ result
  sheets show the Calculator doing the same (Dunedin 2025). It changes no result, only the
  iteration numbers.
- Candidates are excluded one at a time; the NZ Calculator is reported to exclude all
  zero-vote candidates at once, which changes no result, only the iteration numbers.
- Ballots that rank candidates equal are refused (Schedule 1A reads such a ballot only up to the
  tie; a profile should be cut there before counting).

Arithmetic: Python and numpy int64 integers only. Products (value × keep) are below 10¹⁸; totals
are below 10⁹ × ballots, so int64 is exact up to 9 × 10⁹ ballots; larger profiles are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from councils.counting.lots import lot_order
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round
from councils.domain.errors import InvalidCommand

__all__ = ["METHOD", "UNIT", "count_meek_stv"]

_NAME = "meek-stv"
#: One vote, in the 10⁻⁹ units of Schedule 1A (cl. 5, 10, 17: nine decimal places).
UNIT = 10**9
#: Cl. 13: a total surplus below 0.0001 is too small to transfer.
_TOLERANCE = 100_000
#: Beyond this many ballots, 10⁹ × ballots no longer fits in int64.
_MAX_BALLOTS = (2**63 - 1) // UNIT
#: A safety net: an iteration limit per stage (Meek converges geometrically, far sooner).
_MAX_ITERATIONS = 100_000

_HOPEFUL, _ELECTED, _EXCLUDED = 0, 1, 2

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int16]


def count_meek_stv(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Count ``profile`` for ``seats`` seats by Meek's method (NZ Schedule 1A)."""
    profile.require_strict(_NAME)
    p = profile.effective()
    if p.total > _MAX_BALLOTS:
        raise InvalidCommand(
            "count.too_many_ballots",
            f"meek-stv counts in 10⁻⁹ units with 64-bit integers: at most {_MAX_BALLOTS} "
            f"ballots, not {p.total}",
            {"ballots": p.total},
        )
    return _Meek(p, seats, seed).run()


class _Meek:
    """The state of one count: statuses, keep values, the history of totals."""

    def __init__(self, p: Profile, seats: int, seed: int) -> None:
        self.p = p
        self.seats = seats
        self.seed = seed
        self.names = p.candidates
        self.n = p.n_candidates
        self.valid = p.total
        self.status = np.full(self.n, _EXCLUDED, dtype=np.int8)
        self.active = [c for c in range(self.n) if c not in p.withdrawn]
        self.status[self.active] = _HOPEFUL
        self.keep = [UNIT if c in self.active else 0 for c in range(self.n)]
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.history: list[list[int]] = []
        self.rounds: list[Round] = []
        self.iteration = 0
        self.quota = 0
        self.vnt = 0
        self.shown_totals: list[int] | None = None
        self.shown_vnt = 0
        self.groups: SmallArray = np.zeros((0, 0), dtype=np.int16)
        self.group_weights: IntArray = np.zeros(0, dtype=np.int64)

    # ------------------------------------------------------------------ the count

    def run(self) -> Count:
        stage_seen: set[tuple[int, ...]] = set()
        stalled = False
        self.regroup()
        while True:
            if self.iteration:  # cl. 7, 17 (from the second iteration on)
                self.iteration_keep_values()
                key = tuple(self.keep[c] for c in self.elected)
                stalled = key in stage_seen or len(stage_seen) >= _MAX_ITERATIONS
                stage_seen.add(key)
            votes = self.distribute()
            self.quota = self.compute_quota()
            newly = self.elect_reaching_quota(votes)
            notes = [f"iteration {self.iteration}"]
            if self.iteration == 1:
                notes[0] += f": first preferences of {self.valid} valid ballots (cl. 6)"
            notes += self.election_notes(newly, votes)
            excluded = () if self.done() else self.maybe_exclude(votes, stalled, notes)
            filled = self.fill(votes, notes)
            if self.iteration == 1 or newly or excluded or filled:
                parts = ["first preferences"] if self.iteration == 1 else []
                if newly:
                    parts.append(", ".join(self.names[c] for c in newly) + " elected")
                parts += [f"{self.names[c]} excluded" for c in excluded]
                if filled:
                    names = ", ".join(self.names[c] for c in filled)
                    parts.append(f"{names} elected (remaining seats)")
                self.record(votes, "; ".join(parts), newly + filled, excluded, notes)
                self.regroup()
                stage_seen = set()
            if self.done():
                break
        return Count(
            method=_NAME,
            seats=self.seats,
            candidates=self.names,
            elected=tuple(self.elected),
            rounds=tuple(self.rounds),
            quota=_dec(self.quota),
            seed=self.seed,
            notes=(
                f"{self.iteration} iterations",
                "every value is a whole number of 10⁻⁹ votes (Schedule 1A: nine places)",
            ),
        )

    def done(self) -> bool:
        """Cl. 3: the seats are filled, or no more candidates are left than seats."""
        left = len(self.elected) + len(self.hopeful())
        return len(self.elected) >= self.seats or left <= self.seats

    def fill(self, votes: list[int], notes: list[str]) -> list[int]:
        """Cl. 3: when the successful and hopeful candidates are as many as the seats (or
        fewer), the hopeful are elected, most votes first."""
        hopeful = self.hopeful()
        if not hopeful or len(self.elected) >= self.seats:
            return []
        if len(self.elected) + len(hopeful) > self.seats:
            return []
        order = self.by_votes_then_lot(hopeful, votes, f"iteration {self.iteration}: fill")
        for c in order:
            self.status[c] = _ELECTED
            self.elected.append(c)
        notes.append(
            "cl. 3: the successful and hopeful candidates are no more than the seats; "
            + ", ".join(self.names[c] for c in order)
            + " elected, most votes first"
        )
        return order

    # ------------------------------------------------------------------ clauses

    def iteration_keep_values(self) -> None:
        """Cl. 7 and 17: k = q × k ÷ votes for each successful candidate, rounded up twice."""
        votes = self.history[-1]
        for c in self.elected:
            if votes[c] > 0:
                product = -(-self.quota * self.keep[c] // UNIT)
                self.keep[c] = min(UNIT, -(-product * UNIT // votes[c]))

    def distribute(self) -> list[int]:
        """Cl. 10 over the grouped ballots; sets ``vnt``; appends the totals to the history."""
        self.iteration += 1
        keep = np.zeros(self.n + 1, dtype=np.int64)  # index -1 (no candidate) reads 0
        keep[: self.n] = self.keep
        groups, weights = self.groups, self.group_weights
        left = np.full(len(weights), UNIT, dtype=np.int64)
        totals = np.zeros(self.n + 1, dtype=np.int64)
        for j in range(groups.shape[1]):
            cand = groups[:, j]
            k = keep[cand]
            share = (left * k + (UNIT - 1)) // UNIT  # rounded up (cl. 10)
            left -= share
            np.add.at(totals, cand, share * weights)
        self.vnt = int((left * weights).sum())
        votes = [int(t) for t in totals[: self.n]]
        self.history.append(votes)
        return votes

    def compute_quota(self) -> int:
        """Cl. 5 and 11: (v − vnt) ÷ (n + 1), truncated to 9 places, plus 10⁻⁹."""
        return (self.valid * UNIT - self.vnt) // (self.seats + 1) + 1

    def elect_reaching_quota(self, votes: list[int]) -> list[int]:
        """Cl. 6 and 12: hopeful candidates at or above the quota, most votes first."""
        reached = [c for c in self.hopeful() if votes[c] >= self.quota]
        room = self.seats - len(self.elected)
        order = self.by_votes_then_lot(reached, votes, f"iteration {self.iteration}: election")
        # Votes are conserved (cl. 10 as implemented), so at most n candidates can reach a
        # quota above (v - vnt) / (n + 1); the cut only guards the invariant.
        order = order[:room]
        for c in order:
            self.status[c] = _ELECTED
            self.elected.append(c)
        return order

    def maybe_exclude(self, votes: list[int], stalled: bool, notes: list[str]) -> tuple[int, ...]:
        """Cl. 13 (and 19 for ties): exclude the lowest hopeful candidate when nothing the
        surplus could still do would save them."""
        hopeful = self.hopeful()
        surplus = sum(max(0, votes[c] - self.quota) for c in self.elected)
        notes.append(f"total surplus {_fmt(surplus)}")
        if not hopeful:
            return ()
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        others = [votes[c] for c in hopeful if votes[c] != low]
        if surplus < _TOLERANCE:
            why = f"total surplus {_fmt(surplus)} is below 0.0001 (cl. 13)"
        elif len(tied) == 1 and others and low + surplus < min(others):
            why = (
                f"{_fmt(low)} + total surplus {_fmt(surplus)} < {_fmt(min(others))}, the next "
                "lowest: the surplus cannot save them (cl. 13)"
            )
        elif stalled:
            why = (
                "keep values repeat: the count cannot progress at 9 places, so the lowest "
                "candidate is excluded as if the surplus were below 0.0001 (cf. cl. 23)"
            )
        else:
            return ()
        loser, tie_notes = self.lowest(tied)
        self.status[loser] = _EXCLUDED
        self.keep[loser] = 0
        self.excluded.append(loser)
        notes.append(f"{self.names[loser]} excluded with {_fmt(low)} votes: {why}")
        notes.extend(tie_notes)
        return (loser,)

    def lowest(self, tied: list[int]) -> tuple[int, list[str]]:
        """Cl. 19 and 40: ahead at first difference, then lot."""
        if len(tied) == 1:
            return tied[0], []
        label = ", ".join(self.names[c] for c in tied)
        for i, votes in enumerate(self.history):
            values = {votes[c] for c in tied}
            if len(values) > 1:
                least = min(values)
                tied = [c for c in tied if votes[c] == least]
                if len(tied) == 1:
                    return tied[0], [
                        f"tie between {label}: {self.names[tied[0]]} had fewest votes at "
                        f"iteration {i + 1}, the first at which they differed (cl. 40)"
                    ]
                break
        drawn = lot_order(self.seed, f"iteration {self.iteration}: exclusion", tied, self.names)
        return drawn[0], [
            f"tie between {label} not settled by earlier iterations: "
            + ", ".join(self.names[c] for c in tied)
            + f" drawn by lot (seed {self.seed}); {self.names[drawn[0]]} excluded"
        ]

    # ------------------------------------------------------------------ helpers

    def hopeful(self) -> list[int]:
        return [c for c in self.active if self.status[c] == _HOPEFUL]

    def by_votes_then_lot(self, cands: Sequence[int], votes: list[int], context: str) -> list[int]:
        """Most votes first; equal votes in lot order (order of election only)."""
        lot = lot_order(self.seed, context, list(cands), self.names)
        rank = {c: i for i, c in enumerate(lot)}
        return sorted(cands, key=lambda c: (-votes[c], rank[c]))

    def regroup(self) -> None:
        """Merge ballots that Meek's rules treat alike at the current statuses.

        Within a stage a ballot's distribution depends only on the successful candidates it
        names before its first hopeful candidate, and on that hopeful candidate (who keeps all
        that reaches them): excluded candidates pass everything on, later names receive nothing.
        Cutting each row to that path and merging equal paths leaves a few hundred rows, so an
        iteration costs microseconds whatever the number of ballots. Regrouped at every change
        of status.
        """
        rankings = self.p.rankings
        rows, depth = rankings.shape
        if rows == 0 or depth == 0:
            self.groups = np.zeros((0, 0), dtype=np.int16)
            self.group_weights = np.zeros(0, dtype=np.int64)
            return
        status = np.append(self.status, np.int8(_EXCLUDED))[rankings]  # -1 reads EXCLUDED
        hopeful = status == _HOPEFUL
        stop = np.where(hopeful.any(axis=1), hopeful.argmax(axis=1), depth - 1)
        keep = (status != _EXCLUDED) & (np.arange(depth)[None, :] <= stop[:, None])
        width = int(keep.sum(axis=1).max())
        order = np.argsort(~keep, axis=1, kind="stable")[:, :width]
        path = np.take_along_axis(np.where(keep, rankings, np.int16(-1)), order, axis=1)
        if width == 0:
            path = np.full((rows, 1), -1, dtype=np.int16)
        base = self.n + 1
        if base ** path.shape[1] < 2**62:  # one exact int64 key per path: a fast 1-D unique
            keys = np.zeros(rows, dtype=np.int64)
            for j in range(path.shape[1]):
                keys = keys * base + (path[:, j].astype(np.int64) + 1)
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            uniq = path[first]
        else:
            uniq, inverse = np.unique(path, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        by_group = np.argsort(inverse, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(inverse[by_group]) != 0])
        self.groups = uniq.astype(np.int16)
        # Exact int64 sums of the weights of each group (reduceat adds in int64).
        self.group_weights = np.add.reduceat(self.p.weights[by_group], starts).astype(np.int64)

    def record(
        self,
        votes: list[int],
        action: str,
        elected: Sequence[int],
        excluded: Sequence[int],
        notes: list[str],
    ) -> None:
        """One round of the published result: the iteration at which something happened."""
        shown = [_dec(v) for v in votes]
        totals = tuple(None if c not in self.active else shown[c] for c in range(self.n))
        transfers: tuple[Decimal | None, ...] = ()
        if self.shown_totals is not None:
            before = self.shown_totals
            transfers = tuple(
                None if c not in self.active else _dec(votes[c] - before[c]) for c in range(self.n)
            )
        lost = self.vnt - self.shown_vnt
        keeps = ", ".join(f"{self.names[c]} {_fmt(self.keep[c])}" for c in self.elected)
        extra = [
            f"quota {_fmt(self.quota)}; non-transferable {_fmt(self.vnt)}",
            f"keep values: {keeps}" if keeps else "keep values: all 1",
        ]
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=f"iteration {self.iteration}: {action}",
                totals=totals,
                transfers=transfers,
                non_transferable=_dec(lost),
                elected=tuple(elected),
                excluded=tuple(excluded),
                notes=tuple(notes + extra),
                quota=_dec(self.quota),
            )
        )
        self.shown_totals = list(votes)
        self.shown_vnt = self.vnt

    def election_notes(self, newly: Sequence[int], votes: list[int]) -> list[str]:
        return [
            f"{self.names[c]} elected: {_fmt(votes[c])} ≥ quota {_fmt(self.quota)}" for c in newly
        ]


_PLACES = Decimal("0.000000001")


def _dec(units: int) -> Decimal:
    """A number of 10⁻⁹ units as an exact Decimal with nine places."""
    return Decimal(units).scaleb(-9).quantize(_PLACES)


def _fmt(units: int) -> str:
    return format(_dec(units), "f")


METHOD = Method(
    name=_NAME,
    count=count_meek_stv,
    summary="Meek STV as the New Zealand rules count it (keep values, 9-place fixed point).",
    source="NZ Local Electoral Regulations 2001, Sch. 1A; Hill, Wichmann & Woodall, "
    "Computer Journal 30(3) 1987 (Algorithm 123).",
)
