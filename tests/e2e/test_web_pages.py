"""The plain HTML pages through HTTP: they render, show holders, factions and petitions,
escape what members type, and answer an unknown id with a 404 page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from councils.testing import Federation
from councils.testing.scenarios import petrograd
from councils.web.site import create_site

EVIL = '<script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def fed() -> Federation:
    """Petrograd with factions, a member with a hostile name, every tier elected, a recall
    petition under way and one election still open."""
    fed = petrograd()
    fed.run(
        {"command": "faction.create", "faction": "reds", "name": "Red Guards"},
        {"command": "faction.create", "faction": "greens", "name": "Green <Party>"},
        {
            "command": "member.register",
            "member": "m8",
            "name": EVIL,
            "constituency": "putilov",
            "faction": "greens",
        },
        {
            "command": "member.register",
            "member": "m9",
            "name": "Vera Zasulich",
            "constituency": "vyborg",
            "faction": "reds",
        },
    )
    ballots = {"m1": ["m8", "m2"], "m2": ["m2"], "m3": ["m8"], "m4": ["m2", "m8"], "m5": ["m3"]}
    fed.elect("putilov-1", "putilov", ["m8", "m2", "m3"], ballots)
    fed.elect("vyborg-1", "vyborg", ["m9", "m6"], {"m6": ["m9"], "m7": ["m9"], "m9": ["m9"]})
    fed.elect("city-1", "city-delegation", ["m8", "m9"], {"m8": ["m8"], "m2": ["m9"], "m9": ["m9"]})
    fed("recall.sign", constituency="putilov", delegate="m8", signer="m1")
    fed("election.open", election="region-1", constituency="region-delegation", candidates=["m9"])
    return fed


@pytest.fixture(scope="module")
def client(fed: Federation) -> Iterator[TestClient]:
    with TestClient(create_site(lambda: fed.uow, isolated_reads=False)) as c:
        yield c


def _text(html: str) -> str:
    """The page's text, tags dropped and whitespace squeezed, for checks on what it says."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_front_page_lists_councils_from_the_top_down(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="en">' in html
    assert html.index("Executive committee") < html.index("Northern congress")
    assert html.index("Northern congress") < html.index("Petrograd soviet")
    assert '<a href="/councils/city">Petrograd soviet</a>' in html
    text = _text(html)
    assert "1 workplace and 1 district" in text
    assert "the Northern congress" in text  # what elects the executive


def test_front_page_draws_the_pyramid_with_a_link_to_every_council(client: TestClient) -> None:
    html = client.get("/").text
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    assert start < html.index("<table")  # the drawing first, the tables kept beneath
    svg = ET.fromstring(html[start:end])
    assert svg.attrib["role"] == "group"  # not "img": its links must stay reachable
    assert "councils in" in svg.attrib["aria-label"]
    hrefs = {a.attrib["href"] for a in svg.iter("{http://www.w3.org/2000/svg}a")}
    tables = set(re.findall(r'<th scope="row"><a href="(/councils/[^"]+)"', html))
    assert tables and hrefs == tables
    assert "Green &lt;Party&gt;" in html[start:end]  # the legend, escaped


def test_council_page_shows_seats_holders_factions_and_petitions(client: TestClient) -> None:
    r = client.get("/councils/city")
    assert r.status_code == 200
    text = _text(r.text)
    assert "3 of 3 seats held" in text
    assert "Vera Zasulich" in text and "Red Guards" in text
    assert "Green &lt;Party&gt;" in r.text  # a faction's name is escaped too
    assert "Recall petitions under way" in text
    # one signature of five in the Putilov electorate (six members: threshold 4)
    assert re.search(r"1\s*</td>\s*<td class=\"num\">4</td>\s*<td class=\"num\">6</td>", r.text)
    assert '<meter min="0" max="4" value="1"' in r.text
    assert '<a href="/constituencies/city-delegation">its delegation</a>' in r.text


def test_council_page_lists_open_elections(client: TestClient) -> None:
    text = _text(client.get("/councils/exec").text)
    assert "region-1" in text and "No recall petition is under way" in text


