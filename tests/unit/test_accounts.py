"""Accounts on real SQLite (in memory): passwords as Argon2id, invitations single use and
expiring, sessions renewed at every login and ended everywhere, the login limit, API tokens.
Times come from a clock the tests move by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from councils.domain.errors import (
    Conflict,
    InvalidCommand,
    NotAuthenticated,
    NotFound,
    RuleViolation,
)
from councils.service.accounts import (
    INVITATION_MS,
    LOGIN_LIMIT,
    LOGIN_WINDOW_MS,
    SESSION_MS,
    cheap_hasher,
    login_wait,
    token_hash,
)
from councils.storage import metadata as m
from councils.storage.accounts import SqlAccounts, memory_accounts

PASSWORD = "correct horse battery"
T0 = 1_800_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now

    def advance(self, ms: int) -> None:
        self.now += ms


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(clock: Clock) -> SqlAccounts:
    return memory_accounts(hasher=cheap_hasher(), clock=clock)


def _member(accounts: SqlAccounts, actor: str = "m1", email: str = "m1@example.org") -> str:
    token = accounts.create(actor, "Anna", email)
    accounts.accept(token, PASSWORD)
    return email


def test_the_password_is_stored_as_argon2id_and_never_in_plain(accounts: SqlAccounts) -> None:
    _member(accounts)
    with accounts.engine.connect() as conn:
        stored = conn.execute(select(m.accounts.c.password)).scalar_one()
        everything = [
            tuple(r)
            for t in m.metadata.sorted_tables
            if t.name in {"accounts", "invitations", "sessions", "api_tokens", "login_failures"}
            for r in conn.execute(select(t))
        ]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in repr(everything)


def test_the_default_hasher_is_argon2id() -> None:
    from councils.service.accounts import default_hasher

    h = default_hasher()
    assert h.type.name == "ID" and h.hash("x" * 10).startswith("$argon2id$")


def test_tokens_are_stored_as_their_sha256(accounts: SqlAccounts) -> None:
    invitation = accounts.create("m1", "Anna", "m1@example.org")
    with accounts.engine.connect() as conn:
        (stored,) = conn.execute(select(m.invitations.c.token)).scalars()
    assert stored == token_hash(invitation) and invitation.encode() not in stored
    session, _ = accounts.accept(invitation, PASSWORD)
    with accounts.engine.connect() as conn:
        (stored,) = conn.execute(select(m.sessions.c.token)).scalars()
    assert stored == token_hash(session)


def test_an_invitation_works_once(accounts: SqlAccounts) -> None:
    token = accounts.create("m1", "Anna", "m1@example.org")
    assert accounts.invitation(token).account.actor == "m1"
    session, who = accounts.accept(token, PASSWORD)
    assert who.actor == "m1" and who.via == "session" and accounts.session(session) == who
    with pytest.raises(Conflict) as err:
        accounts.accept(token, "another password")
    assert err.value.code == "invitation.used"
    accounts.login("m1@example.org", PASSWORD, ip="10.0.0.1")  # the first password stands


def test_an_invitation_expires(accounts: SqlAccounts, clock: Clock) -> None:
    token = accounts.create("m1", "Anna", "m1@example.org")
    clock.advance(INVITATION_MS)
    with pytest.raises(RuleViolation) as err:
        accounts.accept(token, PASSWORD)
    assert err.value.code == "invitation.expired"


def test_a_new_invitation_ends_the_older_one(accounts: SqlAccounts) -> None:
    old = accounts.create("m1", "Anna", "m1@example.org")
    new = accounts.invite("m1")
    with pytest.raises(NotFound) as err:
        accounts.accept(old, PASSWORD)
    assert err.value.code == "invitation.unknown"
    accounts.accept(new, PASSWORD)


def test_a_short_password_is_refused(accounts: SqlAccounts) -> None:
    token = accounts.create("m1", "Anna", "m1@example.org")
    with pytest.raises(InvalidCommand) as err:
        accounts.accept(token, "short")
    assert err.value.code == "password.too_short"
    accounts.accept(token, PASSWORD)  # the refusal did not use the invitation up


def test_taken_actors_and_addresses_are_refused(accounts: SqlAccounts) -> None:
    accounts.create("m1", "Anna", "m1@example.org")
    with pytest.raises(Conflict) as err:
        accounts.create("m1", "Other", "other@example.org")
    assert err.value.code == "account.exists"
    with pytest.raises(Conflict) as err:
        accounts.create("m2", "Other", " M1@Example.org ")
    assert err.value.code == "account.email_taken"
    with pytest.raises(InvalidCommand):
        accounts.create("m3", "Other", "not an address")


def test_check_new_names_the_first_taken_or_repeated_address(accounts: SqlAccounts) -> None:
    accounts.create("m1", "Anna", "m1@example.org")
    accounts.check_new(["a@example.org", "b@example.org"])
    with pytest.raises(Conflict) as err:
        accounts.check_new(["a@example.org", "b@example.org", "A@example.org"])
    assert err.value.code == "account.email_repeated" and err.value.index == 2
    with pytest.raises(Conflict) as err:
        accounts.check_new(["a@example.org", "m1@example.org"])
    assert err.value.code == "account.email_taken" and err.value.index == 1


def test_login_renews_the_session_and_ends_the_one_presented(accounts: SqlAccounts) -> None:
    email = _member(accounts)
    first, _ = accounts.login(email, PASSWORD, ip="10.0.0.1")
    second, who = accounts.login(email, PASSWORD, ip="10.0.0.1", old_session=first)
    assert second != first
    assert accounts.session(first) is None
    assert accounts.session(second) == who
    assert who.csrf and who.csrf != second


def test_a_session_expires(accounts: SqlAccounts, clock: Clock) -> None:
    email = _member(accounts)
    token, _ = accounts.login(email, PASSWORD, ip="10.0.0.1")
    clock.advance(SESSION_MS - 1)
    assert accounts.session(token) is not None
    clock.advance(1)
    assert accounts.session(token) is None


def test_wrong_password_and_unknown_address_fail_alike(accounts: SqlAccounts) -> None:
    email = _member(accounts)
    for who in (email, "nobody@example.org"):
        with pytest.raises(NotAuthenticated) as err:
            accounts.login(who, "wrong password!", ip="10.0.0.1")
        assert err.value.code == "login.failed" and err.value.http_status == 401


def test_an_account_not_yet_invited_in_cannot_log_in(accounts: SqlAccounts) -> None:
    accounts.create("m1", "Anna", "m1@example.org")
    with pytest.raises(NotAuthenticated):
        accounts.login("m1@example.org", "", ip="10.0.0.1")


def test_the_login_limit_refuses_even_the_right_password_then_lifts(
    accounts: SqlAccounts, clock: Clock
) -> None:
    email = _member(accounts)
    for _ in range(LOGIN_LIMIT):
        with pytest.raises(NotAuthenticated):
            accounts.login(email, "wrong password!", ip="10.0.0.1")
        clock.advance(1000)
    with pytest.raises(NotAuthenticated) as err:
        accounts.login(email, PASSWORD, ip="10.0.0.2")  # another address: the e-mail's count
    assert err.value.code == "login.limited"
    wait = err.value.args_["retry_after"]
    assert isinstance(wait, int) and 0 < wait <= LOGIN_WINDOW_MS // 1000
    assert "minute" in err.value.message or "second" in err.value.message
    clock.advance(wait * 1000)
    accounts.login(email, PASSWORD, ip="10.0.0.2")


def test_the_ip_limit_counts_across_addresses_and_a_success_does_not_reset_it(
    accounts: SqlAccounts,
) -> None:
    mine = _member(accounts, "m1", "m1@example.org")
    for i in range(LOGIN_LIMIT - 1):
        with pytest.raises(NotAuthenticated):
            accounts.login(f"victim{i}@example.org", "guess guess", ip="10.6.6.6")
    accounts.login(mine, PASSWORD, ip="10.6.6.6")  # the guesser's own account
    with pytest.raises(NotAuthenticated):
        accounts.login("victim9@example.org", "guess guess", ip="10.6.6.6")
    with pytest.raises(NotAuthenticated) as err:
        accounts.login(mine, PASSWORD, ip="10.6.6.6")
    assert err.value.code == "login.limited"
    accounts.login(mine, PASSWORD, ip="10.0.0.9")  # elsewhere the right password works


def test_login_wait_is_a_pure_function() -> None:
    assert login_wait([], 0) == 0
    assert login_wait([0] * (LOGIN_LIMIT - 1), 1) == 0
    assert login_wait([0] * LOGIN_LIMIT, 1) == -(-(LOGIN_WINDOW_MS - 1) // 1000)
    assert login_wait([0] * LOGIN_LIMIT, LOGIN_WINDOW_MS) == 0
    assert login_wait([0] * LOGIN_LIMIT, LOGIN_WINDOW_MS - 1) == 1  # never "wait 0 s"


def test_logout_and_logout_everywhere(accounts: SqlAccounts) -> None:
    email = _member(accounts)
    a, who = accounts.login(email, PASSWORD, ip="10.0.0.1")
    b, _ = accounts.login(email, PASSWORD, ip="10.0.0.2")
    c, _ = accounts.login(email, PASSWORD, ip="10.0.0.3")
    accounts.logout(a)
    assert accounts.session(a) is None and accounts.session(b) is not None
    assert accounts.sessions(who.account) == 3 - 1 + 1  # the accept's session is alive too
    accounts.logout_everywhere(who.account)
    assert accounts.session(b) is None and accounts.session(c) is None


def test_api_tokens_work_until_revoked(accounts: SqlAccounts, clock: Clock) -> None:
    _member(accounts)
    account = accounts.by_actor("m1")
    assert account is not None
    token = accounts.new_api_token(account.account, "my script")
    who = accounts.by_api_token(token)
    assert who is not None and who.actor == "m1" and who.via == "token" and who.csrf is None
    (listed,) = accounts.api_tokens(account.account)
    assert listed.label == "my script" and listed.last_used == clock.now
    assert token not in repr(listed)
    other = accounts.create("m2", "Boris", "m2@example.org")
    assert other
    m2 = accounts.by_actor("m2")
    assert m2 is not None
    with pytest.raises(NotFound):
        accounts.revoke_api_token(m2.account, listed.id)  # not theirs
    accounts.revoke_api_token(account.account, listed.id)
    assert accounts.by_api_token(token) is None
    assert accounts.api_tokens(account.account) == []


def test_an_operator_account_acts_with_no_actor(accounts: SqlAccounts) -> None:
    accounts.create("@ops", "Operator", None, operator=True)
    ops = accounts.by_actor("@ops")
    assert ops is not None
    who = accounts.by_api_token(accounts.new_api_token(ops.account, "cli"))
    assert who is not None and who.operator and who.actor is None


def test_the_demo_member_is_free_to_act_in_their_constituency() -> None:
    from councils.cli.demo_accounts import DemoMember, demo_member
    from councils.testing.scenarios import petrograd

    fed = petrograd()
    fed("election.open", election="e1", constituency="putilov", candidates=["m1", "m2"])
    fed("ballot.cast", election="e1", voter="m3", ranking=["m1"])
    # m1 and m2 stand, m3 voted: m4 is the first who can still vote (and nobody can sign yet)
    assert demo_member(fed.view) == DemoMember("m4", "e1", None)  # type: ignore[arg-type]
    for voter in ("m1", "m2", "m4", "m5"):
        fed("ballot.cast", election="e1", voter=voter, ranking=["m1", "m2"])
    fed("election.close", election="e1")
    fed("recall.sign", constituency="putilov", delegate="m1", signer="m3")
    # m1 and m2 hold the seats, m3 signed, no election is open: m4 can still sign
    assert demo_member(fed.view) == DemoMember("m4", None, "putilov")  # type: ignore[arg-type]
    fed("election.open", election="e2", constituency="vyborg", candidates=["m6"])
    fed("member.join", member="m5", constituency="vyborg")
    # m5 is in both: the one member who can vote (in vyborg) and sign (in putilov)
    assert demo_member(fed.view) == DemoMember("m5", "e2", "putilov")  # type: ignore[arg-type]


def test_the_demo_makes_two_logins_with_known_passwords() -> None:
    from councils.cli import demo_accounts as d
    from councils.testing.scenarios import petrograd

    fed = petrograd()
    store = memory_accounts(hasher=cheap_hasher())
    logins = d.make_demo_accounts(lambda: fed.uow, store)
    assert [(x.role, x.actor, x.email) for x in logins] == [
        ("organiser", "@organiser", "organiser@demo.invalid"),
        ("member", "m1", "member@demo.invalid"),
    ]
    for x in logins:
        _, who = store.login(x.email, x.password, ip="127.0.0.1")
        assert who.actor == x.actor


def test_an_actor_with_a_trailing_newline_is_refused() -> None:
    """``$`` also matches before a final newline: actors are checked whole (fullmatch)."""
    from councils.service.accounts import check_actor

    with pytest.raises(InvalidCommand) as err:
        check_actor("m1\n")
    assert err.value.code == "account.bad_actor"
    assert check_actor("@olga") == "@olga"
