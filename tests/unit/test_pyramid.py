"""The pyramid of councils, parsed as XML: a linked box per council, a mark per seat in its
faction's colour (hollow when vacant), names escaped, a legend, and wide tiers wrapped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from councils.web.pyramid import PALETTE, PER_ROW, PyramidCouncil, pyramid_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
EVIL = '<script>alert("x")</script> & "Co"'


def _tiers() -> list[list[PyramidCouncil]]:
    top = PyramidCouncil("exec", "Executive", ["red", "red", None])
    middle = PyramidCouncil("congress", "Congress", ["red", "green", None, None], ["exec"])
    cities = [
        PyramidCouncil("petrograd", "Petrograd", ["red"] * 5 + ["green"] * 2, ["congress"]),
        PyramidCouncil("kronstadt", EVIL, ["green", None], ["congress"]),
    ]
    return [[top], [middle], cities]


FACTIONS = {"red": "Red Guards", "green": "Green <Party>"}


def _svg(tiers: list[list[PyramidCouncil]] | None = None) -> ET.Element:
    return ET.fromstring(pyramid_svg(_tiers() if tiers is None else tiers, FACTIONS))


def _links(root: ET.Element) -> dict[str, ET.Element]:
    return {
        a.attrib["href"]: a
        for a in root.iterfind("svg:a", NS)
        if a.attrib.get("class") == "council"
    }


def test_one_linked_box_per_council() -> None:
    links = _links(_svg())
    assert set(links) == {
        "/councils/exec",
        "/councils/congress",
        "/councils/petrograd",
        "/councils/kronstadt",
    }
    for a in links.values():
        assert len([r for r in a.iterfind("svg:rect", NS) if r.attrib["class"] == "box"]) == 1
    assert links["/councils/petrograd"].findtext("svg:text", namespaces=NS) == "Petrograd"


def test_a_mark_per_seat_coloured_by_faction_vacant_hollow() -> None:
    links = _links(_svg())
    red, green = PALETTE[0], PALETTE[1]
    expected = {
        "/councils/exec": [red, red, "none"],
        "/councils/congress": [red, green, "none", "none"],
        "/councils/petrograd": [red] * 5 + [green] * 2,
        "/councils/kronstadt": [green, "none"],
    }
    for href, fills in expected.items():
        seats = [r for r in links[href].iterfind("svg:rect", NS) if r.attrib["class"] == "seat"]
        assert [s.attrib["fill"] for s in seats] == fills
        for s in seats:
            if s.attrib["fill"] == "none":
                assert s.attrib["stroke"]  # hollow, but drawn


def test_lines_run_up_to_the_councils_elected_into() -> None:
    root = _svg()
    lines = [ln for ln in root.iter("{http://www.w3.org/2000/svg}line")]
    assert len(lines) == 3  # two cities to the congress, the congress to the executive
    for ln in lines:
        assert float(ln.attrib["y1"]) > float(ln.attrib["y2"])  # from below, upwards


def test_hostile_names_are_escaped() -> None:
    text = pyramid_svg(_tiers(), FACTIONS)
    assert "<script>" not in text
    root = ET.fromstring(text)  # well-formed despite the names
    kron = _links(root)["/councils/kronstadt"]
    assert EVIL in (kron.findtext("svg:title", namespaces=NS) or "")
    assert "Green <Party>" in root.attrib["aria-label"]


def test_an_odd_council_id_is_quoted_in_the_link() -> None:
    odd = PyramidCouncil('a b"<c>', "Odd", [None])
    assert set(_links(_svg([[odd]]))) == {"/councils/a%20b%22%3Cc%3E"}


def test_the_legend_lists_the_factions_and_vacant_seats() -> None:
    root = _svg()
    legend = next(g for g in root.iterfind("svg:g", NS) if g.attrib.get("class") == "legend")
    names = [t.text for t in legend.iterfind("svg:text", NS)]
    assert names == ["Red Guards", "Green <Party>", "vacant or no faction"]
    fills = [r.attrib["fill"] for r in legend.iterfind("svg:rect", NS)]
    assert fills == [PALETTE[0], PALETTE[1], "none"]


def test_accessible_summary() -> None:
    root = _svg()
    assert root.attrib["role"] == "group"  # not "img": its links must stay reachable
    label = root.attrib["aria-label"]
    assert label.startswith("4 councils in 3 tiers, the top: Executive.")
    assert "Red Guards 8" in label and "vacant or no faction 4" in label
    assert label in (root.findtext("svg:title", namespaces=NS) or "")


def test_a_wide_tier_wraps_into_several_rows() -> None:
    base = [
        PyramidCouncil(f"city-{i}", f"City Soviet {i}", ["red"] * (i % 7) + [None], ["top"])
        for i in range(100)
    ]
    tiers = [[PyramidCouncil("top", "Top", ["red"] * 20)], base]
    root = _svg(tiers)
    links = _links(root)
    assert len(links) == 101
    rows = {float(a.find("svg:rect", NS).attrib["y"]) for a in links.values()}  # type: ignore[union-attr]
    assert len(rows) == 1 + -(-100 // PER_ROW)
    widths = {float(a.find("svg:rect", NS).attrib["width"]) for a in links.values()}  # type: ignore[union-attr]
    assert min(widths) >= 100  # still wide enough to read a name
    assert float(root.attrib["width"]) <= 960


def test_no_council_draws_an_empty_picture() -> None:
    root = ET.fromstring(pyramid_svg([], {}))
    assert root.attrib["aria-label"] == "no council yet."
