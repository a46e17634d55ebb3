"""Accounts on each engine the federation runs on (SQLite file, real PostgreSQL), through
``bootstrap.open_accounts``: the whole life of an account, the login limit, API tokens; and
that none of it is on the public record."""

from __future__ import annotations

import pytest

from councils.domain.errors import NotAuthenticated
from councils.service import bootstrap
from councils.service.accounts import LOGIN_LIMIT, cheap_hasher
from councils.storage.accounts import SqlAccounts

PASSWORD = "all power to the soviets"


class Clock:
    now = 1_800_000_000_000

    def __call__(self) -> int:
        return self.now


def _accounts(url: str, clock: Clock) -> SqlAccounts:
    opened = bootstrap.open_accounts(url)
    return SqlAccounts(opened.engine, hasher=cheap_hasher(), clock=clock)


def test_an_account_from_invitation_to_logout_everywhere(federation_url: str) -> None:
    clock = Clock()
    accounts = _accounts(federation_url, clock)
    with bootstrap.open_uow(federation_url)() as uow:
        size = len(uow.record)
    invitation = accounts.create("@olga", "Olga", "Olga@Example.org")
    first, who = accounts.accept(invitation, PASSWORD)
    assert who.actor == "@olga" and accounts.session(first) == who
    second, again = accounts.login("olga@example.org", PASSWORD, ip="192.0.2.1", old_session=first)
    assert accounts.session(first) is None and accounts.session(second) == again
    token = accounts.new_api_token(who.account, "script")
    assert accounts.by_api_token(token) is not None
    (listed,) = accounts.api_tokens(who.account)
    accounts.revoke_api_token(who.account, listed.id)
    assert accounts.by_api_token(token) is None
    third, _ = accounts.login("olga@example.org", PASSWORD, ip="192.0.2.2")
    assert accounts.logout_everywhere(who.account) == 2
    assert accounts.session(second) is None and accounts.session(third) is None
    # accounts are private: nothing of this reached the record
    uow = bootstrap.open_uow(federation_url)()
    with uow:
        assert len(uow.record) == size
    assert bootstrap.verify_federation(federation_url).ok


def test_the_login_limit(federation_url: str) -> None:
    clock = Clock()
    accounts = _accounts(federation_url, clock)
    accounts.accept(accounts.create("m1", "Anna", "anna@example.org"), PASSWORD)
    for _ in range(LOGIN_LIMIT):
        with pytest.raises(NotAuthenticated):
            accounts.login("anna@example.org", "not it at all", ip="192.0.2.9")
    with pytest.raises(NotAuthenticated) as err:
        accounts.login("anna@example.org", PASSWORD, ip="192.0.2.9")
    assert err.value.code == "login.limited"
    clock.now += int(err.value.args_["retry_after"] or 0) * 1000
    accounts.login("anna@example.org", PASSWORD, ip="192.0.2.9")


def test_guesses_sent_all_at_once_are_each_counted(federation_url: str) -> None:
    """Twenty wrong guesses at once: each is counted before its password is checked, so at
    most LOGIN_LIMIT are checked at all, and the rest are refused by the limit (the check and
    the count are one transaction: BEGIN IMMEDIATE on SQLite, a lock per key on PostgreSQL)."""
    import threading

    clock = Clock()
    accounts = _accounts(federation_url, clock)
    accounts.accept(accounts.create("m1", "Anna", "anna@example.org"), PASSWORD)
    codes: list[str] = []
    start = threading.Barrier(20)

    def guess(i: int) -> None:
        start.wait()
        try:
            accounts.login("anna@example.org", f"guess number {i}", ip=f"10.0.1.{i}")
        except NotAuthenticated as err:
            codes.append(err.code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 20
    assert codes.count("login.failed") == LOGIN_LIMIT
    assert codes.count("login.limited") == 20 - codes.count("login.failed")
    with pytest.raises(NotAuthenticated) as err:
        accounts.login("anna@example.org", PASSWORD, ip="10.0.2.1")
    assert err.value.code == "login.limited"
