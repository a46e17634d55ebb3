"""The seed of a lot, drawn from the record itself so that anyone can redraw it.

DESIGN.md ("The record"): ties that the rules settle by lot are drawn from a seed derived from
the record's root at the moment of the draw. Nobody can choose that root in advance (it
commits to every entry so far), and everyone who holds the record can recompute it, so the draw
is neither rigged nor secret.

``lot_seed(root, context)`` is the first 8 bytes, read big-endian, of
``SHA-256(encode({"type": "lot.seed", "v": 1, "root": HEX, "context": CONTEXT}))`` with the top
bit cleared, so that the seed (0 <= seed < 2**63) fits the record's integer range and can be
written in the entry that records the draw. ``root`` is MTH of the log just before that entry
(the entry should name the size too, so a verifier knows which prefix to hash); ``context``
names the draw (``"election e7 round 4: exclusion"``) so two draws at one root are independent.
The seed then feeds :func:`councils.counting.lots.lot_order`.
"""

from __future__ import annotations

import hashlib

from councils.domain.errors import InvalidCommand
from councils.record import canonical
from councils.record.merkle import HASH_SIZE

__all__ = ["LOT_SEED_TYPE", "lot_seed"]

LOT_SEED_TYPE = "lot.seed"


def lot_seed(root: bytes, context: str) -> int:
    """The seed (0 <= seed < 2**63) of the lot drawn for ``context`` when the log's root was
    ``root``."""
    if len(root) != HASH_SIZE:
        raise InvalidCommand("record.bad_root", f"a root is {HASH_SIZE} bytes")
    data = canonical.encode({"type": LOT_SEED_TYPE, "v": 1, "root": root.hex(), "context": context})
    digest = hashlib.sha256(data).digest()
    return int.from_bytes(digest[:8], "big") & (canonical.INT_LIMIT - 1)
