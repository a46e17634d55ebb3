"""Small federations to start tests and simulations from.

:func:`petrograd`: a city soviet elected by the Putilov works (2 seats, 5 members) and the Vyborg
district (1 seat, 2 members), which elects one delegate to the regional congress, which elects one
member of the executive. Nothing is elected yet.

:func:`city_soviet` is the city soviet alone, as a list of commands, for tests that send it
through the API, the CLI or a site; :func:`city_council`, :func:`putilov_works`,
:func:`vyborg_district` and :func:`register` are its pieces, for a setup of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from councils.domain.constitution import DEFAULT, Constitution
from councils.testing.harness import Federation

__all__ = [
    "PUTILOV",
    "VYBORG",
    "city_council",
    "city_soviet",
    "petrograd",
    "putilov_works",
    "register",
    "vyborg_district",
]

PUTILOV = ["m1", "m2", "m3", "m4", "m5"]
VYBORG = ["m6", "m7"]

Command = dict[str, object]


def city_council(name: str = "Petrograd soviet") -> Command:
    return {"command": "council.create", "council": "city", "name": name}


def putilov_works(seats: int = 2) -> Command:
    return {
        "command": "constituency.create",
        "constituency": "putilov",
        "name": "Putilov works",
        "kind": "workplace",
        "council": "city",
        "seats": seats,
    }


def vyborg_district() -> Command:
    return {
        "command": "constituency.create",
        "constituency": "vyborg",
        "name": "Vyborg district",
        "kind": "territory",
        "council": "city",
        "seats": 1,
    }


def register(constituency: str, members: Iterable[str] | Mapping[str, str]) -> list[Command]:
    """``member.register`` of each member in ``constituency``: ids named by ``members`` (a
    mapping), or ids alone, each named as its id in capitals."""
    named = members.items() if isinstance(members, Mapping) else ((m, m.upper()) for m in members)
    return [
        {"command": "member.register", "member": m, "name": n, "constituency": constituency}
        for m, n in named
    ]


def city_soviet() -> list[Command]:
    """The city soviet of :func:`petrograd`: Putilov (2 seats, :data:`PUTILOV`) and Vyborg
    (1 seat, :data:`VYBORG`)."""
    return [
        city_council(),
        putilov_works(),
        vyborg_district(),
        *register("putilov", PUTILOV),
        *register("vyborg", VYBORG),
    ]


def petrograd(constitution: Constitution = DEFAULT, seed: int = 0) -> Federation:
    fed = Federation(constitution, seed)
    fed.run(
        city_council(),
        {"command": "council.create", "council": "region", "name": "Northern congress"},
        {"command": "council.create", "council": "exec", "name": "Executive committee"},
        putilov_works(),
        vyborg_district(),
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
        *register("putilov", PUTILOV),
        *register("vyborg", VYBORG),
    )
    return fed
