"""A predictable :class:`~councils.domain.context.Supply` for tests: numbered tokens and ids,
one fixed seed."""

from __future__ import annotations

import itertools

__all__ = ["FixedSupply"]


class FixedSupply:
    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._n = itertools.count(1)
        self.draws: list[str] = []

    def token(self) -> str:
        return f"token-{next(self._n)}"

    def new_id(self, hint: str) -> str:
        return f"{hint}~{next(self._n)}"

    def seed(self, context: str) -> int:
        self.draws.append(context)
        return self._seed
