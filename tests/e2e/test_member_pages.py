"""The member's pages over HTTP on a real SQLite federation: the ballot without JavaScript
(plain form posts), its confirmation and receipt (checked on the record page), refusals next to
the form with the input kept, recall signatures until the mandate ends, the member's own page,
the record page and its download."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_setup import Site, csrf_of, open_site, text_of

from councils.domain.ids import ConstituencyId, ElectionId
from councils.record.export import verify_export
from councils.record.receipt import Receipt

CITY: list[dict[str, object]] = [
    {"command": "council.create", "council": "city", "name": "Petrograd soviet"},
    {
        "command": "constituency.create",
        "constituency": "putilov",
        "name": "Putilov works",
        "kind": "workplace",
        "council": "city",
        "seats": 2,
    },
    {
        "command": "constituency.create",
        "constituency": "vyborg",
        "name": "Vyborg district",
        "kind": "territory",
        "council": "city",
        "seats": 1,
    },
    *(
        {"command": "member.register", "member": m, "name": n, "constituency": "putilov"}
        for m, n in (
            ("m1", "Anna"),
            ("m2", "Boris"),
            ("m3", "Clara"),
            ("m4", "Dora"),
            ("m5", "Egor"),
        )
    ),
    {"command": "member.register", "member": "m6", "name": "Fedor", "constituency": "vyborg"},
    {
        "command": "election.open",
        "election": "e1",
        "constituency": "putilov",
        "candidates": ["m1", "m2", "m3"],
    },
]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with open_site(tmp_path, CITY) as s:
        yield s


def _ballot(site: Site, client: TestClient, **ranks: str) -> dict[str, str]:
    form = {f"rank-{c}": v for c, v in ranks.items()}
    form["csrf"] = site.csrf(client, "/elections/e1/ballot")
    return form


def test_pages_that_need_a_login_send_the_browser_to_log_in(site: Site) -> None:
    for path in ("/elections/e1/ballot", "/me", "/councils/new"):
        r = site.client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=" + path
    r = site.client.post(
        "/elections/e1/ballot/confirm", data={"ranking": "m1"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    # the public ones need none
    assert site.client.get("/record").status_code == 200
    assert site.client.get("/constituencies/putilov/recall").status_code == 200


def test_a_ballot_cast_from_the_plain_form_is_in_the_state_once_and_its_receipt_checks(
    site: Site,
) -> None:
    m4 = site.login("m4")
    form = m4.get("/elections/e1/ballot").text
    for c in ("m1", "m2", "m3"):
        assert f'name="rank-{c}"' in form
    assert "/static/ballot.js" in form  # the improvement, not the form itself
    review = m4.post(
        "/elections/e1/ballot",
        data={"rank-m3": "1", "rank-m1": "2", "rank-m2": "", "csrf": csrf_of(form)},
    )
    assert review.status_code == 200
    listed = re.search(r'<ol class="ranking">(.*?)</ol>', review.text, re.S)
    assert listed and text_of(listed.group(1)) == "Clara m3 Anna m1"
    assert "Not ranked: Boris" in text_of(review.text)
    for page in (form, review.text):  # the way back: federation › council › constituency
        assert 'href="/councils/city"' in page and 'href="/constituencies/putilov"' in page
    hidden = re.findall(r'name="ranking" value="([^"]+)"', review.text)
    assert hidden == ["m3", "m1"]
    receipt_page = m4.post(
        "/elections/e1/ballot/confirm", data={"ranking": hidden, "csrf": csrf_of(review.text)}
    )
    assert receipt_page.status_code == 200, text_of(receipt_page.text)
    assert "not kept on the server" in text_of(receipt_page.text)
    assert 'href="/councils/city"' in receipt_page.text
    assert receipt_page.headers["cache-control"] == "no-store"
    shown = re.search(r'<pre class="receipt"[^>]*>(.*?)</pre>', receipt_page.text, re.S)
    assert shown
    receipt_json = unescape(shown.group(1))
    receipt = Receipt.from_json(receipt_json.encode())
    assert (
        'download="receipt-e1-' in receipt_page.text
        and "data:application/json" in receipt_page.text
    )
    with site.backend.reading() as reading:
        assert reading.view.voters(ElectionId("e1")) == ("m4",)
        assert reading.view.turnout(ElectionId("e1")) == 1
    # the record page checks it, pasted or uploaded, and after more entries too
    site.run(
        {"command": "member.register", "member": "m7", "name": "Galina", "constituency": "vyborg"}
    )
    pasted = site.client.post("/record", data={"receipt": receipt_json})
    assert pasted.status_code == 200, text_of(pasted.text)
    said = text_of(pasted.text)
    assert f"Included at index {receipt.leaf_index} of the record whose root is" in said
    assert "m4 voted in election e1" in said and "does not say how" in said
    uploaded = site.client.post(
        "/record", files={"file": ("receipt.json", receipt_json.encode(), "application/json")}
    )
    assert uploaded.status_code == 200 and "Included at index" in uploaded.text
    # and a receipt that was tampered with is refused, in words
    forged = receipt_json.replace(receipt.leaf_hash.hex(), "00" * 32)
    bad = site.client.post("/record", data={"receipt": forged})
    assert bad.status_code == 422 and "does not check against the record" in text_of(bad.text)
    junk = site.client.post("/record", data={"receipt": "{not json"})
    assert junk.status_code == 422 and "This is not a receipt" in text_of(junk.text)


def test_duplicate_numbers_are_refused_next_to_the_form_with_the_input_kept(site: Site) -> None:
    m4 = site.login("m4")
    r = m4.post("/elections/e1/ballot", data=_ballot(site, m4, m1="1", m2="1", m3="2"))
    assert r.status_code == 422
    assert 'role="alert"' in r.text and 'aria-describedby="form-error"' in r.text
    assert "You gave number 1 to Anna and Boris" in text_of(r.text)
    assert re.search(r'name="rank-m1" value="1"', r.text) and re.search(
        r'name="rank-m3" value="2"', r.text
    )
    assert r.text.count('aria-invalid="true"') == 2
    gap = m4.post("/elections/e1/ballot", data=_ballot(site, m4, m1="1", m2="3"))
    assert gap.status_code == 422 and "Number 2 is missing" in gap.text
    with site.backend.reading() as reading:
        assert reading.view.turnout(ElectionId("e1")) == 0


def test_change_returns_to_the_form_with_the_numbers(site: Site) -> None:
    m4 = site.login("m4")
    data = _ballot(site, m4, m2="1", m1="2")
    r = m4.post("/elections/e1/ballot", data={**data, "action": "change"})
    assert r.status_code == 200
    assert 'name="rank-m2" value="1"' in r.text and 'name="rank-m1" value="2"' in r.text


def test_refusals_of_the_cast_show_their_message_and_status(site: Site) -> None:
    m4 = site.login("m4")
    csrf = site.csrf(m4, "/elections/e1/ballot")
    assert (
        m4.post("/elections/e1/ballot/confirm", data={"ranking": ["m1"], "csrf": csrf}).status_code
        == 200
    )
    again = m4.post("/elections/e1/ballot/confirm", data={"ranking": ["m2"], "csrf": csrf})
    assert again.status_code == 409 and 'role="alert"' in again.text
    assert "already" in text_of(again.text).lower()
    assert "You have voted in this election" in text_of(m4.get("/elections/e1/ballot").text)
    outsider = site.login("m6")  # Vyborg: not in Putilov's electorate
    told = outsider.get("/elections/e1/ballot").text
    assert "You are not in the electorate of Putilov works" in text_of(told)
    assert 'name="rank-m1"' not in told
    r = outsider.post(
        "/elections/e1/ballot/confirm",
        data={"ranking": ["m1"], "csrf": site.csrf(outsider, "/elections/e1/ballot")},
    )
    assert r.status_code == 403 and "electorate" in text_of(r.text)
    assert 'name="rank-m1" value="1"' in r.text  # the ranking kept
    site.run({"command": "election.close", "election": "e1"})
    m5 = site.login("m5")
    closed = m5.post(
        "/elections/e1/ballot/confirm", data={"ranking": ["m1"], "csrf": site.csrf(m5)}
    )
    assert closed.status_code == 409 and "closed" in text_of(closed.text)
    with site.backend.reading() as reading:
        assert reading.view.voters(ElectionId("e1")) == ("m4",)


def test_a_form_without_its_csrf_token_is_refused(site: Site) -> None:
    m4 = site.login("m4")
    r = m4.post("/elections/e1/ballot/confirm", data={"ranking": ["m1"], "csrf": "forged"})
    assert r.status_code == 403
    with site.backend.reading() as reading:
        assert reading.view.turnout(ElectionId("e1")) == 0


def test_recall_sign_withdraw_and_the_mandate_ends_at_the_threshold(site: Site) -> None:
    # elect Anna and Boris for Putilov; Clara is next in the count (countback)
    site.run(
        *(
            {"command": "ballot.cast", "election": "e1", "voter": v, "ranking": r}
            for v, r in (
                ("m1", ["m1", "m3"]),
                ("m2", ["m2"]),
                ("m3", ["m3", "m1"]),
                ("m4", ["m1"]),
                ("m5", ["m2"]),
            )
        ),
        {"command": "election.close", "election": "e1"},
    )
    with site.backend.reading() as reading:
        holders = {s.holder for s in reading.view.seats(ConstituencyId("putilov"))}
    assert holders == {"m1", "m2"}
    anon = text_of(site.client.get("/constituencies/putilov/recall").text)
    assert "Log in to sign" in anon
    m3 = site.login("m3")
    page = m3.get("/constituencies/putilov/recall").text
    assert "Sign the petition to recall Anna" in text_of(page)
    r = m3.post(
        "/constituencies/putilov/recall",
        data={"delegate": "m1", "action": "sign", "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith(
        "/constituencies/putilov/recall?signed=m1"
    )
    after = m3.get(r.headers["location"]).text
    assert "You signed the petition to recall Anna" in text_of(after)
    assert "Withdraw my signature" in after and "1 of 3 signatures needed" in text_of(after)
    r = m3.post(
        "/constituencies/putilov/recall",
        data={"delegate": "m1", "action": "withdraw", "csrf": csrf_of(after)},
    )
    assert r.status_code == 200 and "You withdrew your signature" in text_of(r.text)
    twice = m3.post(
        "/constituencies/putilov/recall",
        data={"delegate": "m1", "action": "withdraw", "csrf": csrf_of(after)},
    )
    assert twice.status_code in (404, 409) and 'role="alert"' in twice.text
    outsider = site.login("m6")
    refused = outsider.post(
        "/constituencies/putilov/recall",
        data={"delegate": "m1", "action": "sign", "csrf": site.csrf(outsider)},
    )
    assert refused.status_code == 403 and "electorate" in text_of(refused.text)
    # three of five sign: more than half, the mandate ends and Clara takes the seat
    for m in ("m3", "m4", "m5"):
        client = site.login(m)
        last = client.post(
            "/constituencies/putilov/recall",
            data={"delegate": "m1", "action": "sign", "csrf": site.csrf(client)},
        )
        assert last.status_code == 200
    said = text_of(last.text)
    assert "Anna's mandate as delegate of Putilov works ended" in said
    assert re.search(r"Seat \d is now held by Clara", said)
    with site.backend.reading() as reading:
        holders = {s.holder for s in reading.view.seats(ConstituencyId("putilov"))}
    assert holders == {"m3", "m2"}


def test_the_members_own_page(site: Site) -> None:
    m4 = site.login("m4", name="Dora")
    page = text_of(m4.get("/me").text)
    assert "Putilov works" in page and "Cast your ballot in e1" in page
    assert "not kept here" in page and "/me/tokens" in m4.get("/me").text
    csrf = site.csrf(m4, "/elections/e1/ballot")
    m4.post("/elections/e1/ballot/confirm", data={"ranking": ["m1"], "csrf": csrf})
    site.run(
        {"command": "election.close", "election": "e1"},
    )
    m1 = site.login("m1")
    html = m1.get("/me").text
    assert "No election is open" in text_of(html)
    assert "You hold seat" in text_of(html)
    organiser = site.login("@org", name="Olga")
    text = text_of(organiser.get("/me").text)
    assert "not as a member" in text and "Found a council" in text


def test_the_record_page_and_its_download(site: Site) -> None:
    page = site.client.get("/record")
    text = text_of(page.text)
    with site.backend.reading() as reading:
        size = len(reading.record)
    assert f"Entries {size:,}" in text and "Public key" in text and "Signature" in text
    r = site.client.get("/record/export.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        files = {n.removeprefix("record/"): zf.read(n) for n in zf.namelist()}
    report = verify_export(files)
    assert report.ok, report.failures
