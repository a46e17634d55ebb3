from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from councils.counting import Count, Round
from councils.web.charts import rounds_svg

SVG = "{http://www.w3.org/2000/svg}"


def _count() -> Count:
    d = Decimal
    return Count(
        method="scottish-stv",
        seats=1,
        candidates=("Ann <A&B>", "Bob", "Cat"),
        elected=(0,),
        quota=d(51),
        rounds=(
            Round(1, "first preferences", (d(50), d(30), d(20))),
            Round(2, "exclusion", (d(60), d(40), d(0)), excluded=(2,), elected=(0,)),
            Round(3, "end", (d(60), d(40), None)),
        ),
    )


def test_chart_has_a_line_per_candidate_and_escapes_names() -> None:
    svg = rounds_svg(_count(), title="Ward <1>")
    root = ET.fromstring(svg)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3
    # Cat takes no part after round 2: two points.
    assert len(lines[2].attrib["points"].split()) == 2
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any("Ann <A&B> ✓" in t for t in texts)
    assert any(t.startswith("quota 51") for t in texts)


def test_chart_marks_election_and_exclusion() -> None:
    root = ET.fromstring(rounds_svg(_count()))
    fills = [c.attrib["fill"] for c in root.iter(f"{SVG}circle")]
    assert fills.count("#1a7f37") == 1 and fills.count("#cf222e") == 1
