"""Scottish STV: the count of the Scottish Local Government Elections Order 2007.

Source: The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
45–52 (legislation.gov.uk/ssi/2007/42/schedule/1). The Scottish Local Government Elections
Order 2011 (SSI 2011/399), under which the 2012, 2017 and 2022 councils were elected, re-enacts
the same count rules one number higher (its rules 46–53); the rule numbers below are those of
2007.

The rules, as this module applies them:

* **45** First stage: each valid paper is a vote of value one for its first preference.
* **46** Quota (Droop): ``floor(valid papers / (seats + 1)) + 1``.
* **47(1)** A candidate whose votes equal or exceed the quota at any stage is deemed elected.
* **48** Surplus: *all* the papers the transferring candidate holds pass to their next
  available preference (weighted inclusive Gregory). Each paper's new value is
  ``surplus × value of the paper when received ÷ total votes of the candidate``, "the
  calculation being made to five decimal places (any remainder being ignored)" — 48(3):
  truncated per paper, a paper of value one taking exactly the transfer value. The candidate
  keeps the quota; what does not reach a continuing candidate (papers with no further
  preference, and the remainders ignored) is non-transferable.
* **49** One surplus per stage, the highest first; equal surpluses go in the order of the
  highest vote at the most recent preceding stage at which the candidates differed (49(2)),
  and by lot if they were equal at every stage (49(3)). Surpluses are never deferred.
* **50** With no surplus to transfer, the candidate with the lowest vote is excluded and all
  their papers pass on at the value each had when it reached them (50(4)); one exclusion a
  stage.
* **51** An exclusion tie goes to the candidate with the lowest vote at the most recent
  preceding stage at which the tied candidates differed (51(2)(a)), and by lot if they were
  equal at every stage (51(2)(b)).
* **52** When as many candidates continue as vacancies remain, they are all deemed elected and
  no further transfer is made.

Arithmetic is exact: every vote is an integer number of 10⁻⁵ units (Python ints and int64),
so the 5-place truncation of rule 48(3) is an integer floor division and no float or epsilon
touches a total. Identical papers travel together (the profile is aggregated), so a row of
``w`` papers at value ``v`` carries exactly ``w × v``: per-paper truncation is kept.

Our conventions where the rules are silent, and known deviations:

* Several candidates elected at one stage are listed in the order of their votes, highest
  first; a tie there is ordered as rule 49(2)–(3) orders equal surpluses. Candidates deemed
  elected by rule 52 are listed the same way.
* In a tie of three or more where an earlier stage separates only some of them, the search
  goes on, further back, among those still tied lowest (51) or highest (49).
* A lot is drawn from the count's ``seed`` (:mod:`councils.counting.lots`), not from paper
  slips; the round's notes say which lot was drawn and from which seed.
* If fewer candidates stand than there are seats, all are elected and the other seats stay
  empty (rule 52 speaks only of equality).
* Withdrawn candidates (BLT's negative line) are struck from every paper before the count;
  the Order has no withdrawal after nomination, so this is our rule.
* Papers ranking candidates equal are refused (the Order has no equal preferences; rule 44
  leaves such papers to the returning officer).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from councils.counting.kernels import EXACT_FLOAT
from councils.counting.lots import lot_order
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round
from councils.counting.stv_core import next_preference
from councils.counting.tally import narrow_by_earlier
from councils.domain.errors import InvalidCommand

__all__ = ["METHOD", "UNIT", "count_scottish_stv"]

#: One vote, in the 10⁻⁵ units every total and value is held in (rule 48(3): five places).
UNIT = 100_000
_NAME = "scottish-stv"

IntArray = npt.NDArray[np.int64]


def count_scottish_stv(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Count ``profile`` for ``seats`` vacancies by SSI 2007/42 Schedule 1, rules 45–52.

    Returns every stage: totals (5 places), transfers, non-transferable votes, the quota, who
    was elected or excluded and by which rule, and any lot with the ``seed`` it was drawn from.
    """
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise InvalidCommand(
            "count.bad_seats",
            f"the number of seats must be a whole number of at least 1, not {seats!r}",
            {"seats": str(seats)},
        )
    profile.require_strict(_NAME)
    return _ScottishCount(profile.effective(), seats, seed).run()


