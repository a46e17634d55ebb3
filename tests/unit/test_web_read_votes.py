"""What the council page reads of its elections held, and the constituency page of its
delegates' votes in the councils above (web/read.py): open ballots by name, secret ones only as
"voted", the top of the federation said as such, and a cost of one read of the ballots per
election above whatever the number of delegates. On Petrograd and on the demo federation."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from councils.domain.constitution import Constitution, Rules
from councils.domain.ids import ConstituencyId, CouncilId, ElectionId
from councils.domain.view import StateView
from councils.sim.demo_build import build_demo
from councils.testing import Federation, FixedSupply, InMemoryUnitOfWork
from councils.testing.scenarios import petrograd
from councils.web import read
from councils.web.site import create_site


def _elected(fed: Federation) -> Federation:
    """Putilov elects m1 and m2, Vyborg m6; the soviet's delegates elect m6 to the congress
    (m2 does not vote); m6, seated in the congress, votes in its delegation's open election."""
    ballots = {"m1": ["m1"], "m2": ["m2"], "m3": ["m1"], "m4": ["m2"], "m5": ["m3"]}
    fed.elect("p-1", "putilov", ["m1", "m2", "m3"], ballots)
    fed.elect("v-1", "vyborg", ["m6"], {"m6": ["m6"], "m7": ["m6"]})
    fed.elect("c-1", "city-delegation", ["m6", "m1"], {"m1": ["m6", "m1"], "m6": ["m6"]})
    fed("election.open", election="r-1", constituency="region-delegation", candidates=["m6"])
    fed("ballot.cast", election="r-1", voter="m6", ranking=["m6"])
    return fed


