"""What the member's page and the recall page read (web/read.py), and the receipt check's
answers where storage signs nothing (memory): pure, over the in-memory federation."""

from __future__ import annotations

from dataclasses import dataclass

from councils.domain.ids import ConstituencyId, MemberId
from councils.testing import Federation
from councils.testing.record import InMemoryRecord
from councils.testing.scenarios import petrograd
from councils.web import read
from councils.web.record_check import check_receipt, export_zip, head_info


def _elected() -> Federation:
    """Putilov elects m1 and m2; the soviet's delegation elects m1; an election is open."""
    fed = petrograd()
    ballots = {"m1": ["m1"], "m2": ["m2"], "m3": ["m1"], "m4": ["m2"], "m5": ["m3"]}
    fed.elect("p-1", "putilov", ["m1", "m2", "m3"], ballots)
    fed.elect("c-1", "city-delegation", ["m1", "m2"], {"m1": ["m1"], "m2": ["m1"]})
    fed("election.open", election="p-2", constituency="vyborg", candidates=["m6"])
    fed("recall.sign", constituency="putilov", delegate="m2", signer="m3")
    return fed


def test_a_members_page_lists_where_they_vote_who_represents_them_and_what_they_signed() -> None:
    fed = _elected()
    page = read.member_page(fed.view, MemberId("m3"))
    assert [k.constituency for k in page.constituencies] == ["putilov"]
    assert [s.holder.member for s in page.delegates["putilov"] if s.holder] == ["m1", "m2"]
    assert [p.delegate.member for p in page.signed] == ["m2"]
    assert page.ballots == [] and page.holds == []
    # a seated delegate also votes in the delegation of each council they sit in (m1 sits in
    # the soviet and, as its delegate, in the congress), and holds their seats
    m1 = read.member_page(fed.view, MemberId("m1"))
    assert [k.constituency for k in m1.constituencies] == [
        "putilov",
        "city-delegation",
        "region-delegation",
    ]
    assert sorted(h[0] for h in m1.holds) == ["city-delegation", "putilov"]
    m6 = read.member_page(fed.view, MemberId("m6"))
    assert [(b.row.election, b.voted) for b in m6.ballots] == [("p-2", False)]
    fed("ballot.cast", election="p-2", voter="m6", ranking=["m6"])
    m6 = read.member_page(fed.view, MemberId("m6"))
    assert [(b.row.election, b.voted) for b in m6.ballots] == [("p-2", True)]


def test_the_recall_page_shows_each_delegate_their_petition_and_the_readers_signature() -> None:
    fed = _elected()
    page = read.recall_page(fed.view, ConstituencyId("putilov"), MemberId("m3"))
    assert page.may_sign and page.electorate == 5
    rows = {r.seat.holder.member: r for r in page.rows if r.seat.holder}
    assert rows["m2"].signed and rows["m2"].petition is not None
    assert rows["m2"].petition.signatures == 1 and rows["m2"].petition.threshold == 3
    assert not rows["m1"].signed and rows["m1"].petition is None
    outsider = read.recall_page(fed.view, ConstituencyId("putilov"), MemberId("m6"))
    assert not outsider.may_sign and not any(r.signed for r in outsider.rows)
    nobody = read.recall_page(fed.view, ConstituencyId("putilov"), None)
    assert not nobody.may_sign


@dataclass
class _Reading:
    view: object
    record: InMemoryRecord


def test_without_a_signed_head_the_receipt_check_says_so() -> None:
    fed = _elected()
    reading = _Reading(fed.view, fed.record)
    info = head_info(reading)  # type: ignore[arg-type]
    assert info.signed is None and info.public_key is None and info.size == len(fed.record)
    empty = check_receipt(reading, "  ")  # type: ignore[arg-type]
    assert not empty.ok and "Paste your receipt" in empty.lines[0]
    junk = check_receipt(reading, '{"type": "tree.head"}')  # type: ignore[arg-type]
    assert not junk.ok and junk.lines[0].startswith("This is not a receipt")
    receipt = (
        '{"leaf_hash":"' + "00" * 32 + '","leaf_index":0,"log":"councils","proof":[],'
        '"tree_size":1,"type":"record.receipt","v":1}'
    )
    unsigned = check_receipt(reading, receipt)  # type: ignore[arg-type]
    assert not unsigned.ok and "no signed tree head" in unsigned.lines[0]
    assert export_zip(reading) is None  # type: ignore[arg-type]