def test_constituency_page_shows_electorate_delegates_and_petitions(client: TestClient) -> None:
    r = client.get("/constituencies/putilov")
    assert r.status_code == 200
    text = _text(r.text)
    assert "Electorate 6 members" in text
    assert "putilov-1" in text
    assert "Petrograd soviet" in text
    council_kind = _text(client.get("/constituencies/city-delegation").text)
    assert "members seated in the Petrograd soviet" in council_kind


def test_council_page_lists_elections_held_with_who_was_elected(client: TestClient) -> None:
    html = client.get("/councils/city").text
    text = _text(html)
    assert '<a href="#held">2 elections held</a>' in html
    held = html[html.index('<h2 id="held">') :]
    assert '<a href="/elections/putilov-1">putilov-1</a>' in held
    assert '<a href="/elections/vyborg-1">vyborg-1</a>' in held
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co, M2" in held  # in order
    assert held.index("putilov-1") < held.index("vyborg-1")  # by constituency, as the seats
    assert "No election is open" in text
    top = client.get("/councils/exec").text
    assert "No election has been held yet" in _text(top) and "region-1" in top


def test_constituency_page_shows_how_its_delegates_voted_in_the_council_above(
    client: TestClient,
) -> None:
    html = client.get("/constituencies/putilov").text
    votes = html[html.index('<h2 id="votes-above">') : html.index('<h2 id="petitions">')]
    text = _text(votes)
    assert "elect the delegation to the Northern congress" in text
    assert "M2 m2 ( no faction , seat 2): city-1 : ranked Vera Zasulich" in text
    assert '<a href="/elections/city-1">city-1</a>' in votes
    assert "&lt;script&gt;" in votes and "<script>" not in votes  # m8 voted for themself
    # the soviet's delegate sits in the congress, whose delegation has not voted yet
    above = _text(client.get("/constituencies/city-delegation").text)
    assert "Vera Zasulich m9 (Red Guards, seat 1) has cast no vote in the councils above yet" in (
        above
    )
    top = _text(client.get("/constituencies/region-delegation").text)
    assert "is at the top of the federation" in top


def test_names_are_escaped_everywhere(client: TestClient) -> None:
    for path in (
        "/councils/city",
        "/constituencies/putilov",
        "/elections/putilov-1",
        "/elections/city-1",
    ):
        html = client.get(path).text
        assert "<script>" not in html, path
        assert "&lt;script&gt;" in html, path


def test_closed_election_shows_candidates_and_the_rounds(client: TestClient) -> None:
    r = client.get("/elections/putilov-1")
    assert r.status_code == 200
    text = _text(r.text)
    assert "Status closed" in text
    assert "The count, round by round" in text
    assert "Round 1" in text
    assert "elected (1)" in text
    assert "<svg" in r.text  # the chart, inline, no script
    assert "<script" not in r.text.replace("&lt;script", "")


def test_an_open_ballot_election_shows_how_each_delegate_voted(client: TestClient) -> None:
    text = _text(client.get("/elections/city-1").text)
    assert "How each delegate voted" in text
    assert "open: how each delegate voted is public" in text


def test_an_open_election_is_not_counted_yet(client: TestClient) -> None:
    text = _text(client.get("/elections/region-1").text)
    assert "Status open" in text and "counted when the election closes" in text


@pytest.mark.parametrize(
    "path",
    ["/councils/nowhere", "/constituencies/nowhere", "/elections/nowhere", "/no/such/page"],
)
def test_unknown_ids_get_a_404_page(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in r.text


def test_an_unknown_api_path_stays_json(client: TestClient) -> None:
    r = client.get("/api/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")


def test_an_unknown_id_in_a_page_name_is_escaped(client: TestClient) -> None:
    r = client.get("/councils/%3Cb%3Ex")
    assert r.status_code == 404 and "<b>x" not in r.text


def test_the_stylesheet_is_served(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200 and "font" in r.text


def test_pages_never_list_the_members(
    client: TestClient, fed: Federation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page costs what the seats and candidates it shows cost, whatever the number of
    members: no page walks the list of members (or of memberships)."""

    def refuse() -> None:
        raise AssertionError("a page listed every member")

    monkeypatch.setattr(fed.uow.state, "members", refuse)
    for path in (
        "/",
        "/councils/city",
        "/constituencies/putilov",
        "/constituencies/city-delegation",
        "/elections/putilov-1",
        "/elections/city-1",
    ):
        assert client.get(path).status_code == 200, path