def _dec(units: int) -> Decimal:
    """A value in 10⁻⁵ units as a Decimal with exactly five places."""
    return Decimal(units).scaleb(-5)


def _fmt(units: int) -> str:
    return str(_dec(units))


def _papers(k: int) -> str:
    return f"{k} paper" if k == 1 else f"{k} papers"


class _ScottishCount:
    """The state of one count: where each row of papers sits and what it is worth."""

    def __init__(self, p: Profile, seats: int, seed: int) -> None:
        self.p = p
        self.seats = seats
        self.seed = seed
        self.names = p.candidates
        n = self.n = p.n_candidates
        self.rankings = p.rankings
        self.weights = p.weights.astype(np.int64, copy=False)
        rows = len(self.weights)
        self.valid = int(self.weights.sum())
        # Rule 46: the quota.
        self.quota_votes = self.valid // (seats + 1) + 1
        self.quota = self.quota_votes * UNIT
        # bincount sums in float64: exact while every sum stays below 2**53 units.
        self.float_exact = self.valid * UNIT < EXACT_FLOAT
        self.continuing = np.ones(n, dtype=np.bool_)
        for c in p.withdrawn:
            self.continuing[c] = False
        self.pos: IntArray = np.zeros(rows, dtype=np.int64)
        self.holder = np.full(rows, -1, dtype=np.int16)
        self.value: IntArray = np.full(rows, UNIT, dtype=np.int64)
        self.totals = [0] * n
        self.history: list[tuple[int, ...]] = []
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.pending: list[int] = []  # elected, surplus not yet transferred
        self.rounds: list[Round] = []
        self.finished = False

    # ------------------------------------------------------------------ the count

    def run(self) -> Count:
        self.first_stage()
        while not self.finished:
            if self.pending:
                self.transfer_surplus()
            else:
                self.exclude_lowest()
        notes = (
            f"rule 46: quota = floor({self.valid} valid papers / ({self.seats} + 1)) + 1 "
            f"= {self.quota_votes}",
            f"lots, if any, are drawn from seed {self.seed}",
        )
        return Count(
            method=_NAME,
            seats=self.seats,
            candidates=self.names,
            elected=tuple(self.elected),
            rounds=tuple(self.rounds),
            quota=Decimal(self.quota_votes),
            seed=self.seed,
            notes=notes,
        )

    def first_stage(self) -> None:
        """Rule 45: each paper is one vote for its first (continuing) preference."""
        # The effective profile has struck withdrawn candidates and blank papers, so every
        # row's first entry is a continuing candidate.
        if self.rankings.shape[1]:
            self.holder = self.rankings[:, 0].copy()
        gains = self._sum_by_candidate(self.holder, self.weights * UNIT)
        self.totals = [int(g) for g in gains]
        self.close_stage(
            "first preferences",
            transfers=None,
            non_transferable=0,
            notes=[f"rule 45: {self.valid} valid papers sorted by first preference"],
        )

    def transfer_surplus(self) -> None:
        """Rules 48–49: transfer the highest surplus, every paper at its new value."""
        c, notes = self.pick(self.pending, highest=True, what="surplus", rule="49")
        self.pending.remove(c)
        total = self.totals[c]
        surplus = total - self.quota
        rows = np.flatnonzero(self.holder == c)
        old = self.value[rows]
        # Rule 48(3): new value = surplus × value when received ÷ total, to 5 places, the
        # remainder ignored. Papers of one value get one value, so compute it once per value
        # in Python ints (exact, no overflow) and spread it with the inverse index.
        uniq, inverse = np.unique(old, return_inverse=True)
        new_of = [surplus * int(u) // total for u in uniq]
        new = np.asarray(new_of, dtype=np.int64)[inverse.reshape(-1)]
        pos, cand = next_preference(self.rankings, rows, self.pos[rows] + 1, self.continuing)
        self.pos[rows], self.holder[rows], self.value[rows] = pos, cand, new
        gains = self._sum_by_candidate(cand, new * self.weights[rows])
        moved = int(gains.sum())
        notes.append(
            f"rule 48: surplus of {self.names[c]} = {_fmt(total)} − quota {self.quota_votes} "
            f"= {_fmt(surplus)}; all their {_papers(int(self.weights[rows].sum()))} transferred"
        )
        for u, v in zip(uniq, new_of, strict=True):
            notes.append(
                f"rule 48(3): transfer value {_fmt(v)} for papers received at {_fmt(int(u))} "
                f"({_fmt(surplus)} × {_fmt(int(u))} ÷ {_fmt(total)}, remainder ignored)"
            )
        transfers = [int(g) for g in gains]
        transfers[c] = -surplus
        self._apply(transfers)
        self.totals[c] = self.quota
        self.close_stage(
            f"surplus of {self.names[c]} transferred",
            transfers=transfers,
            non_transferable=surplus - moved,
            notes=notes,
        )

    def exclude_lowest(self) -> None:
        """Rules 50–51: exclude the lowest continuing candidate; papers keep their values."""
        cont = [c for c in range(self.n) if self.continuing[c]]
        c, notes = self.pick(cont, highest=False, what="exclusion", rule="51")
        total = self.totals[c]
        notes.insert(
            0, f"rule 50(1): {self.names[c]} has the lowest vote ({_fmt(total)}) and is excluded"
        )
        self.continuing[c] = False
        self.excluded.append(c)
        rows = np.flatnonzero(self.holder == c)
        pos, cand = next_preference(self.rankings, rows, self.pos[rows] + 1, self.continuing)
        self.pos[rows], self.holder[rows] = pos, cand
        gains = self._sum_by_candidate(cand, self.value[rows] * self.weights[rows])
        moved = int(gains.sum())
        notes.append(
            f"rule 50(4): {_papers(int(self.weights[rows].sum()))} transferred at the value "
            "each had when received"
        )
        transfers = [int(g) for g in gains]
        transfers[c] = -total
        self._apply(transfers)
        self.totals[c] = 0
        self.close_stage(
            f"{self.names[c]} excluded",
            transfers=transfers,
            non_transferable=total - moved,
            notes=notes,
            excluded=(c,),
        )

    def close_stage(
        self,
        action: str,
        *,
        transfers: list[int] | None,
        non_transferable: int,
        notes: list[str],
        excluded: tuple[int, ...] = (),
    ) -> None:
        """End of a stage: record it, elect by rule 47, then test rule 52 and the end."""
        self.history.append(tuple(self.totals))
        elected_now: list[int] = []
        reached = [c for c in range(self.n) if self.continuing[c] and self.totals[c] >= self.quota]
        for c in self.order(reached, notes):
            if len(self.elected) >= self.seats:
                break
            self._elect(c, elected_now)
            notes.append(
                f"rule 47(1): {self.names[c]} has {_fmt(self.totals[c])}, at least the quota "
                f"({self.quota_votes}), and is elected"
            )
            if self.totals[c] > self.quota:
                self.pending.append(c)
        vacancies = self.seats - len(self.elected)
        cont = [c for c in range(self.n) if self.continuing[c]]
        if vacancies <= 0:
            self.finished = True
            notes.append("every vacancy is filled: the count ends")
        elif len(cont) <= vacancies:
            for c in self.order(cont, notes):
                self._elect(c, elected_now)
            if cont:
                notes.append(
                    "rule 52(1): "
                    + ", ".join(self.names[c] for c in cont)
                    + f" continue for {vacancies} vacanc{'y' if vacancies == 1 else 'ies'} "
                    "and are deemed elected; rule 52(2): no further transfer"
                )
            if len(cont) < vacancies:
                notes.append(
                    f"{vacancies - len(cont)} vacanc{'y' if vacancies - len(cont) == 1 else 'ies'}"
                    " left unfilled: no candidate continues"
                )
            self.finished = True
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                action=action,
                totals=self._dec_tuple(self.totals),
                transfers=() if transfers is None else self._dec_tuple(transfers),
                non_transferable=_dec(non_transferable),
                elected=tuple(elected_now),
                excluded=excluded,
                notes=tuple(notes),
                quota=Decimal(self.quota_votes),
            )
        )

    # ------------------------------------------------------------------ ties

    def pick(
        self, cands: list[int], *, highest: bool, what: str, rule: str
    ) -> tuple[int, list[str]]:
        """The candidate with the highest (or lowest) vote among ``cands``, ties broken by the
        most recent preceding stage at which the tied candidates differed (rules 49(2),
        51(2)(a)), then by lot (49(3), 51(2)(b))."""
        choose = max if highest else min
        best = choose(self.totals[c] for c in cands)
        tied = [c for c in cands if self.totals[c] == best]
        if len(tied) == 1:
            return tied[0], []
        listed = ", ".join(self.names[c] for c in tied)
        para = {"49": ("49(2)", "49(3)"), "51": ("51(2)(a)", "51(2)(b)")}.get(rule, (rule, rule))
        group, k = narrow_by_earlier(tied, self.history[:-1], choose)
        if k is not None:
            edge = self.history[k][group[0]]
            return group[0], [
                f"rule {para[0]}: {listed} tie at {_fmt(best)} for the {what}; at stage "
                f"{k + 1}, the most recent at which they differed, "
                f"{self.names[group[0]]} had the {'highest' if highest else 'lowest'} "
                f"vote ({_fmt(edge)})"
            ]
        stage_no = len(self.history) + 1
        drawn = lot_order(self.seed, f"stage {stage_no}: {what}", group, self.names)
        return drawn[0], [
            f"rule {para[1]}: {', '.join(self.names[c] for c in group)} were equal at every "
            f"stage for the {what} (at {_fmt(best)}); decided by lot from seed {self.seed}: "
            f"{self.names[drawn[0]]}"
        ]

    def order(self, cands: list[int], notes: list[str]) -> list[int]:
        """``cands`` highest vote first, ties as rule 49(2)–(3) (the order of election)."""
        left = list(cands)
        out: list[int] = []
        while left:
            c, why = self.pick(left, highest=True, what="order of election", rule="49")
            notes.extend(why)
            out.append(c)
            left.remove(c)
        return out

    # ------------------------------------------------------------------ helpers

    def _elect(self, c: int, elected_now: list[int]) -> None:
        self.continuing[c] = False
        self.elected.append(c)
        elected_now.append(c)

    def _apply(self, transfers: list[int]) -> None:
        for c, t in enumerate(transfers):
            self.totals[c] += t

    def _sum_by_candidate(self, cand: npt.NDArray[np.int16], values: IntArray) -> IntArray:
        """Exact sum of ``values`` per receiving candidate (``-1``: exhausted, dropped)."""
        ok = cand >= 0
        if self.float_exact:
            sums = np.bincount(cand[ok], weights=values[ok], minlength=self.n)
            return sums.astype(np.int64)
        out = np.zeros(self.n, dtype=np.int64)
        np.add.at(out, cand[ok].astype(np.int64), values[ok])
        return out

    def _dec_tuple(self, units: list[int]) -> tuple[Decimal | None, ...]:
        withdrawn = self.p.withdrawn
        return tuple(None if c in withdrawn else _dec(u) for c, u in enumerate(units))


METHOD = Method(
    name=_NAME,
    count=count_scottish_stv,
    summary=(
        "Scottish STV: Droop quota, weighted inclusive Gregory surplus transfers, values "
        "truncated to 5 places; the rules of Scotland's council elections."
    ),
    source=(
        "The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, "
        "rules 45–52 (re-enacted as rules 46–53 of SSI 2011/399)."
    ),
)
