"""schulze on the Debian Project Leader elections of 2010 and 2012: Stefano Zacchiroli won both.

Data: tests/data/debian (PrefLib dataset 00002, files 00002-00000006.soi = 2010 and
00002-00000007.soi = 2012; see its SOURCES.md). PrefLib keeps strict (possibly incomplete)
orders only, where Debian ballots may rank options equal, and Debian's quorum, majority and
"None Of The Above" rules are not modeled (docs/counting.md, "schulze"): NOTA is counted as an
ordinary candidate here, and loses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from councils.counting import REGISTRY
from councils.counting.formats import read_profile

DATA = Path(__file__).resolve().parents[1] / "data" / "debian"

ELECTIONS = {
    "00002-00000006.soi": (
        436,
        [
            "Stefano Zacchiroli",
            "Wouter Verhelst",
            "Margarita Manterola",
            "Charles Plessy",
            "None Of The Above",
        ],
    ),
    "00002-00000007.soi": (
        403,
        ["Stefano Zacchiroli", "Wouter Verhelst", "Gergely Nagy", "None Of The Above"],
    ),
}


@pytest.mark.parametrize("file", sorted(ELECTIONS))
def test_schulze_elects_zacchiroli(file: str) -> None:
    ballots, ranking = ELECTIONS[file]
    profile = read_profile(DATA / file)
    assert profile.total == ballots
    result = REGISTRY.get("schulze").count(profile, 1)
    assert result.elected_names == ["Stefano Zacchiroli"]
    assert result.ranking is not None
    assert [profile.candidates[c] for c in result.ranking] == ranking
    # A Condorcet winner: beats every rival head to head, so no lot was needed.
    assert not any("lot" in note for r in result.rounds for note in r.notes)


def test_zacchiroli_beats_verhelst_head_to_head_in_2010() -> None:
    profile = read_profile(DATA / "00002-00000006.soi")
    result = REGISTRY.get("schulze").count(profile, 1)
    assert "Stefano Zacchiroli over Wouter Verhelst: 323 to 102" in result.rounds[0].notes
