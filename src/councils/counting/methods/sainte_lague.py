"""Sainte-Laguë (Webster): party-list PR by highest averages with divisors 1, 3, 5, ...

As for :mod:`councils.counting.methods.dhondt`, the profile's candidates are the *lists* and
each ballot's first preference is its list vote; ``Count.elected`` names each list that won a
seat, in the order it won its first, and the last round holds the seats of every list.

Rule: seats are awarded one at a time to the list with the highest quotient votes ÷ (2s + 1),
where s is the number of seats it already holds (André Sainte-Laguë, "La représentation
proportionnelle et la méthode des moindres carrés", Annales scientifiques de l'École Normale
Supérieure 27, 1910; the pure form is used for the German Bundestag since 2009, BWahlG § 6).
Quotients are compared exactly as fractions.

Known deviations: the pure divisors only: the "modified" first divisor 1.4 (Norway, Sweden) is
not offered. Ties are broken by lot. No threshold; lists are not capped by their length.
"""

from __future__ import annotations

from councils.counting.methods.dhondt import apportion
from councils.counting.profile import Profile
from councils.counting.registry import Method
from councils.counting.result import Count

__all__ = ["METHOD", "count_sainte_lague"]

_NAME = "sainte-lague"


def count_sainte_lague(profile: Profile, seats: int, *, seed: int = 0) -> Count:
    """Apportion ``seats`` among the lists by Sainte-Laguë (divisors 1, 3, 5, ...)."""
    return apportion(profile, seats, seed=seed, method=_NAME, divisor=lambda s: 2 * s + 1)


METHOD = Method(
    name=_NAME,
    count=count_sainte_lague,
    summary="Sainte-Laguë / Webster party-list PR (divisors 1, 3, 5, ...); candidates = lists.",
    source="Sainte-Laguë (1910); e.g. Germany, BWahlG § 6.",
)
