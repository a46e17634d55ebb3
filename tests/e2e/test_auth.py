"""The security rules of issue 4, one test per rule, through HTTP (Starlette's test client on
``https://testserver``, so Secure cookies are sent back as a browser would over HTTPS):
cookie flags, CSRF refused, session renewed at login, the login limit, log out everywhere,
invitations single use and expiring, passwords stored as Argon2id, the API's 401 and 403, the
actor filled in by the server, API tokens and their revocation.

The site runs over the in-memory unit of work (the Petrograd scenario) with accounts in a real
in-memory SQLite database and a clock the tests move by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator

import authn
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, select

from councils.service.accounts import LOGIN_LIMIT
from councils.storage import metadata as m
from councils.storage.accounts import SqlAccounts
from councils.testing import Federation
from councils.testing.scenarios import petrograd
from councils.web.auth import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from councils.web.site import create_site

BASE = "https://testserver"
PASSWORD = "the red flag flies"
OPEN = {
    "command": "election.open",
    "election": "e1",
    "constituency": "putilov",
    "candidates": ["m1", "m2", "m3"],
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fed() -> Federation:
    return petrograd()


@pytest.fixture
def accounts(clock: Clock) -> SqlAccounts:
    return authn.accounts(clock)


@pytest.fixture
def site(fed: Federation, accounts: SqlAccounts) -> object:
    return create_site(
        lambda: fed.uow,
        isolated_reads=False,
        supply=lambda uow: fed.supply,
        clock=lambda: "1917-10-25T10:00:00+03:00",
        accounts=accounts,
    )


@pytest.fixture
def browser(site: object) -> Iterator[TestClient]:
    with TestClient(site, base_url=BASE, follow_redirects=False) as c:  # type: ignore[arg-type]
        yield c


def _other(site: object) -> TestClient:
    """A second browser on the same site (its own cookies)."""
    return TestClient(site, base_url=BASE, follow_redirects=False)  # type: ignore[arg-type]


def _member(accounts: SqlAccounts, actor: str = "m4") -> str:
    email = f"{actor}@example.org"
    accounts.accept(accounts.create(actor, actor.upper(), email), PASSWORD)
    return email


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def _login(
    client: TestClient, email: str, password: str = PASSWORD, next: str = "/me"
) -> httpx.Response:
    token = _csrf(client.get("/login").text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf": token, "next": next}
    )


def _set_cookie(response: httpx.Response, name: str) -> str:
    headers = response.headers.get_list("set-cookie")
    (line,) = [h for h in headers if h.startswith(name + "=")]
    return str(line)


# ---------------------------------------------------------------------------- cookies


def test_the_session_cookie_is_httponly_secure_samesite(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    email = _member(accounts)
    r = _login(browser, email)
    assert r.status_code == 303
    flags = [f.strip().lower() for f in _set_cookie(r, SESSION_COOKIE).split(";")]
    assert "httponly" in flags and "secure" in flags and "samesite=lax" in flags
    assert "path=/" in flags


def test_the_double_submit_cookie_is_httponly_secure_samesite_strict(
    browser: TestClient,
) -> None:
    r = browser.get("/login")
    flags = [f.strip().lower() for f in _set_cookie(r, CSRF_COOKIE).split(";")]
    assert "httponly" in flags and "secure" in flags and "samesite=strict" in flags


def test_secure_cookies_can_be_turned_off_for_plain_http(
    fed: Federation, accounts: SqlAccounts
) -> None:
    site = create_site(
        lambda: fed.uow, isolated_reads=False, accounts=accounts, secure_cookies=False
    )
    email = _member(accounts)
    with TestClient(site, base_url="http://testserver", follow_redirects=False) as c:
        r = _login(c, email)
    flags = [f.strip().lower() for f in _set_cookie(r, SESSION_COOKIE).split(";")]
    assert "secure" not in flags and "httponly" in flags


# ---------------------------------------------------------------------------- CSRF


def test_a_login_form_without_or_with_a_wrong_csrf_token_is_refused(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    email = _member(accounts)
    browser.get("/login")  # the browser has its double-submit cookie
    for token in (None, "forged"):
        data = {"email": email, "password": PASSWORD}
        if token is not None:
            data["csrf"] = token
        r = browser.post("/login", data=data)
        assert r.status_code == 403
        assert "expired" in r.text and SESSION_COOKIE not in r.headers.get("set-cookie", "")


def test_a_logged_in_form_needs_the_sessions_csrf_token(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    email = _member(accounts)
    _login(browser, email)
    session = browser.cookies[SESSION_COOKIE]
    double_submit = browser.cookies[CSRF_COOKIE]
    for token in ("", "forged", double_submit):  # the pre-login token is no longer the one
        r = browser.post("/logout", data={"csrf": token})
        assert r.status_code == 403
    assert accounts.session(session) is not None  # still logged in
    token = _csrf(browser.get("/me/tokens").text)
    assert browser.post("/logout", data={"csrf": token}).status_code == 303
    assert accounts.session(session) is None


def test_the_api_with_a_session_cookie_needs_the_csrf_header(
    browser: TestClient, accounts: SqlAccounts, fed: Federation
) -> None:
    email = _member(accounts, "m1")
    _login(browser, email)
    cast = {"command": "council.create", "council": "moscow", "name": "Moscow soviet"}
    r = browser.post("/api/commands", json=cast)
    assert (r.status_code, r.json()["code"]) == (403, "csrf.invalid")
    r = browser.post("/api/commands", json=cast, headers={CSRF_HEADER: "forged"})
    assert (r.status_code, r.json()["code"]) == (403, "csrf.invalid")
    assert not fed.view.has_council("moscow")  # type: ignore[arg-type]
    token = _csrf(browser.get("/me/tokens").text)
    r = browser.post("/api/commands", json=cast, headers={CSRF_HEADER: token})
    assert r.status_code == 200, r.json()


# ---------------------------------------------------------------------------- sessions


def test_login_renews_the_session(browser: TestClient, accounts: SqlAccounts) -> None:
    email = _member(accounts)
    _login(browser, email)
    first = browser.cookies[SESSION_COOKIE]
    _login(browser, email)  # again, presenting the first session
    second = browser.cookies[SESSION_COOKIE]
    assert second != first
    assert accounts.session(first) is None and accounts.session(second) is not None


def test_a_planted_session_token_never_becomes_a_logged_in_one(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    email = _member(accounts)
    browser.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver.local")
    _login(browser, email)
    assert browser.cookies[SESSION_COOKIE] != "planted-by-an-attacker"
    assert accounts.session("planted-by-an-attacker") is None


def test_next_goes_only_to_a_path_on_this_site(browser: TestClient, accounts: SqlAccounts) -> None:
    email = _member(accounts)
    for target, lands in (
        ("/councils/city", "/councils/city"),
        ("https://evil.example/", "/me"),
        ("//evil.example/x", "/me"),
        ("/\\evil.example", "/me"),
    ):
        r = _login(browser, email, next=target)
        assert r.headers["location"] == lands


def test_the_login_limit_refuses_then_lifts_and_says_so(
    browser: TestClient, accounts: SqlAccounts, clock: Clock
) -> None:
    email = _member(accounts)
    for _ in range(LOGIN_LIMIT):
        r = _login(browser, email, "wrong password")
        assert r.status_code == 401
        assert "wrong e-mail address or password" in r.text
        assert f'value="{email}"' in r.text  # the input is kept
    r = _login(browser, email)  # the right password, refused
    assert r.status_code == 429
    wait = int(r.headers["retry-after"])
    assert wait > 0
    assert "too many failed log-ins: wait 15 minutes" in r.text
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    assert PASSWORD not in r.text
    clock.now += wait * 1000
    assert _login(browser, email).status_code == 303


def test_log_out_everywhere_ends_every_session(
    site: object, browser: TestClient, accounts: SqlAccounts
) -> None:
    email = _member(accounts)
    with _other(site) as phone:
        _login(browser, email)
        _login(phone, email)
        sessions = [browser.cookies[SESSION_COOKIE], phone.cookies[SESSION_COOKIE]]
        assert all(accounts.session(s) is not None for s in sessions)
        page = phone.get("/me/tokens")
        assert "logged in on 3 browsers" in page.text  # the invitation's session too
        r = phone.post("/logout/everywhere", data={"csrf": _csrf(page.text)})
        assert r.status_code == 303
        assert all(accounts.session(s) is None for s in sessions)
        r = browser.get("/me/tokens")  # the other browser is logged out too
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


# ---------------------------------------------------------------------------- invitations


def test_an_invitation_sets_the_password_once_and_logs_in(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    token = accounts.create("m4", "Maria", "maria@example.org")
    page = browser.get(f"/invitations/{token}")
    assert page.status_code == 200 and "Maria" in page.text
    csrf = _csrf(page.text)
    r = browser.post(
        f"/invitations/{token}", data={"password": PASSWORD, "confirm": "other", "csrf": csrf}
    )
    assert r.status_code == 422 and "differ" in r.text and PASSWORD not in r.text
    r = browser.post(
        f"/invitations/{token}", data={"password": "short", "confirm": "short", "csrf": csrf}
    )
    assert r.status_code == 422 and "at least 10 characters" in r.text
    r = browser.post(
        f"/invitations/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf": csrf}
    )
    assert r.status_code == 303 and r.headers["location"] == "/me"
    who = accounts.session(browser.cookies[SESSION_COOKIE])
    assert who is not None and who.actor == "m4"
    with _other(browser.app) as again:
        page = again.get(f"/invitations/{token}")
        assert page.status_code == 409 and "already used" in page.text
        r = again.post(
            f"/invitations/{token}",
            data={
                "password": "a new password",
                "confirm": "a new password",
                "csrf": _csrf(again.get("/login").text),
            },
        )
        assert r.status_code == 409
    accounts.login("maria@example.org", PASSWORD, ip="10.0.0.1")  # the first password stands


def test_an_invitation_expires(browser: TestClient, accounts: SqlAccounts, clock: Clock) -> None:
    token = accounts.create("m4", "Maria", "maria@example.org")
    csrf = _csrf(browser.get(f"/invitations/{token}").text)
    clock.now += accounts.invitation_ms
    page = browser.get(f"/invitations/{token}")
    assert page.status_code == 409 and "expired" in page.text
    r = browser.post(
        f"/invitations/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf": csrf}
    )
    assert r.status_code == 409 and SESSION_COOKIE not in browser.cookies


def test_the_password_is_stored_as_argon2id(browser: TestClient, accounts: SqlAccounts) -> None:
    token = accounts.create("m4", "Maria", "maria@example.org")
    csrf = _csrf(browser.get(f"/invitations/{token}").text)
    browser.post(
        f"/invitations/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf": csrf}
    )
    with accounts.engine.connect() as conn:
        stored = conn.execute(select(m.accounts.c.password)).scalar_one()
        rows = [tuple(r) for t in authn_tables() for r in conn.execute(select(t))]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in repr(rows)


def authn_tables() -> list[Table]:
    return [m.accounts, m.invitations, m.sessions, m.api_tokens, m.login_failures]


# ---------------------------------------------------------------------------- the API


def test_a_command_without_a_login_is_401(browser: TestClient, fed: Federation) -> None:
    size = len(fed.record)
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        r = browser.post("/api/commands", json=OPEN, headers=headers)
        assert r.status_code == 401
        assert set(r.json()) == {"code", "message", "args", "index"}
        assert r.json()["code"] == "auth.required"
    assert len(fed.record) == size
    assert browser.get("/api/state").status_code == 200  # reading stays public
    assert browser.get("/").status_code == 200


def test_a_member_cannot_act_for_another(
    browser: TestClient, accounts: SqlAccounts, fed: Federation
) -> None:
    fed.run(OPEN)
    _member(accounts, "m4")
    found = accounts.by_actor("m4")
    assert found is not None
    bearer = {"Authorization": f"Bearer {accounts.new_api_token(found.account, 'script')}"}
    size = len(fed.record)
    # naming another actor: refused by the server
    ballot = {"command": "ballot.cast", "election": "e1", "voter": "m5", "ranking": ["m1"]}
    r = browser.post("/api/commands", json={**ballot, "actor": "m5"}, headers=bearer)
    assert (r.status_code, r.json()["code"], r.json()["index"]) == (
        403,
        "command.actor_mismatch",
        0,
    )
    # naming nobody: the server makes m4 the actor, and m4 may not cast m5's ballot
    r = browser.post("/api/commands", json=ballot, headers=bearer)
    assert r.status_code == 403 and r.json()["code"] == "ballot.not_own"
    r = browser.post(
        "/api/commands",
        json={"command": "member.leave", "member": "m5"},
        headers=bearer,
    )
    assert r.status_code == 403 and r.json()["code"] == "member.not_self"
    assert len(fed.record) == size
    # their own ballot passes, as themselves
    r = browser.post("/api/commands", json={**ballot, "voter": "m4"}, headers=bearer)
    assert r.status_code == 200, r.json()
    assert "receipt" in r.json()["results"][0]
    assert fed.view.has_voted("e1", "m4")  # type: ignore[arg-type]


def test_an_operator_token_runs_commands_as_written(
    browser: TestClient, accounts: SqlAccounts, fed: Federation
) -> None:
    bearer = {"Authorization": f"Bearer {authn.operator_token(accounts)}"}
    r = browser.post("/api/commands", json=OPEN, headers=bearer)
    assert r.status_code == 200
    r = browser.post(
        "/api/commands",
        json={"command": "member.leave", "member": "m1", "actor": "m2"},
        headers=bearer,
    )
    assert r.json()["code"] == "member.not_self"  # the domain still judges a written actor


def test_an_api_token_works_until_revoked(
    browser: TestClient, accounts: SqlAccounts, fed: Federation
) -> None:
    email = _member(accounts, "m1")
    _login(browser, email)
    page = browser.get("/me/tokens")
    r = browser.post("/me/tokens", data={"label": "my script", "csrf": _csrf(page.text)})
    assert r.status_code == 201
    made = re.search(r'id="new-token">([^<]+)<', r.text)
    assert made
    token = made.group(1)
    bearer = {"Authorization": f"Bearer {token}"}
    with _other(browser.app) as script:  # no cookies: the token alone
        council = {"command": "council.create", "council": "moscow", "name": "Moscow soviet"}
        assert script.post("/api/commands", json=council, headers=bearer).status_code == 200
        listed = browser.get("/me/tokens")
        assert "my script" in listed.text and token not in listed.text  # shown once only
        (row,) = accounts.api_tokens(accounts.by_actor("m1").account)  # type: ignore[union-attr]
        r = browser.post(f"/me/tokens/{row.id}/revoke", data={"csrf": _csrf(listed.text)})
        assert r.status_code == 303
        again = {"command": "council.create", "council": "kiev", "name": "Kiev soviet"}
        r = script.post("/api/commands", json=again, headers=bearer)
        assert r.status_code == 401 and r.json()["code"] == "auth.required"


def test_the_openapi_document_says_commands_need_a_login(browser: TestClient) -> None:
    doc = browser.get("/openapi.json").json()
    post = doc["paths"]["/api/commands"]["post"]
    assert "401" in post["responses"]
    assert {"apiToken", "session"} <= set(doc["components"]["securitySchemes"])
    assert post["security"] == [{"apiToken": []}, {"session": []}]


# ---------------------------------------------------------------------------- the pages


def test_a_page_that_needs_a_login_sends_the_browser_to_log_in_and_back(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    r = browser.get("/me/tokens")
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/me/tokens")
    email = _member(accounts)
    r = _login(browser, email, next="/me/tokens")
    assert r.headers["location"] == "/me/tokens"
    page = browser.get("/")
    assert "M4" in page.text and "Log out" in page.text and "Log in" not in page.text


def test_an_organiser_of_one_council_is_refused_in_another(
    browser: TestClient, accounts: SqlAccounts, fed: Federation
) -> None:
    fed.run({"command": "organiser.appoint", "council": "city", "organiser": "@anna"})
    accounts.create("@anna", "Anna", "anna@example.org")
    anna = accounts.by_actor("@anna")
    assert anna is not None
    bearer = {"Authorization": f"Bearer {accounts.new_api_token(anna.account, 'script')}"}

    def create(council: str, cid: str) -> httpx.Response:
        command = {
            "command": "constituency.create",
            "constituency": cid,
            "name": cid.title(),
            "kind": "workplace",
            "council": council,
            "seats": 1,
        }
        return browser.post("/api/commands", json=command, headers=bearer)

    r = create("region", "kolpino")
    assert (r.status_code, r.json()["code"]) == (403, "council.not_organiser")
    assert not fed.view.has_constituency("kolpino")  # type: ignore[arg-type]
    r = create("city", "obukhov")
    assert r.status_code == 200, r.json()
    r = browser.post("/api/commands", json={**OPEN, "constituency": "putilov"}, headers=bearer)
    assert r.status_code == 200, r.json()  # putilov is in the city: Anna organises it


def test_pages_holding_a_secret_are_not_cached_nor_sent_as_referer(
    browser: TestClient, accounts: SqlAccounts
) -> None:
    token = accounts.create("m4", "Maria", "maria@example.org")
    page = browser.get(f"/invitations/{token}")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    csrf = _csrf(page.text)
    browser.post(
        f"/invitations/{token}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf": csrf}
    )
    r = browser.post(
        "/me/tokens", data={"label": "x", "csrf": _csrf(browser.get("/me/tokens").text)}
    )
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
