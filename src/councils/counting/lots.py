"""Drawing lots without randomness: a lot is a pure function of an explicit seed.

When the rules say a tie is settled by lot, the count draws from ``seed``: each tied candidate
gets the SHA-256 of ``"councils-lot/v1|<seed>|<context>|<candidate name>"`` and the candidates
are ordered by that hash. Anyone holding the seed can redraw and get the same order; the record
later derives the seed from its root at the moment of the draw (docs/record-format.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = ["lot_order"]


def lot_order(
    seed: int, context: str, candidates: Sequence[int], names: Sequence[str]
) -> list[int]:
    """The tied ``candidates`` in the order the lot puts them (first = drawn first).

    ``context`` names the decision (``"round 4: exclusion"``) so that two draws in one count are
    independent.
    """

    def ticket(c: int) -> bytes:
        return hashlib.sha256(f"councils-lot/v1|{seed}|{context}|{names[c]}".encode()).digest()

    return sorted(candidates, key=ticket)
