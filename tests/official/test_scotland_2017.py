"""scottish-stv against the official results of 111 wards of the 2017 Scottish council elections.

Data: tests/data/scotland-2017 (see its SOURCES.md): the real ballots of each ward (BLT) and
a transcription of its stage-by-stage result sheet. For every ward the count must:

* elect exactly the official councillors, each at the stage the sheet says, in the official
  order (index.csv lists the councillors of one stage in ballot-paper order: the sheets give
  only the stage, so our order — votes, highest first — is compared stage by stage);
* exclude each excluded candidate at the stage the sheet says (the sheet marks a candidate
  excluded at the stage whose totals excluded them; our round is the next one, whose transfer
  moves their papers);
* have the official quota and number of stages;
* give every candidate's total and transfer at every stage as the sheet prints it.

How a printed figure is read: the sheets print votes to 5 places with trailing zeros dropped
(``913.5706`` is 913.57060), so such a figure must equal ours exactly. Some sheets print a
figure to fewer places, and then it is read at the places printed, the way that sheet prints:
four councils print some figures rounded to 2 places (``1001.36`` for 1001.35590), and Glasgow
prints some totals cut to 4 places (``998.5328`` for 998.53286, ``680.668`` for 680.66808).
Nothing else is tolerated: the one figure that is neither is a transcription slip, listed in
``TRANSCRIPTION_ERRORS`` with the reason, and there our figure must equal the corrected one.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from councils.counting import REGISTRY, Count, Profile
from councils.counting.formats import read_profile

DATA = Path(__file__).resolve().parents[1] / "data" / "scotland-2017"

#: Councils whose sheets print some totals and transfers rounded to 2 places.
TWO_PLACE_COUNCILS = frozenset({"aberdeen", "clackmannanshire", "dundee", "glasgow"})
#: Councils whose sheets print some totals cut (truncated) to 4 places.
FOUR_PLACE_COUNCILS = frozenset({"glasgow"})

#: (sheet file, stage, candidate surname as the sheet spells it, field) → (printed, correct).
TRANSCRIPTION_ERRORS: dict[tuple[str, int, str, str], tuple[str, str]] = {
    # Stage 2 total 293 + stage 3 transfer 10 = 303, and stage 4 is 303 + 7 = 310: "393" is
    # a slip of one digit.
    ("glasgow_2017_ward1.results.json", 3, "Digney", "Total_Votes"): ("393", "303"),
}


@dataclass(frozen=True)
class Ward:
    blt: str
    sheet: str
    council: str
    seats: int
    quota: int
    stages: int
    elected: tuple[str, ...]


def _wards() -> list[Ward]:
    with (DATA / "index.csv").open(encoding="utf-8", newline="") as f:
        return [
            Ward(
                blt=row["ballots_file"],
                sheet=row["result_sheet"],
                council=row["council"],
                seats=int(row["seats"]),
                quota=int(row["quota"]),
                stages=int(row["stages"]),
                elected=tuple(row["elected_in_order"].split("; ")),
            )
            for row in csv.DictReader(f)
        ]


WARDS = _wards()


@cache
def _counted(blt: str, seats: int) -> tuple[Profile, Count]:
    profile = read_profile(DATA / blt)
    return profile, REGISTRY.get("scottish-stv").count(profile, seats)


def _norm(name: str) -> str:
    name = re.sub(r"\(.*?\)", " ", name)
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z]", " ", name).split())


def _sheet(ward: Ward) -> tuple[dict[str, object], dict[str, dict[int, dict[str, object]]]]:
    """countInfo, and each candidate's rows of the sheet by Candidate_Id and stage."""
    data = json.loads((DATA / ward.sheet).read_text(encoding="utf-8"))["Constituency"]
    cands: dict[str, dict[int, dict[str, object]]] = {}
    for row in data["countGroup"]:
        cands.setdefault(str(row["Candidate_Id"]), {})[int(row["Count_Number"])] = row
    return data["countInfo"], cands


