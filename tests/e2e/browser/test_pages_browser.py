"""The pages in a real browser: a reader starts at the federation and clicks through to a
council, a constituency and an election, as ``councils demo`` builds them (seed 1917, so the
names and numbers below are fixed). Each page is saved as a full-page screenshot in
tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip with the reason (or fail in CI)
    expect = None


def _shot(page: Any, artifacts: Path, name: str) -> None:
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_click_from_the_federation_to_an_election(page: Any, artifacts: Path) -> None:
    page.goto("/")
    expect(page).to_have_title("The federation — Councils")
    expect(page.get_by_role("heading", level=1)).to_have_text("The federation")
    expect(page.get_by_role("heading", name="The top of the federation")).to_be_visible()
    top = page.get_by_role("row").filter(has_text="Northern Regional Executive Committee")
    expect(top.get_by_role("cell").nth(3)).to_have_text(
        "Bolsheviks 3, Socialist Revolutionaries 1, Mensheviks 1"
    )
    petrograd = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Petrograd Soviet", exact=True)
    )
    # seats, held, elected by, factions, open elections, recall petitions: the Russian Renault
    # Works joined late, and its three seats are vacant while its election is under way
    expect(petrograd.get_by_role("cell").nth(0)).to_have_text("99")
    expect(petrograd.get_by_role("cell").nth(1)).to_have_text("96")
    expect(petrograd.get_by_role("cell").nth(4)).to_have_text("1")
    expect(petrograd.get_by_role("cell").nth(5)).to_have_text("4")
    _shot(page, artifacts, "federation")

    page.get_by_role("table").get_by_role("link", name="Petrograd Soviet", exact=True).click()
    expect(page).to_have_url(re.compile(r"/councils/petrograd$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Petrograd Soviet")
    expect(page.locator("p.lead")).to_contain_text("96 of 99 seats held")
    # the sentences of the lead are apart: "… Anarchist Federation 6. 4 recall petitions …"
    expect(page.locator("p.lead")).to_contain_text("Anarchist Federation 6. 4 recall petitions")
    expect(page.get_by_role("link", name="4 recall petitions under way")).to_be_visible()
    expect(page.get_by_role("link", name="1 election open")).to_be_visible()
    seats = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Holder"))
    expect(seats.get_by_role("row")).to_have_count(100)  # a header and 99 seats
    petitions = page.get_by_role("table", name="Recall petitions against delegates of this council")
    expect(petitions.get_by_role("row")).to_have_count(5)  # a header and 4 petitions
    _shot(page, artifacts, "council")

    page.get_by_role("link", name="4 recall petitions under way").click()
    expect(page).to_have_url(re.compile(r"#petitions$"))
    petitions.get_by_role("link", name="Putilov Works", exact=True).click()
    expect(page).to_have_url(re.compile(r"/constituencies/putilov$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Putilov Works")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_have_text("Federation › Petrograd Soviet › Putilov Works")
    delegates = page.get_by_role("table", name="Seats of Putilov Works")
    expect(delegates.get_by_role("row")).to_have_count(8)
    expect(delegates.get_by_role("rowheader").first).to_contain_text("Marfa Solovyova")
    petition = page.get_by_role("table", name="Recall petitions under way in Putilov Works")
    row = petition.get_by_role("row").filter(has_text="Dmitry Gerasimov")
    # faction, signatures, threshold, electorate, progress
    expect(row.get_by_role("cell").nth(1)).to_have_text("96")
    expect(row.get_by_role("cell").nth(2)).to_have_text("211")
    expect(row.locator("meter")).to_have_attribute("value", "96")
    _shot(page, artifacts, "constituency")

    delegates.get_by_role("link", name="putilov-1917").first.click()
    expect(page).to_have_url(re.compile(r"/elections/putilov-1917$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Election putilov-1917: Putilov Works"
    )
    candidates = page.get_by_role("table", name="Candidates in putilov-1917")
    expect(candidates.get_by_role("cell", name=re.compile(r"^elected"))).to_have_count(7)
    count = page.get_by_role("table", name="Totals of each candidate in each round")
    expect(count.get_by_role("columnheader", name="Round 11")).to_be_visible()
    expect(count.get_by_role("row").filter(has_text="Marfa Solovyova")).to_contain_text("74")
    chart = page.locator("figure svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    expect(page.locator("figure figcaption")).to_contain_text("the dashed line is the quota")
    _shot(page, artifacts, "election")

    # and back up by the breadcrumbs
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Petrograd Soviet"
    ).click()
    expect(page).to_have_url(re.compile(r"/councils/petrograd$"))


def test_the_pyramid_links_to_each_council(page: Any, artifacts: Path) -> None:
    page.goto("/")
    pyramid = page.locator("figure.pyramid svg")
    expect(pyramid).to_be_visible()
    box = pyramid.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 200
    expect(pyramid.locator("a.council")).to_have_count(5)
    expect(pyramid.locator('a[href="/councils/kronstadt"] rect.seat')).to_have_count(16)
    expect(pyramid.locator("g.legend")).to_contain_text("Bolsheviks")
    _shot(page, artifacts, "pyramid")
    pyramid.locator('a[href="/councils/kronstadt"]').click()
    expect(page).to_have_url(re.compile(r"/councils/kronstadt$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kronstadt Soviet")


def test_an_open_ballot_shows_how_each_delegate_voted(page: Any, artifacts: Path) -> None:
    page.goto("/councils/petrograd")
    page.get_by_role("link", name="its delegation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegation of the Petrograd Soviet")
    page.get_by_role("link", name="petrograd-delegation-1917").first.click()
    expect(page.get_by_role("heading", name="How each delegate voted")).to_be_visible()
    votes = page.get_by_role("table", name="Open ballots")
    assert votes.get_by_role("row").count() > 50
    _shot(page, artifacts, "open-ballot")


def test_an_unknown_page_says_what_was_not_found(page: Any, artifacts: Path) -> None:
    response = page.goto("/councils/nowhere")
    assert response is not None and response.status == 404
    expect(page.get_by_role("main")).to_contain_text("nowhere")
    _shot(page, artifacts, "not-found")
