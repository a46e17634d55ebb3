"""The whole story in a real browser, through the pages only: an organiser founds two councils
and registers members from a CSV; members set their passwords from their invitations, rank the
candidates and keep their receipts; the delegates elect the council above; members sign a
recall until the threshold, and the council pages show the seat refilled by countback and the
cascade in the council above; a receipt checks against the record.

Screenshots of the main steps go to tests/artifacts/ (story-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inprocess import PASSWORD, Served, serve_site

from councils.domain.ids import ConstituencyId, CouncilId

MEMBERS = [
    ("a1", "Anna Ivanova"),
    ("a2", "Boris Petrov"),
    ("a3", "Clara Zetkin"),
    ("a4", "Dora Kaplan"),
    ("a5", "Egor Sazonov"),
]
#: Putilov's ballots: Anna and Boris win its two seats; Clara is next (the countback).
RANKS = {
    "a1": ["a1", "a3"],
    "a2": ["a2"],
    "a3": ["a3", "a1"],
    "a4": ["a1"],
    "a5": ["a2"],
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Served]:
    with serve_site(tmp_path) as served:
        yield served


def _organiser(browser: Any, site: Served) -> Any:
    """The organiser's account is made (as on the command line); they accept the invitation
    in the browser."""
    token = site.accounts.create("@olga", "Olga", "olga@example.org")
    page = site.new_page(browser)
    page.goto(f"/invitations/{token}")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("text=Set password and log in")
    page.wait_for_url(re.compile(r"/me$"))
    return page


def _found(page: Any, council: str, name: str) -> None:
    page.goto("/")
    page.click("text=Found a council")
    page.fill("#council", council)
    page.fill("#name", name)
    page.click("text=Found the council")
    page.wait_for_url(re.compile(f"/councils/{council}/organise"))


def _constituency(page: Any, cid: str, name: str, kind: str, seats: int, of: str = "") -> None:
    page.fill("#k-id", cid)
    page.fill("#k-name", name)
    page.select_option("#k-kind", kind)
    page.fill("#k-seats", str(seats))
    if of:
        page.select_option("#k-of", of)
    page.click("text=Create the constituency")
    assert "The constituency is created" in page.inner_text("main")


def _open(page: Any, council: str, election: str, constituency: str, candidates: str) -> None:
    page.goto(f"/councils/{council}/organise")
    page.fill("#e-id", election)
    page.select_option("#e-constituency", constituency)
    page.fill("#e-candidates", candidates)
    page.click("text=Open the election")
    page.wait_for_url(re.compile(f"/elections/{election}$"))


def _close(page: Any, election: str) -> None:
    page.goto(f"/elections/{election}")
    page.click("text=Close this election…")
    page.click("text=Close and count")
    page.wait_for_url(re.compile(f"/elections/{election}"))


def _vote(page: Any, election: str, ranking: list[str]) -> str:
    """Cast a ballot by typing numbers; returns the receipt's JSON."""
    page.goto("/me")
    page.click(f"text=Cast your ballot in {election}")
    for n, candidate in enumerate(ranking, 1):
        page.fill(f"#rank-{candidate}", str(n))
    page.click("text=Review my ballot")
    page.click("text=Confirm my ballot")
    page.wait_for_selector("#receipt")
    return str(page.inner_text("#receipt"))


def test_the_story_from_founding_to_recall(
    browser: Any, site: Served, tmp_path: Path, artifacts: Path
) -> None:
    olga = _organiser(browser, site)
    _found(olga, "city", "Petrograd soviet")
    _constituency(olga, "putilov", "Putilov works", "workplace", 2)
    _found(olga, "region", "Northern congress")
    _constituency(olga, "city-delegation", "Delegation of the soviet", "council", 1, of="city")

    # the members, from a CSV file
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(
        "name,constituency,email,member\n"
        + "".join(f"{n},putilov,{m}@example.org,{m}\n" for m, n in MEMBERS)
    )
    olga.goto("/councils/city/organise")
    olga.set_input_files("#csv", str(csv_file))
    olga.get_by_role("button", name="Import the file").click()
    assert "5 members registered" in olga.inner_text("h1")
    olga.screenshot(path=str(artifacts / "story-invitations.png"), full_page=True)
    links = re.findall(r"(/invitations/[A-Za-z0-9_%-]+)", olga.content())
    assert len(links) == 5

    _open(olga, "city", "p-1", "putilov", "a1 a2 a3")
    receipts: dict[str, str] = {}
    members: dict[str, Any] = {}
    for (m, _), link in zip(MEMBERS, links, strict=True):
        page = site.new_page(browser)
        page.goto(link)
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.click("text=Set password and log in")
        page.wait_for_url(re.compile(r"/me$"))
        receipts[m] = _vote(page, "p-1", RANKS[m])
        members[m] = page
    members["a1"].screenshot(path=str(artifacts / "story-receipt.png"), full_page=True)
    _close(olga, "p-1")

    # the delegates of Putilov elect the soviet's delegate to the congress (an open ballot)
    _open(olga, "region", "r-1", "city-delegation", "a1 a2")
    _vote(members["a1"], "r-1", ["a1", "a2"])
    _vote(members["a2"], "r-1", ["a1", "a2"])
    _close(olga, "r-1")
    with site.backend.reading() as reading:
        view = reading.view
        assert {s.holder for s in view.seats(ConstituencyId("putilov"))} == {"a1", "a2"}
        assert [s.holder for s in view.seats(ConstituencyId("city-delegation"))] == ["a1"]

    # three of five sign the recall of Anna: her mandate ends, Clara takes the seat, and Anna's
    # seat in the congress, which she held as the soviet's delegate, goes to Boris
    for m in ("a3", "a4", "a5"):
        page = members[m]
        page.goto("/constituencies/putilov")
        page.click("text=Recall a delegate")
        page.click("button:has-text('Sign the petition to recall Anna Ivanova')")
    said = members["a5"].inner_text("#outcome")
    assert "Anna Ivanova's mandate as delegate of Putilov works ended" in said
    assert re.search(r"Seat \d is now held by Clara Zetkin", said)
    members["a5"].screenshot(path=str(artifacts / "story-recall.png"), full_page=True)
    city = members["a5"]
    city.goto("/councils/city")
    seats = city.inner_text("section[aria-labelledby=seats]")  # the held elections name her
    assert "Clara Zetkin" in seats and "Anna Ivanova" not in seats
    city.goto("/councils/region")
    region = city.inner_text("section[aria-labelledby=seats]")
    assert "Boris Petrov" in region and "Anna Ivanova" not in region
    city.screenshot(path=str(artifacts / "story-cascade.png"), full_page=True)
    with site.backend.reading() as reading:
        assert reading.view.organisers(CouncilId("city")) == ("@olga",)

    # a receipt kept from the first ballot still checks against the record, now larger
    check = site.new_page(browser)
    check.goto("/record")
    check.fill("#receipt", receipts["a4"])
    check.get_by_role("button", name="Check my receipt").click()
    result = check.inner_text("#check-result")
    assert "Included at index" in result and "a4 voted in election p-1" in result
    for page in [olga, check, *members.values()]:
        page.context.close()