def _match(profile: Profile, cands: dict[str, dict[int, dict[str, object]]]) -> dict[str, int]:
    """Sheet candidate → BLT candidate. The sheets spell some names differently ("Allen" for
    ALLAN), so match on first preferences (equal to stage 1 in every ward), and on the surname
    where two candidates had the same first preferences."""
    firsts = profile.first_preferences()
    out: dict[str, int] = {}
    for cid, stages in cands.items():
        votes = Decimal(str(stages[1]["Total_Votes"]))
        same = [c for c in range(profile.n_candidates) if firsts[c] == votes]
        if len(same) > 1:
            surname = _norm(str(stages[1]["Surname"]))
            same = [c for c in same if surname in _norm(profile.candidates[c]).split()]
        assert len(same) == 1, f"cannot match sheet candidate {stages[1]['Surname']}"
        out[cid] = same[0]
    assert sorted(out.values()) == list(range(profile.n_candidates))
    return out


def _printed_matches(ours: Decimal, printed: str, council: str) -> bool:
    """Whether ``ours`` is the figure the sheet prints, read at the places it prints."""
    figure = Decimal(printed)
    if ours == figure:
        return True
    places = len(printed.split(".")[1]) if "." in printed else 0
    if places == 2 and council in TWO_PLACE_COUNCILS:
        return ours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == figure
    if places in (3, 4) and council in FOUR_PLACE_COUNCILS:
        return ours.quantize(Decimal("0.0001"), rounding=ROUND_DOWN) == figure
    return False


def ids(ward: Ward) -> str:
    return ward.blt.removesuffix(".blt")


@pytest.mark.parametrize("ward", WARDS, ids=ids)
def test_elects_the_official_councillors_at_the_official_stages(ward: Ward) -> None:
    profile, result = _counted(ward.blt, ward.seats)
    info, cands = _sheet(ward)
    match = _match(profile, cands)
    assert profile.seats == ward.seats
    assert result.quota == ward.quota == int(str(info["Quota"]))
    assert len(result.rounds) == ward.stages
    assert sorted(result.elected_names) == sorted(ward.elected)

    elected_at = {c: r.number for r in result.rounds for c in r.elected}
    excluded_at = {c: r.number - 1 for r in result.rounds for c in r.excluded}
    for cid, stages in cands.items():
        final = stages[max(stages)]
        c = match[cid]
        if final["Status"] == "Elected":
            assert elected_at.get(c) == int(str(final["Occurred_On_Count"])), final["Surname"]
        elif final["Status"] == "Excluded":
            assert excluded_at.get(c) == int(str(final["Occurred_On_Count"])), final["Surname"]
        else:
            assert c not in elected_at and c not in excluded_at, final["Surname"]

    # Order of election: by stage; index.csv lists one stage's councillors in ballot order.
    stages_in_order = [elected_at[c] for c in result.elected]
    assert stages_in_order == sorted(stages_in_order)
    official = sorted(result.elected, key=lambda c: (elected_at[c], c))
    assert tuple(profile.candidates[c] for c in official) == ward.elected


@pytest.mark.parametrize("ward", WARDS, ids=ids)
def test_every_stage_total_and_transfer_is_the_official_figure(ward: Ward) -> None:
    profile, result = _counted(ward.blt, ward.seats)
    _, cands = _sheet(ward)
    match = _match(profile, cands)
    wrong: list[str] = []
    for cid, stages in cands.items():
        c = match[cid]
        for number, row in sorted(stages.items()):
            rnd = result.rounds[number - 1]
            for field, ours in (
                ("Total_Votes", rnd.totals[c]),
                ("Transfers", rnd.transfers[c] if rnd.transfers else Decimal(0)),
            ):
                assert ours is not None
                printed = str(row[field]).strip()
                known = TRANSCRIPTION_ERRORS.get((ward.sheet, number, str(row["Surname"]), field))
                if known is not None:
                    assert printed == known[0], "a listed transcription error is not in the sheet"
                    printed = known[1]
                if not _printed_matches(ours, printed, ward.council):
                    wrong.append(f"stage {number} {row['Surname']} {field}: {ours} vs {printed}")
    assert not wrong, "\n".join(wrong)


def test_every_listed_transcription_error_names_a_ward_we_count() -> None:
    sheets = {w.sheet for w in WARDS}
    assert {key[0] for key in TRANSCRIPTION_ERRORS} <= sheets
