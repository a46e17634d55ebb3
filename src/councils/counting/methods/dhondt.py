"""D'Hondt: party-list proportional representation by highest averages (divisors 1, 2, 3, ...).

What "candidates" means here: for the list methods each candidate of the profile is a *list*
(a party or faction), and each ballot's first preference is its vote for that list; later
preferences are ignored. The method apportions ``seats`` among the lists; who sits for a list
(its order of candidates) is the list's own business and is not counted here.

Rule: seats are awarded one at a time. At each step every list's quotient is its votes divided
by (seats it already has + 1); the list with the highest quotient wins the next seat. A list
with no votes wins no seat; if no list has any votes the seats stay empty. Quotients are
compared exactly (as fractions), never in floating point. This is the rule of, e.g., the
Spanish general elections (LOREG 5/1985, art. 163) and of the European Parliament elections in
many member states; Victor D'Hondt, "Système pratique et raisonné de représentation
proportionnelle" (1882).

Result: ``Count.elected`` names each list that won at least one seat, in the order in which it
won its first. Each round is one seat awarded, with every list's quotient (to six places, cut
off; the comparison itself is exact) in ``totals``; the last round, "seats apportioned", holds
the number of seats of each list in ``totals``.

Known deviations: ties between equal quotients are broken by lot (:mod:`councils.counting.lots`),
where some laws first prefer the list with more votes (LOREG art. 163(1)(c)). No electoral
threshold is applied; lists are not capped by their number of candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from councils.counting.lots import lot_order
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count, Round

__all__ = ["METHOD", "apportion", "count_dhondt"]

_NAME = "dhondt"
_PLACES = Decimal("0.000001")


def count_dhondt(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Apportion ``seats`` among the lists by D'Hondt (divisors 1, 2, 3, ...)."""
    return apportion(profile, seats, seed=seed, method=_NAME, divisor=lambda s: s + 1)


def apportion(
    profile: Profile,
    seats: int,
    *,
    seed: int,
    method: str,
    divisor: Callable[[int], int],
) -> Count:
    """The highest-averages rule shared by the divisor methods.

    ``divisor(s)`` is the divisor of a list that already holds ``s`` seats (D'Hondt: s + 1;
    Sainte-Laguë: 2s + 1).
    """
    profile.require_strict(method)
    p = profile.effective()
    n = p.n_candidates
    names = p.candidates
    lists = [c for c in range(n) if c not in p.withdrawn]
    votes = [int(v) for v in p.first_preferences()]
    won = [0] * n
    order: list[int] = []
    rounds: list[Round] = []
    for k in range(1, seats + 1):
        quotients = {c: Fraction(votes[c], divisor(won[c])) for c in lists}
        contenders = [c for c in lists if votes[c] > 0]
        totals = tuple(_dec(quotients[c]) if c in quotients else None for c in range(n))
        if not contenders:
            rounds.append(
                Round(
                    number=k,
                    action=f"seat {k}: not filled",
                    totals=totals,
                    notes=("no list has any votes; the seat stays empty",),
                )
            )
            break
        best = max(quotients[c] for c in contenders)
        tied = [c for c in contenders if quotients[c] == best]
        notes: list[str] = []
        winner = tied[0]
        if len(tied) > 1:
            winner = lot_order(seed, f"seat {k}: tie", tied, names)[0]
            notes.append(
                f"tie at quotient {_frac(best)} between "
                + ", ".join(names[c] for c in tied)
                + f": {names[winner]} wins the seat by lot (seed {seed})"
            )
        notes.insert(
            0,
            f"{names[winner]}: {votes[winner]} votes ÷ {divisor(won[winner])} = {_frac(best)}",
        )
        won[winner] += 1
        if winner not in order:
            order.append(winner)
        rounds.append(
            Round(
                number=k,
                action=f"seat {k}: {names[winner]}",
                totals=totals,
                elected=(winner,),
                notes=tuple(notes),
            )
        )
    summary = ", ".join(f"{names[c]} {won[c]}" for c in lists)
    rounds.append(
        Round(
            number=len(rounds) + 1,
            action="seats apportioned",
            totals=tuple(Decimal(won[c]) if c in lists else None for c in range(n)),
            notes=(f"seats: {summary}",),
        )
    )
    filled = sum(won)
    count_notes = [f"seats: {summary}"]
    if filled < seats:
        count_notes.append(f"{seats - filled} seat(s) left empty: no list has any votes")
    return Count(
        method=method,
        seats=seats,
        candidates=names,
        elected=tuple(order),
        rounds=tuple(rounds),
        seed=seed,
        notes=tuple(count_notes),
    )


def _dec(q: Fraction) -> Decimal:
    return (Decimal(q.numerator) / Decimal(q.denominator)).quantize(_PLACES, rounding=ROUND_DOWN)


def _frac(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


METHOD = Method(
    name=_NAME,
    count=count_dhondt,
    summary="D'Hondt party-list PR (highest averages, divisors 1, 2, 3, ...); candidates = lists.",
    source="D'Hondt (1882); e.g. Spain, LOREG 5/1985 art. 163.",
)
