"""The service's :class:`~councils.domain.context.Supply`: what the pure domain may not make.

- tokens: 128 random bits from :mod:`secrets` (the key of a sealed ballot; never published);
- ids for what the rules create by themselves (an election opened for a vacancy):
  ``<hint>~<n>``, ``n`` the record's length, or the next number not yet taken;
- lot seeds: :func:`councils.record.lots.lot_seed` of the record's Merkle root at the moment of
  the draw and the draw's name; anyone holding the record can redraw (DESIGN.md, "The
  record").
"""

from __future__ import annotations

import secrets

from councils.domain.ids import ElectionId
from councils.record.lots import lot_seed
from councils.service.uow import UnitOfWork

__all__ = ["RecordSupply"]


class RecordSupply:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._made: set[str] = set()

    def token(self) -> str:
        return secrets.token_hex(16)

    def new_id(self, hint: str) -> str:
        n = len(self._uow.record)
        candidate = f"{hint}~{n}"
        while candidate in self._made or self._uow.view.has_election(ElectionId(candidate)):
            n += 1
            candidate = f"{hint}~{n}"
        self._made.add(candidate)
        return candidate

    def seed(self, context: str) -> int:
        return lot_seed(self._uow.record.head(), context)
