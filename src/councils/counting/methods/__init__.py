"""Every counting method Councils offers, in one registry (``councils methods`` lists it).

To add a method: write a module here with a pure ``count_*`` function and a ``METHOD``, add it
to ``_ALL`` below, document it in docs/counting.md; the contract test then runs it.
"""

from __future__ import annotations

from councils.counting.methods import (
    approval,
    dhondt,
    irv,
    meek_stv,
    plurality,
    sainte_lague,
    schulze,
    scottish_stv,
)
from councils.counting.registry import Registry

__all__ = ["REGISTRY"]

_ALL = (
    plurality.METHOD,
    irv.METHOD,
    meek_stv.METHOD,
    approval.METHOD,
    dhondt.METHOD,
    sainte_lague.METHOD,
    schulze.METHOD,
    scottish_stv.METHOD,
)

REGISTRY = Registry(_ALL)
