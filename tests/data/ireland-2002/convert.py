"""Convert the 2002 Irish e-voting pilot ballots (JSON) to BLT files, one ballot a line.

Usage: python tests/data/ireland-2002/convert.py [SOURCE_DIR]

SOURCE_DIR holds DublinNorth2002.json, DublinWest2002.json and Meath2002.json (see SOURCES.md
beside this script; default: ../../../../shared/data/ireland-2002 relative to this file, i.e.
the project's shared data folder). Each JSON file lists its candidates (code, name, party,
index) and one vector a ballot whose value at a candidate's index is that candidate's
preference (0 = not ranked). The BLT output keeps every ballot on its own line with weight 1, in
the order of the source file, because the Irish count can depend on the order of the papers.

Where the source folder also has the plain-text version of a constituency (dnorth.txt,
DublinWest.txt: four-letter codes in order of preference, padded with "XXXXX"), the script
checks that both give the same ballots in the same order, and stops if they do not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "ireland-2002"

CONSTITUENCIES = {
    "DublinNorth2002.json": ("dublin-north-2002.blt", "dnorth.txt"),
    "DublinWest2002.json": ("dublin-west-2002.blt", "DublinWest.txt"),
    "Meath2002.json": ("meath-2002.blt", None),
}


def convert(source: Path, target: Path, text: Path | None) -> int:
    data = json.loads(source.read_text(encoding="utf-8"))
    cands = sorted(data["Candidate"], key=lambda c: c["Index"])
    if [c["Index"] for c in cands] != list(range(len(cands))):
        raise SystemExit(f"{source.name}: candidate indices are not 0..n-1")
    codes = [c["Ref"] for c in cands]
    ballots: list[list[int]] = []
    for b, vector in enumerate(data["Ballot"]):
        marked = sorted((pref, i) for i, pref in enumerate(vector) if pref > 0)
        if [pref for pref, _ in marked] != list(range(1, len(marked) + 1)):
            raise SystemExit(f"{source.name}: ballot {b}: preferences are not 1, 2, 3, ...")
        ballots.append([i for _, i in marked])
    if text is not None and text.exists():
        plain = []
        for line in text.read_text(encoding="utf-8").splitlines():
            tokens = [t.strip('"') for t in line.split()]
            plain.append([codes.index(t) for t in tokens if t != "XXXXX"])
        if plain != ballots:
            raise SystemExit(f"{text.name} and {source.name} disagree")
    title = f"{data['Constituency']} {data['Date']['Year']}"
    lines = [f"{len(cands)} {data['Number of Seats']}"]
    lines += ["1 " + " ".join(str(i + 1) for i in ballot) + " 0" for ballot in ballots]
    lines.append("0")
    lines += ['"' + c["Name"].strip() + '"' for c in cands]
    lines.append(f'"{title}"')
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(ballots)


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    for json_name, (blt_name, text_name) in CONSTITUENCIES.items():
        text = source / text_name if text_name else None
        n = convert(source / json_name, HERE / blt_name, text)
        sys.stdout.write(f"{blt_name}: {n} ballots\n")


if __name__ == "__main__":
    main(sys.argv)
