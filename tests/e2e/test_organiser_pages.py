"""The organiser's pages over HTTP on a real SQLite federation: found a council, create a
constituency, register a member (account and invitation link), import a CSV all or nothing,
open and close an election; an organiser of one council is refused in another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from fastapi.testclient import TestClient
from pages_setup import PASSWORD, Site, csrf_of, open_site, text_of

from councils.domain.ids import ConstituencyId, CouncilId, ElectionId, MemberId


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with open_site(tmp_path) as s:
        yield s


def _found(site: Site, actor: str, council: str, name: str) -> tuple[TestClient, str]:
    """``actor`` founds ``council`` through the form; returns the client and the organise page."""
    client = site.login(actor)
    form = client.get("/councils/new").text
    r = client.post(
        "/councils/new",
        data={"council": council, "name": name, "csrf": csrf_of(form)},
        follow_redirects=False,
    )
    assert (
        r.status_code == 303
        and r.headers["location"] == f"/councils/{council}/organise?done=founded"
    )
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    return client, page.text


def _constituency(client: TestClient, council: str, csrf: str, **fields: str) -> httpx.Response:
    data = {"kind": "workplace", "seats": "1", "csrf": csrf, **fields}
    return client.post(f"/councils/{council}/organise/constituency", data=data)


def test_found_a_council_create_a_constituency_and_register_a_member(site: Site) -> None:
    client, page = _found(site, "@olga", "kronstadt", "Kronstadt soviet")
    assert "The Kronstadt soviet is founded, and you are its organiser" in text_of(page)
    with site.backend.reading() as reading:
        assert reading.view.organisers(CouncilId("kronstadt")) == ("@olga",)
    r = _constituency(
        client, "kronstadt", csrf_of(page), constituency="yard", name="Naval yard", seats="2"
    )
    assert r.status_code == 200 and "The constituency is created" in text_of(r.text)
    # a refusal keeps the input, next to its form
    bad = _constituency(
        client, "kronstadt", csrf_of(page), constituency="yard", name="Again", seats="2"
    )
    assert bad.status_code == 409
    assert 'id="error-constituency" role="alert"' in bad.text
    assert 'value="Again"' in bad.text
    seats = _constituency(
        client, "kronstadt", csrf_of(page), constituency="x", name="X", seats="two"
    )
    assert seats.status_code == 422 and "whole number" in seats.text
    r = client.post(
        "/councils/kronstadt/organise/member",
        data={
            "name": "Stepan",
            "constituency": "yard",
            "email": "stepan@example.org",
            "csrf": csrf_of(page),
        },
    )
    assert r.status_code == 200, text_of(r.text)
    link = re.search(r"https://testserver/invitations/([A-Za-z0-9_%-]+)", r.text)
    assert link, text_of(r.text)
    with site.backend.reading() as reading:
        assert reading.view.memberships(MemberId("yard-1")) == ("yard",)
    # the invitation works: the member sets a password and is logged in
    _, principal = site.accounts.accept(unquote(link.group(1)), PASSWORD)
    assert principal.actor == "yard-1"
    taken = client.post(
        "/councils/kronstadt/organise/member",
        data={
            "name": "Other",
            "constituency": "yard",
            "email": "stepan@example.org",
            "csrf": csrf_of(page),
        },
    )
    assert taken.status_code == 409 and 'value="Other"' in taken.text
    with site.backend.reading() as reading:
        assert reading.view.electorate_size(ConstituencyId("yard")) == 1  # nothing registered


def test_csv_import_is_all_or_nothing_and_names_line_and_field(site: Site) -> None:
    client, page = _found(site, "@olga", "kronstadt", "Kronstadt soviet")
    _constituency(client, "kronstadt", csrf_of(page), constituency="yard", name="Naval yard")
    bad = (
        "name,constituency,email\n"
        "Anna,yard,anna@example.org\n"
        "Boris,yard,not-an-address\n"
        "Clara,nowhere,clara@example.org\n"
    )
    r = client.post(
        "/councils/kronstadt/organise/import",
        data={"csrf": csrf_of(page)},
        files={"file": ("members.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    said = text_of(r.text)
    assert "Nothing was imported" in said and "line 3, email" in said
    with site.backend.reading() as reading:
        assert reading.view.electorate_size(ConstituencyId("yard")) == 0
        size = len(reading.record)
    state_bad = (
        "name,constituency,email\nAnna,yard,anna@example.org\nClara,nowhere,clara@example.org\n"
    )
    r = client.post(
        "/councils/kronstadt/organise/import",
        data={"csrf": csrf_of(page)},
        files={"file": ("members.csv", state_bad.encode(), "text/csv")},
    )
    assert (
        r.status_code == 409
        and "line 3, constituency: there is no constituency nowhere" in text_of(r.text)
    )
    with site.backend.reading() as reading:
        assert (
            len(reading.record) == size
            and reading.view.electorate_size(ConstituencyId("yard")) == 0
        )
    assert site.accounts.by_actor("yard-1") is None
    good = (
        "name,constituency,email,member\n"
        "Anna,yard,anna@example.org,\n"
        "Boris,yard,boris@example.org,b1\n"
    )
    r = client.post(
        "/councils/kronstadt/organise/import",
        data={"csrf": csrf_of(page)},
        files={"file": ("members.csv", good.encode(), "text/csv")},
    )
    assert r.status_code == 200, text_of(r.text)
    assert "2 members registered" in text_of(r.text)
    assert "constituencies of the Kronstadt soviet" in text_of(r.text)
    assert len(re.findall(r"https://testserver/invitations/", r.text)) >= 2
    assert 'download="invitations-kronstadt.csv"' in r.text and "data:text/csv" in r.text
    with site.backend.reading() as reading:
        assert reading.view.electorate_size(ConstituencyId("yard")) == 2
        assert reading.view.has_member(MemberId("b1")) and reading.view.has_member(
            MemberId("yard-1")
        )
    assert site.accounts.by_actor("b1") is not None


def test_an_organiser_of_one_council_is_refused_in_another(site: Site) -> None:
    a, page_a = _found(site, "@olga", "kronstadt", "Kronstadt soviet")
    b, _ = _found(site, "@pavel", "moscow", "Moscow soviet")
    r = a.get("/councils/moscow/organise")
    assert r.status_code == 403 and "organiser" in text_of(r.text)
    forged = _constituency(a, "moscow", csrf_of(page_a), constituency="zil", name="ZiL")
    assert forged.status_code == 403
    with site.backend.reading() as reading:
        assert not reading.view.has_constituency(ConstituencyId("zil"))
    # the council page links its organisers, and only them, to the organise page
    assert "/councils/kronstadt/organise" in a.get("/councils/kronstadt").text
    assert "/councils/moscow/organise" not in a.get("/councils/moscow").text
    assert "/councils/moscow/organise" in b.get("/councils/moscow").text
    assert 'href="/councils/new"' in a.get("/").text
    assert 'href="/councils/new"' not in site.client.get("/").text


def test_open_and_close_an_election(site: Site) -> None:
    client, page = _found(site, "@olga", "kronstadt", "Kronstadt soviet")
    csrf = csrf_of(page)
    _constituency(client, "kronstadt", csrf, constituency="yard", name="Naval yard")
    site.run(
        *(
            {"command": "member.register", "member": m, "name": m.upper(), "constituency": "yard"}
            for m in ("y1", "y2", "y3")
        )
    )
    r = client.post(
        "/councils/kronstadt/organise/election",
        data={"election": "y-1", "constituency": "yard", "candidates": "y1, y2", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/elections/y-1"
    election = client.get("/elections/y-1").text
    assert 'href="/elections/y-1/ballot"' in election and 'href="/elections/y-1/close"' in election
    bad = client.post(
        "/councils/kronstadt/organise/election",
        data={"election": "y-2", "constituency": "yard", "candidates": "nobody", "csrf": csrf},
    )
    assert (
        bad.status_code in (404, 409)
        and 'id="error-election"' in bad.text
        and 'value="nobody"' in bad.text
    )
    site.run({"command": "ballot.cast", "election": "y-1", "voter": "y3", "ranking": ["y2"]})
    outsider = site.login("@pavel")
    assert outsider.get("/elections/y-1/close").status_code == 403
    refused = outsider.post("/elections/y-1/close", data={"csrf": site.csrf(outsider)})
    assert refused.status_code == 403
    form = client.get("/elections/y-1/close").text
    assert "1 of 3 have voted" in text_of(form)
    r = client.post("/elections/y-1/close", data={"csrf": csrf_of(form)}, follow_redirects=False)
    assert r.status_code == 303
    with site.backend.reading() as reading:
        e = reading.view.election(ElectionId("y-1"))
    assert e.status == "closed" and e.elected == ("y2",)
    again = client.post("/elections/y-1/close", data={"csrf": csrf_of(form)})
    assert again.status_code == 409 and 'role="alert"' in again.text


def test_appoint_an_organiser_with_a_new_account(site: Site) -> None:
    client, page = _found(site, "@olga", "kronstadt", "Kronstadt soviet")
    r = client.post(
        "/councils/kronstadt/organise/appoint",
        data={
            "organiser": "@pavel",
            "name": "Pavel",
            "email": "pavel@example.org",
            "csrf": csrf_of(page),
        },
    )
    assert r.status_code == 200 and "@pavel organises the council" in text_of(r.text)
    link = re.search(r"https://testserver/invitations/([A-Za-z0-9_%-]+)", r.text)
    assert link
    _, principal = site.accounts.accept(unquote(link.group(1)), PASSWORD)
    assert principal.actor == "@pavel"
    pavel = site.login("@pavel")
    assert pavel.get("/councils/kronstadt/organise").status_code == 200
    bad = client.post(
        "/councils/kronstadt/organise/appoint",
        data={"organiser": "not an id", "csrf": csrf_of(page)},
    )
    assert bad.status_code == 422 and 'id="error-appoint"' in bad.text
    assert 'value="not an id"' in bad.text
    again = client.post(
        "/councils/kronstadt/organise/appoint",
        data={"organiser": "@pavel", "csrf": csrf_of(page)},
    )
    assert again.status_code == 409
    with site.backend.reading() as reading:
        assert reading.view.organisers(CouncilId("kronstadt")) == ("@olga", "@pavel")