def _said(fed: Federation, path: str) -> str:
    """The text of a page as the site renders it, tags dropped and whitespace squeezed."""
    with TestClient(create_site(lambda: fed.uow, isolated_reads=False)) as client:
        r = client.get(path)
    assert r.status_code == 200, path
    main = r.text[r.text.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def _votes(page: read.ConstituencyPage) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    return {
        d.delegate.member: [(v.election, v.status, v.ranking) for v in d.votes]
        for d in page.votes_above
    }


def test_each_delegate_with_their_open_ballots_in_the_council_above_by_name() -> None:
    view = _elected(petrograd()).view
    putilov = read.constituency_page(view, ConstituencyId("putilov"))
    assert _votes(putilov) == {"m1": [("c-1", "closed", ("M6", "M1"))], "m2": []}
    assert [d.seats for d in putilov.votes_above] == [(1,), (2,)]
    assert putilov.above == [
        ("city-delegation", "Delegation of the Petrograd soviet", "region", "Northern congress")
    ]
    vote = putilov.votes_above[0].votes[0]
    assert (vote.constituency, vote.council_name, vote.secret) == (
        "city-delegation",
        "Northern congress",
        False,
    )
    assert _votes(read.constituency_page(view, ConstituencyId("vyborg"))) == {
        "m6": [("c-1", "closed", ("M6",))]
    }
    # the congress's delegate votes in the executive's election, still open
    delegation = read.constituency_page(view, ConstituencyId("city-delegation"))
    assert _votes(delegation) == {"m6": [("r-1", "open", ("M6",))]}


def test_the_page_says_each_vote_in_words_with_a_link_to_its_election() -> None:
    fed = _elected(petrograd())
    said = _said(fed, "/constituencies/putilov")
    assert "M1 m1 ( no faction , seat 1): c-1 : ranked M6 › M1" in said
    assert "M2 m2 ( no faction , seat 2) has cast no vote in the councils above yet" in said
    assert "r-1 (still open): ranked M6" in _said(fed, "/constituencies/city-delegation")
    assert "is at the top of the federation" in _said(fed, "/constituencies/region-delegation")
    held = _said(fed, "/councils/city")
    assert "p-1 Putilov works 2 5 M1, M2" in held


def test_the_top_of_the_federation_elects_nothing_above_and_vacant_seats_vote_nowhere() -> None:
    view = _elected(petrograd()).view
    top = read.constituency_page(view, ConstituencyId("region-delegation"))
    assert top.above == [] and top.votes_above == []  # its one seat is vacant, in the top council
    before = read.constituency_page(petrograd().view, ConstituencyId("putilov"))
    assert before.votes_above == [] and len(before.above) == 1  # nobody seated yet


def test_a_secret_ballot_above_shows_that_a_delegate_voted_never_how() -> None:
    secret = Constitution(Rules(ballots_secret_in_councils=True))
    fed = petrograd(secret)
    ballots = {"m1": ["m1"], "m2": ["m2"], "m3": ["m1"], "m4": ["m2"], "m5": ["m3"]}
    fed.elect("p-1", "putilov", ["m1", "m2", "m3"], ballots)
    fed("election.open", election="c-1", constituency="city-delegation", candidates=["m1", "m2"])
    fed("ballot.cast", election="c-1", voter="m1", ranking=["m2", "m1"])
    page = read.constituency_page(fed.view, ConstituencyId("putilov"))
    assert _votes(page) == {"m1": [("c-1", "open", ())], "m2": []}
    assert page.votes_above[0].votes[0].secret
    said = _said(fed, "/constituencies/putilov")
    assert "M1 m1 ( no faction , seat 1): c-1 (still open): voted by secret ballot; how" in said
    assert "M2 m2 ( no faction , seat 2) has cast no vote in the councils above yet" in said
    fed("election.close", election="c-1")  # published, without voters: still only "voted"
    assert _votes(read.constituency_page(fed.view, ConstituencyId("putilov")))["m1"] == [
        ("c-1", "closed", ())
    ]


class _Counting:
    """A view that counts the calls of the listings and ballot reads a page may make."""

    def __init__(self, view: StateView) -> None:
        self.view = view
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        if name in {"elections", "ballots", "voters", "has_voted"}:
            self.calls[name] += 1
        return getattr(self.view, name)


def test_the_votes_cost_one_read_of_the_ballots_per_election_above() -> None:
    fed = _elected(petrograd())
    counting = _Counting(fed.view)
    read.constituency_page(counting, ConstituencyId("putilov"))  # type: ignore[arg-type]
    # one listing of the elections, the ballots of c-1 once for both delegates, no vote asked
    # of anyone one by one
    assert counting.calls == Counter({"elections": 1, "ballots": 1})


def test_a_council_lists_its_elections_held_with_who_each_elected() -> None:
    view = _elected(petrograd()).view
    city = read.council_page(view, CouncilId("city"))
    assert [(h.row.election, h.row.constituency_name) for h in city.held] == [
        ("p-1", "Putilov works"),
        ("v-1", "Vyborg district"),
    ]
    assert [(o.person.member, o.seated) for o in city.held[0].outcome] == [
        ("m1", True),
        ("m2", True),
    ]
    assert city.held[0].row.turnout == 5 and city.held[0].row.seats == 2
    assert city.elections == []
    top = read.council_page(view, CouncilId("exec"))
    assert [e.election for e in top.elections] == ["r-1"] and top.held == []


def test_a_recalled_delegate_is_no_longer_seated_and_the_countback_names_who_followed() -> None:
    fed = _elected(petrograd())
    for signer in ("m3", "m4", "m5"):  # more than half of Putilov's five
        fed("recall.sign", constituency="putilov", delegate="m1", signer=signer)
    assert fed.holders("putilov") == ["m3", "m2"]
    (p1, _) = read.council_page(fed.view, CouncilId("city")).held
    assert [(o.person.member, o.seated, o.countback) for o in p1.outcome] == [
        ("m1", False, False),
        ("m2", True, False),
        ("m3", True, True),
    ]


@pytest.fixture(scope="module")
def demo() -> InMemoryUnitOfWork:
    uow = InMemoryUnitOfWork()
    supply = FixedSupply(1)
    build_demo(lambda: uow, scale=0.3, supply=lambda u: supply)
    return uow


def test_the_demos_putilov_delegates_voted_in_the_soviets_delegation(
    demo: InMemoryUnitOfWork,
) -> None:
    view = demo.view
    page = read.constituency_page(view, ConstituencyId("putilov"))
    election = view.election(ElectionId("petrograd-delegation-1917"))
    candidates = {view.member(c).name for c in election.candidates}
    assert page.votes_above and all(d.votes for d in page.votes_above)
    for d in page.votes_above:
        assert [v.election for v in d.votes] == ["petrograd-delegation-1917"]
        assert d.votes[0].ranking and set(d.votes[0].ranking) <= candidates


def test_the_demos_soviet_lists_every_election_held_and_the_one_left_open(
    demo: InMemoryUnitOfWork,
) -> None:
    page = read.council_page(demo.view, CouncilId("petrograd"))
    assert [e.election for e in page.elections] == ["renault-1917"]
    assert len(page.held) == 40 and all(h.row.status == "closed" for h in page.held)
    assert all(sum(o.seated for o in h.outcome) <= h.row.seats for h in page.held)
    assert sum(len(h.outcome) for h in page.held) >= sum(h.row.seats for h in page.held)
    names = [h.row.constituency_name for h in page.held]
    assert names == sorted(names)
