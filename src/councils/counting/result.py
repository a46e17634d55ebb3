"""What a count returns: the elected, in order, and every round that led there.

A count is published, so its result must say *why*: each round records the totals, what moved,
what was lost to exhaustion, who was elected or excluded, and which rule decided (including a
tie and how it was broken). Totals are :class:`~decimal.Decimal` at the precision the method's
rules fix (5 places for the Scottish rules), never floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Count", "Round"]


@dataclass(frozen=True)
class Round:
    """One stage of a count.

    ``totals`` and ``transfers`` have one entry per candidate of the profile (``None`` for a
    candidate that takes no part: withdrawn). ``transfers`` is what this round added to (or took
    from) each total; ``non_transferable`` is what this round lost to exhausted ballots (and,
    for methods that round, to rounding). ``notes`` say which rule decided what.
    """

    number: int
    action: str
    totals: tuple[Decimal | None, ...]
    transfers: tuple[Decimal | None, ...] = ()
    non_transferable: Decimal = Decimal(0)
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    quota: Decimal | None = None


@dataclass(frozen=True)
class Count:
    """The result of one count.

    ``elected`` lists candidate indices in the order of their election. ``ranking`` is a full
    order of the candidates for methods that produce one (Schulze). ``seed`` is the seed that any
    lot in the count was drawn from; it is always reported so that anyone can redraw.
    """

    method: str
    seats: int
    candidates: tuple[str, ...]
    elected: tuple[int, ...]
    rounds: tuple[Round, ...] = ()
    quota: Decimal | None = None
    seed: int = 0
    ranking: tuple[int, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def elected_names(self) -> list[str]:
        return [self.candidates[i] for i in self.elected]

    def to_json(self) -> dict[str, object]:
        """The JSON shape of ``councils count --json``: candidate names as the file gives them."""
        names = self.candidates

        def per_candidate(values: tuple[Decimal | None, ...]) -> dict[str, object]:
            return {names[i]: _num(v) for i, v in enumerate(values) if v is not None}

        return {
            "method": self.method,
            "seats": self.seats,
            "quota": _num(self.quota),
            "elected": self.elected_names,
            "seed": self.seed,
            "ranking": None if self.ranking is None else [names[i] for i in self.ranking],
            "notes": list(self.notes),
            "rounds": [
                {
                    "round": r.number,
                    "action": r.action,
                    "quota": _num(r.quota),
                    "totals": per_candidate(r.totals),
                    "transfers": per_candidate(r.transfers),
                    "non_transferable": _num(r.non_transferable),
                    "elected": [names[i] for i in r.elected],
                    "excluded": [names[i] for i in r.excluded],
                    "notes": list(r.notes),
                }
                for r in self.rounds
            ],
        }


def _num(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when whole, else the float whose shortest repr is the
    same decimal string (exact for the 5- and 9-place values our methods produce)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
