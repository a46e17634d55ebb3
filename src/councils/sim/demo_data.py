"""The places, factions and names of the demo federation (``councils demo``).

Kept apart from the builder (:mod:`councils.sim.demo`) so that the builder reads as the rules it
follows and this file as the world it follows them in: a northern region of 1917, with the
Petrograd soviet elected by forty workplaces and districts, two smaller city soviets (Kronstadt,
Shlisselburg), a regional congress elected by the three and an executive elected by the congress,
and one workplace that joins the Petrograd soviet late (:data:`LATE`). The numbers are invented;
only the names are historical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AFFINITY",
    "CITIES",
    "DEMO_ORGANISER",
    "EXECUTIVE",
    "FACTIONS",
    "FEMALE",
    "LATE",
    "LATE_COUNCIL",
    "MALE",
    "REGION",
    "SURNAMES",
    "City",
    "FactionSpec",
    "PlaceSpec",
]


#: The demo's organiser: a handle (not a member), appointed organiser of every council, so that
#: whoever logs in as it can register members and open and close elections anywhere.
DEMO_ORGANISER = "@organiser"


@dataclass(frozen=True)
class FactionSpec:
    """A faction and its strength across the region (a weight; the builder normalises)."""

    faction: str
    name: str
    strength: float


#: Four factions of clearly different strength.
FACTIONS: tuple[FactionSpec, ...] = (
    FactionSpec("bolsheviks", "Bolsheviks", 0.36),
    FactionSpec("srs", "Socialist Revolutionaries", 0.27),
    FactionSpec("mensheviks", "Mensheviks", 0.19),
    FactionSpec("anarchists", "Anarchist Federation", 0.14),
)

#: How readily a voter of the row's faction ranks a candidate of the column's faction (the order
#: of :data:`FACTIONS`): own faction first, then the nearest allies, the furthest seldom.
AFFINITY: tuple[tuple[float, ...], ...] = (
    (3.0, 1.4, 0.2, 1.0),
    (1.3, 3.0, 1.1, 0.5),
    (0.2, 1.5, 3.0, 0.1),
    (1.3, 0.7, 0.0, 3.0),
)


@dataclass(frozen=True)
class PlaceSpec:
    """A base constituency: ``size`` members registered there, and how it leans.

    ``lean`` multiplies the regional strength of each faction (order of :data:`FACTIONS`);
    ``district`` names the city district where some of a workplace's members also live (and
    join as a second constituency).
    """

    constituency: str
    name: str
    kind: Literal["workplace", "territory"]
    size: int
    lean: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    district: str | None = None


@dataclass(frozen=True)
class City:
    council: str
    name: str
    places: tuple[PlaceSpec, ...]
    #: Seats this city's soviet sends to the regional congress.
    delegates: int


def _w(
    cid: str,
    name: str,
    size: int,
    lean: tuple[float, float, float, float],
    district: str | None = None,
) -> PlaceSpec:
    return PlaceSpec(cid, name, "workplace", size, lean, district)


def _d(cid: str, name: str, size: int, lean: tuple[float, float, float, float]) -> PlaceSpec:
    return PlaceSpec(cid, name, "territory", size, lean)


_RED = (1.35, 0.85, 0.7, 1.1)  # the big metal works
_MIXED = (1.0, 1.1, 1.0, 0.9)
_CLERK = (0.6, 1.2, 1.7, 0.5)  # offices, schools, hospitals
_TEXTILE = (1.2, 1.3, 0.8, 0.7)
_SEA = (1.2, 0.9, 0.5, 2.2)  # sailors and dockers

PETROGRAD = City(
    "petrograd",
    "Petrograd Soviet",
    (
        _w("putilov", "Putilov Works", 420, _RED, "narva"),
        _w("obukhov", "Obukhov Works", 260, _RED, "nevsky"),
        _w("baltic-yard", "Baltic Shipyard", 220, _RED, "vasilievsky"),
        _w("admiralty-yard", "Admiralty Shipyard", 140, _MIXED, "kolomna"),
        _w("nevsky-yard", "Nevsky Shipyard", 120, _RED, "nevsky"),
        _w("lessner", "Lessner Machine Works", 130, _RED, "vyborg"),
        _w("nobel", "Nobel Engineering Works", 110, _RED, "vyborg"),
        _w("erikson", "Erikson Telephone Works", 90, _MIXED, "vyborg"),
        _w("arsenal", "Petrograd Arsenal", 100, _RED, "vyborg"),
        _w("cartridge", "Cartridge Works", 90, _RED, "liteiny"),
        _w("pipe-works", "Pipe Works", 150, _RED, "vasilievsky"),
        _w("treugolnik", "Treugolnik Rubber Works", 170, _TEXTILE, "narva"),
        _w("thornton", "Thornton Woollen Mill", 110, _TEXTILE, "nevsky"),
        _w("nevsky-thread", "Nevsky Thread Mill", 100, _TEXTILE, "nevsky"),
        _w("kersten", "Kersten Knitting Mill", 80, _TEXTILE, "moscow"),
        _w("tram-vasilievsky", "Vasilievsky Tram Depot", 70, _MIXED, "vasilievsky"),
        _w("tram-moscow", "Moscow Gate Tram Depot", 60, _MIXED, "moscow"),
        _w("port", "Port of Petrograd", 160, _SEA, "kolomna"),
        _w("warsaw-rail", "Warsaw Railway Workshops", 110, _MIXED, "narva"),
        _w("nikolaevsky-rail", "Nikolaevsky Railway Workshops", 100, _MIXED, "moscow"),
        _w("obukhov-hospital", "Obukhov Hospital", 60, _CLERK, "admiralteisky"),
        _w("university", "Petrograd University", 90, _CLERK, "vasilievsky"),
        _w("polytechnic", "Polytechnic Institute", 70, _CLERK, "vyborg"),
        _w("post-telegraph", "Post and Telegraph", 80, _CLERK, "admiralteisky"),
        _w("state-printing", "State Printing House", 70, _MIXED, "admiralteisky"),
        _w("power-station", "City Power Station", 50, _MIXED, "petrogradsky"),
        _d("vyborg", "Vyborg District", 110, (1.5, 0.9, 0.7, 1.2)),
        _d("narva", "Narva District", 100, (1.3, 1.0, 0.8, 0.9)),
        _d("vasilievsky", "Vasilievsky Island District", 120, (1.0, 1.1, 1.1, 0.8)),
        _d("petrogradsky", "Petrogradsky District", 110, (0.8, 1.2, 1.3, 0.7)),
        _d("moscow", "Moscow District", 90, (1.1, 1.1, 0.9, 0.8)),
        _d("nevsky", "Nevsky District", 90, (1.4, 1.0, 0.7, 0.9)),
        _d("liteiny", "Liteiny District", 80, (0.7, 1.2, 1.5, 0.6)),
        _d("admiralteisky", "Admiralteisky District", 70, (0.7, 1.2, 1.6, 0.6)),
        _d("kolomna", "Kolomna District", 70, (0.9, 1.2, 1.1, 0.9)),
        _d("rozhdestvensky", "Rozhdestvensky District", 80, (0.9, 1.1, 1.3, 0.7)),
        _d("okhta", "Okhta District", 70, (1.2, 1.1, 0.8, 1.0)),
        _d("spassky", "Spassky District", 60, (0.8, 1.3, 1.2, 0.7)),
        _d("kazansky", "Kazansky District", 60, (0.8, 1.2, 1.3, 0.8)),
        _d("shlisselburg-road", "Shlisselburg Road District", 70, (1.3, 1.2, 0.6, 1.0)),
    ),
    delegates=9,
)

KRONSTADT = City(
    "kronstadt",
    "Kronstadt Soviet",
    (
        _w("kronstadt-fleet", "Baltic Fleet Crews", 210, _SEA),
        _w("kronstadt-yard", "Steam Ship Works", 120, _SEA, "anchor-square"),
        _w("kronstadt-garrison", "Fortress Garrison", 150, (1.2, 1.3, 0.6, 1.5)),
        _w("kronstadt-naval-hospital", "Naval Hospital", 40, _CLERK, "kronstadt-town"),
        _d("anchor-square", "Anchor Square Ward", 80, (1.1, 0.9, 0.6, 2.0)),
        _d("kronstadt-town", "Kronstadt Town Ward", 70, (0.9, 1.2, 1.1, 1.2)),
    ),
    delegates=3,
)

SHLISSELBURG = City(
    "shlisselburg",
    "Shlisselburg Soviet",
    (
        _w("powder-works", "Gunpowder Works", 140, (1.3, 1.2, 0.7, 0.8), "fortress-ward"),
        _w("cotton-mill", "Shlisselburg Cotton Mill", 110, _TEXTILE),
        _w("ladoga-canal", "Ladoga Canal Crews", 60, (1.0, 1.4, 0.8, 0.9)),
        _d("fortress-ward", "Fortress Ward", 60, (1.0, 1.3, 1.0, 0.8)),
        _d("preobrazhensky", "Preobrazhensky Ward", 50, (0.9, 1.5, 0.9, 0.7)),
    ),
    delegates=2,
)

CITIES: tuple[City, ...] = (PETROGRAD, KRONSTADT, SHLISSELBURG)

#: A workplace that joins the Petrograd Soviet in October, after every election was held: its
#: seats are vacant and its election is still under way when the demo ends, so a member has an
#: election to vote in. It is on the Vyborg side, and many of its workers live in (and join) the
#: Vyborg District, where a recall petition is under way: one member can do both.
LATE = PlaceSpec("renault", "Russian Renault Works", "workplace", 130, _RED, "vyborg")
LATE_COUNCIL = PETROGRAD.council
#: (council id, name, seats in the executive it elects).
REGION = ("northern-congress", "Northern Regional Congress of Soviets")
EXECUTIVE = ("northern-executive", "Northern Regional Executive Committee", 5)

MALE: tuple[str, ...] = (
    "Aleksandr", "Aleksei", "Anatoly", "Andrei", "Boris", "Dmitry", "Fyodor", "Georgy",
    "Grigory", "Ilya", "Ivan", "Konstantin", "Leonid", "Matvei", "Mikhail", "Nikolai",
    "Pavel", "Pyotr", "Roman", "Semyon", "Sergei", "Stepan", "Timofei", "Vasily", "Viktor",
    "Vladimir", "Yakov", "Yegor", "Yevgeny", "Yuri",
)  # fmt: skip
FEMALE: tuple[str, ...] = (
    "Aleksandra", "Anastasia", "Anna", "Darya", "Elena", "Evdokia", "Irina", "Klavdia",
    "Larisa", "Lidia", "Lyubov", "Maria", "Marfa", "Nadezhda", "Natalia", "Nina", "Olga",
    "Praskovya", "Sofia", "Tatiana", "Vera", "Yekaterina", "Yelizaveta", "Zinaida",
)  # fmt: skip
#: Surnames in their masculine form; the builder adds ``-a`` for women where Russian does.
SURNAMES: tuple[str, ...] = (
    "Alekseev", "Antonov", "Belov", "Bogdanov", "Bykov", "Denisov", "Egorov", "Fedorov",
    "Frolov", "Gavrilov", "Gerasimov", "Golubev", "Gusev", "Ilyin", "Ivanov", "Karpov",
    "Kiselev", "Kozlov", "Krylov", "Kudryavtsev", "Kuzmin", "Kuznetsov", "Lebedev",
    "Makarov", "Matveev", "Medvedev", "Mikhailov", "Morozov", "Nikitin", "Nikolaev",
    "Novikov", "Orlov", "Pavlov", "Petrov", "Polyakov", "Popov", "Romanov", "Semenov",
    "Sergeev", "Smirnov", "Sokolov", "Solovyov", "Stepanov", "Sorokin", "Tarasov",
    "Titov", "Vasiliev", "Vinogradov", "Volkov", "Vorobyov", "Yakovlev", "Zaitsev",
    "Zakharov", "Zhukov", "Zuev",
)  # fmt: skip
