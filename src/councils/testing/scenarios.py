"""Small federations to start tests and simulations from.

:func:`petrograd`: a city soviet elected by the Putilov works (2 seats, 5 members) and the Vyborg
district (1 seat, 2 members), which elects one delegate to the regional congress, which elects one
member of the executive. Nothing is elected yet.
"""

from __future__ import annotations

from councils.domain.constitution import DEFAULT, Constitution
from councils.testing.harness import Federation

__all__ = ["PUTILOV", "VYBORG", "petrograd"]

PUTILOV = ["m1", "m2", "m3", "m4", "m5"]
VYBORG = ["m6", "m7"]


def petrograd(constitution: Constitution = DEFAULT, seed: int = 0) -> Federation:
    fed = Federation(constitution, seed)
    fed.run(
        {"command": "council.create", "council": "city", "name": "Petrograd soviet"},
        {"command": "council.create", "council": "region", "name": "Northern congress"},
        {"command": "council.create", "council": "exec", "name": "Executive committee"},
        {
            "command": "constituency.create",
            "constituency": "putilov",
            "name": "Putilov works",
            "kind": "workplace",
            "council": "city",
            "seats": 2,
        },
        {
            "command": "constituency.create",
            "constituency": "vyborg",
            "name": "Vyborg district",
            "kind": "territory",
            "council": "city",
            "seats": 1,
        },
        {
            "command": "constituency.create",
            "constituency": "city-delegation",
            "name": "Delegation of the Petrograd soviet",
            "kind": "council",
            "council": "region",
            "of": "city",
            "seats": 1,
        },
        {
            "command": "constituency.create",
            "constituency": "region-delegation",
            "name": "Delegation of the congress",
            "kind": "council",
            "council": "exec",
            "of": "region",
            "seats": 1,
        },
        *(
            {"command": "member.register", "member": m, "name": m.upper(), "constituency": c}
            for c, ms in (("putilov", PUTILOV), ("vyborg", VYBORG))
            for m in ms
        ),
    )
    return fed
