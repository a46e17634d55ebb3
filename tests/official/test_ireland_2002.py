"""Our STV methods on the three 2002 Irish e-voting constituencies, against the official result.

Data: tests/data/ireland-2002 (see its SOURCES.md): every ballot of Dublin North, Dublin West
and Meath, in paper order. The official count used the Irish rules (whole papers from the last
parcel received, which Councils does not implement; see docs/counting.md, "Irish 2002"), so the
test records what our methods elect, in order, and checks that they elect the same members as
the official count.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from councils.counting import REGISTRY
from councils.counting.formats import read_profile

DATA = Path(__file__).resolve().parents[1] / "data" / "ireland-2002"

#: The members returned by the official count (a set: the order of election is not recorded).
OFFICIAL = {
    "dublin-north-2002": {"Trevor Sargent", "Seán Ryan", "Jim Glennon", "G. V. Wright"},
    "dublin-west-2002": {"Joe Higgins", "Joan Burton", "Brian Lenihan"},
    "meath-2002": {"Noel Dempsey", "Mary Wallace", "Johnny Brady", "John Bruton", "Damien English"},
}
SEATS = {"dublin-north-2002": 4, "dublin-west-2002": 3, "meath-2002": 5}

#: What each method elects, in its order of election.
RESULTS = {
    ("meek-stv", "dublin-north-2002"): [
        "Trevor Sargent",
        "Seán Ryan",
        "Jim Glennon",
        "G. V. Wright",
    ],
    ("meek-stv", "dublin-west-2002"): ["Brian Lenihan", "Joe Higgins", "Joan Burton"],
    ("meek-stv", "meath-2002"): [
        "Noel Dempsey",
        "John Bruton",
        "Mary Wallace",
        "Damien English",
        "Johnny Brady",
    ],
    ("scottish-stv", "dublin-north-2002"): [
        "Trevor Sargent",
        "Seán Ryan",
        "G. V. Wright",
        "Jim Glennon",
    ],
    ("scottish-stv", "dublin-west-2002"): ["Brian Lenihan", "Joe Higgins", "Joan Burton"],
    ("scottish-stv", "meath-2002"): [
        "Noel Dempsey",
        "John Bruton",
        "Mary Wallace",
        "Damien English",
        "Johnny Brady",
    ],
}


def test_the_data_is_whole() -> None:
    ballots = {name: read_profile(DATA / f"{name}.blt").total for name in OFFICIAL}
    assert ballots == {
        "dublin-north-2002": 43942,
        "dublin-west-2002": 29988,
        "meath-2002": 64081,
    }


@pytest.mark.parametrize(("method", "constituency"), sorted(RESULTS))
def test_method_elects_the_official_members(method: str, constituency: str) -> None:
    profile = read_profile(DATA / f"{constituency}.blt")
    assert profile.seats == SEATS[constituency]
    result = REGISTRY.get(method).count(profile, SEATS[constituency])
    assert result.elected_names == RESULTS[(method, constituency)]
    assert set(result.elected_names) == OFFICIAL[constituency]
