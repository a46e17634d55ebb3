"""The ballot in a real browser (web/static/ballot.js): Up/Down buttons and dragging reorder
the candidates and the numbers follow; the keyboard alone casts a ballot; the receipt comes back.

The site runs in this process (tests/e2e/browser/inprocess.py) over a real SQLite federation,
so a test can log a member in by handing the browser a session cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inprocess import Served, serve_site

from councils.domain.ids import ElectionId
from councils.testing.scenarios import city_council, putilov_works, register

SETUP: list[dict[str, object]] = [
    city_council(),
    putilov_works(seats=1),
    *register("putilov", {"m1": "Anna", "m2": "Boris", "m3": "Clara", "m4": "Dora"}),
    {
        "command": "election.open",
        "election": "e1",
        "constituency": "putilov",
        "candidates": ["m1", "m2", "m3"],
    },
]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Served]:
    with serve_site(tmp_path, SETUP) as served:
        yield served


def _order(page: Any) -> list[tuple[str, str]]:
    """The candidates as they stand, each with the number in their box."""
    rows = page.eval_on_selector_all(
        "li.choice",
        "els => els.map(li => [li.dataset.candidate, li.querySelector('input.rank').value])",
    )
    return [(c, v) for c, v in rows]


def test_buttons_and_dragging_reorder_and_the_numbers_follow(
    browser: Any, site: Served, artifacts: Path
) -> None:
    backend = site.backend
    page = site.page_as(browser, "m4")
    page.goto("/elections/e1/ballot")
    assert page.is_visible("#drag-help")
    assert _order(page) == [("m1", ""), ("m2", ""), ("m3", "")]
    page.click("button[aria-label='Move Clara up']")  # Clara becomes the first choice
    assert _order(page) == [("m3", "1"), ("m1", ""), ("m2", "")]
    assert "Clara is now choice 1 of 1" in page.inner_text("#ballot-status")
    page.click("button[aria-label='Move Boris up']")
    assert _order(page) == [("m3", "1"), ("m2", "2"), ("m1", "")]
    page.click("button[aria-label='Move Boris up']")
    assert _order(page) == [("m2", "1"), ("m3", "2"), ("m1", "")]
    page.locator("li[data-candidate='m1']").drag_to(page.locator("li[data-candidate='m2']"))
    order = _order(page)
    assert [v for _, v in order] == ["1", "2", "3"] and order[0][0] == "m1", order
    page.screenshot(path=str(artifacts / "ballot.png"), full_page=True)
    page.click("text=Review my ballot")
    assert page.inner_text("ol.ranking").split("\n")[0].startswith("Anna")
    page.click("text=Confirm my ballot")
    assert "Your ballot is cast" in page.inner_text("h1")
    assert '"type":"record.receipt"' in page.inner_text("#receipt")
    with backend.reading() as reading:
        assert reading.view.voters(ElectionId("e1")) == ("m4",)
    page.context.close()


def test_the_keyboard_alone_casts_a_ballot(browser: Any, site: Served) -> None:
    backend = site.backend
    page = site.page_as(browser, "m3")
    page.goto("/elections/e1/ballot")
    page.focus("#rank-m1")
    page.keyboard.type("1")  # typing changes nothing else: the list never jumps
    assert _order(page) == [("m1", "1"), ("m2", ""), ("m3", "")]
    page.focus("button[aria-label='Move Clara up']")
    page.keyboard.press("Enter")  # Clara moves above Boris and joins the ranking
    assert _order(page) == [("m1", "1"), ("m3", "2"), ("m2", "")]
    page.keyboard.press("Enter")  # the focus stays on Clara's button: up again
    assert _order(page) == [("m3", "1"), ("m1", "2"), ("m2", "")]
    page.focus("button[aria-label='Move Clara down']")
    page.keyboard.press("Enter")
    assert _order(page) == [("m1", "1"), ("m3", "2"), ("m2", "")]
    page.focus("text=Review my ballot")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.ranking")
    page.focus("text=Confirm my ballot")
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt")
    with backend.reading() as reading:
        assert reading.view.voters(ElectionId("e1")) == ("m3",)
    page.context.close()


#: The member's and organiser's pages, as a logged-in organiser who is also a member sees them.
AXE_PAGES = [
    "/elections/e1/ballot",
    "/constituencies/putilov/recall",
    "/me",
    "/record",
    "/councils/new",
    "/councils/city/organise",
    "/elections/e1/close",
    "/me/tokens",
    "/login",
]


def test_axe_finds_no_serious_violation_on_the_member_and_organiser_pages(
    browser: Any, site: Served, axe_path: Path
) -> None:
    site.run({"command": "organiser.appoint", "council": "city", "organiser": "m2"})
    page = site.page_as(browser, "m2")
    failures = []
    for path in AXE_PAGES:
        page.goto(path)
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate("async () => await axe.run(document)")
        blocking = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        failures += [
            f"{path}: {v['id']} ({v['help']}): {v['nodes'][0]['target']}" for v in blocking
        ]
    # a refused form and the confirmation and receipt pages too
    page.goto("/elections/e1/ballot")
    page.fill("#rank-m1", "1")
    page.fill("#rank-m2", "1")
    page.click("text=Review my ballot")
    for step in ("refused", "confirm", "receipt"):
        if step == "confirm":
            page.fill("#rank-m2", "2")
            page.click("text=Review my ballot")
        if step == "receipt":
            page.click("text=Confirm my ballot")
        page.add_script_tag(path=str(axe_path))
        result = page.evaluate("async () => await axe.run(document)")
        blocking = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        failures += [
            f"{step}: {v['id']} ({v['help']}): {v['nodes'][0]['target']}" for v in blocking
        ]
    # the account pages a member sees before logging in: an invitation, a refused login
    fresh = site.new_page(browser)
    fresh.goto(f"/invitations/{site.accounts.create('m4', 'Dora', 'dora@example.org')}")
    failures += _axe(fresh, axe_path, "invitation")
    fresh.goto("/login")
    fresh.fill("#email", "dora@example.org")
    fresh.fill("#password", "not her password")
    fresh.get_by_role("button", name="Log in").click()
    assert "wrong e-mail address or password" in fresh.inner_text("main")
    failures += _axe(fresh, axe_path, "refused login")
    fresh.context.close()
    page.context.close()
    assert not failures, "\n".join(failures)


def _axe(page: Any, axe_path: Path, what: str) -> list[str]:
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate("async () => await axe.run(document)")
    blocking = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{what}: {v['id']} ({v['help']}): {v['nodes'][0]['target']}" for v in blocking]
