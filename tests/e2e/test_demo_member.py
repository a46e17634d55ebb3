"""The demo member, as ``councils demo`` builds and prints them, does the two things a member
does on the site: logs in with the printed e-mail and password, casts a ballot in the election
the demo leaves open, and signs a recall petition under way. Built in-process into a real
SQLite file (the same commands and seed as ``councils demo``), then browsed over HTTPS with the
test client, as a browser would, through the login form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from pages_setup import csrf_of, text_of

from councils.cli.demo_accounts import MEMBER_EMAIL, MEMBER_PASSWORD, DemoLogin, make_demo_accounts
from councils.cli.serve import per_thread
from councils.domain.ids import ConstituencyId, ElectionId, MemberId
from councils.service import bootstrap
from councils.service.accounts import cheap_hasher
from councils.service.uow import UnitOfWork
from councils.sim.demo_build import DemoSummary, build_demo
from councils.storage.accounts import SqlAccounts
from councils.storage.engine import create_engine
from councils.web.site import create_site


@dataclass
class Demo:
    summary: DemoSummary
    member: DemoLogin
    factory: Callable[[], UnitOfWork]
    browser: TestClient

    def view(self) -> UnitOfWork:
        """A unit of work to read the state the site has just written."""
        return self.factory()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'councils-demo.db'}"
    bootstrap.init_federation(url)
    factory = per_thread(bootstrap.open_uow(url))
    summary = build_demo(factory)
    accounts = SqlAccounts(create_engine(url), hasher=cheap_hasher())
    logins = make_demo_accounts(factory, accounts)
    (member,) = [x for x in logins if x.role == "member"]
    app = create_site(factory, accounts=accounts, read_factory=bootstrap.open_reader(url))
    with TestClient(app, base_url="https://testserver") as browser:
        yield Demo(summary, member, factory, browser)


def _log_in(browser: TestClient, next_url: str) -> str:
    """Log in through the form with the printed credentials; returns the page landed on."""
    form = browser.get(f"/login?next={next_url}").text
    r = browser.post(
        "/login",
        data={
            "email": MEMBER_EMAIL,
            "password": MEMBER_PASSWORD,
            "csrf": csrf_of(form),
            "next": next_url,
        },
    )
    assert r.status_code == 200 and str(r.url).endswith(next_url), text_of(r.text)
    return r.text


def test_the_demo_leaves_one_election_open_and_the_member_can_vote_and_sign(demo: Demo) -> None:
    assert [(e, n) for e, n, *_ in demo.summary.open_elections] == [
        ("renault-1917", "Russian Renault Works")
    ]
    assert demo.member.election == "renault-1917"
    assert demo.member.recall == "vyborg"
    with demo.view() as uow:
        view, member = uow.view, MemberId(demo.member.actor)
        assert set(view.memberships(member)) == {"renault", "vyborg"}
        assert not view.seats_held_by(member)
        assert (
            0
            < view.turnout(ElectionId("renault-1917"))
            < view.electorate_size(ConstituencyId("renault"))
        )


def test_the_demo_member_logs_in_and_casts_a_ballot_in_the_open_election(demo: Demo) -> None:
    election = ElectionId("renault-1917")
    with demo.view() as uow:
        before = uow.view.turnout(election)
        candidates = uow.view.election(election).candidates
    page = _log_in(demo.browser, f"/elections/{election}/ballot")
    assert "Russian Renault Works" in page and "You have voted" not in page
    for c in candidates:
        assert f'name="rank-{c}"' in page
    review = demo.browser.post(
        f"/elections/{election}/ballot",
        data={f"rank-{candidates[1]}": "1", f"rank-{candidates[0]}": "2", "csrf": csrf_of(page)},
    )
    assert review.status_code == 200, text_of(review.text)
    hidden = re.findall(r'name="ranking" value="([^"]+)"', review.text)
    assert hidden == [candidates[1], candidates[0]]
    receipt = demo.browser.post(
        f"/elections/{election}/ballot/confirm",
        data={"ranking": hidden, "csrf": csrf_of(review.text)},
    )
    assert receipt.status_code == 200, text_of(receipt.text)
    assert "Your ballot is cast" in text_of(receipt.text)
    with demo.view() as uow:
        assert uow.view.has_voted(election, MemberId(demo.member.actor))
        assert uow.view.turnout(election) == before + 1
        assert uow.view.election(election).status == "open"
    again = demo.browser.get(f"/elections/{election}/ballot")
    assert "You have voted in this election" in text_of(again.text)


def test_the_demo_member_signs_the_recall_petition_printed_for_them(demo: Demo) -> None:
    constituency = ConstituencyId("vyborg")
    with demo.view() as uow:
        (petition,) = uow.view.petitions_in(constituency)
        before = uow.view.counted_signatures(constituency, petition.delegate)
    demo.browser.cookies.clear()
    page = _log_in(demo.browser, f"/constituencies/{constituency}/recall")
    r = demo.browser.post(
        f"/constituencies/{constituency}/recall",
        data={"delegate": petition.delegate, "action": "sign", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and f"signed={petition.delegate}" in r.headers["location"]
    with demo.view() as uow:
        assert uow.view.has_signed(constituency, petition.delegate, MemberId(demo.member.actor))
        assert uow.view.counted_signatures(constituency, petition.delegate) == before + 1
