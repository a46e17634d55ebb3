"""``councils account add | invite | token`` as a user runs them: the real script in a
subprocess on a SQLite federation; the links and tokens it prints work, and every mistake is
one line on stderr with a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from councils.service import bootstrap
from councils.service.bus import execute
from councils.testing.scenarios import city_council, putilov_works, register

SETUP = [city_council(), putilov_works(), *register("putilov", {"m1": "Anna"})]


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'fed.db'}"
    bootstrap.init_federation(url)
    execute(SETUP, bootstrap.open_uow(url)(), clock=lambda: "1917-10-25T10:00:00+03:00")
    return url


def councils(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "councils", "--db", url, "account", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _token_of(link: str) -> str:
    return link.rsplit("/invitations/", 1)[1]


def test_add_prints_an_invitation_link_that_sets_the_password(url: str) -> None:
    done = councils(
        url,
        "add",
        "m1",
        "--name",
        "Anna",
        "--email",
        "anna@example.org",
        "--url",
        "https://c.example/",
    )
    assert done.returncode == 0, done.stderr
    link = done.stdout.strip().splitlines()[-1]
    assert link.startswith("https://c.example/invitations/")
    accounts = bootstrap.open_accounts(url)
    _, who = accounts.accept(_token_of(link), "a long enough password")
    assert who.actor == "m1" and not who.operator
    accounts.login("anna@example.org", "a long enough password", ip="127.0.0.1")


def test_invite_replaces_the_older_link(url: str) -> None:
    first = councils(url, "add", "@org", "--name", "Organiser", "--email", "org@example.org")
    again = councils(url, "invite", "@org")
    assert first.returncode == again.returncode == 0, again.stderr
    old = _token_of(first.stdout.strip().splitlines()[-1])
    new = _token_of(again.stdout.strip().splitlines()[-1])
    assert "http://127.0.0.1:8000/invitations/" in again.stdout
    accounts = bootstrap.open_accounts(url)
    with pytest.raises(Exception, match="not valid"):
        accounts.accept(old, "a long enough password")
    accounts.accept(new, "a long enough password")


def test_token_prints_a_working_api_token_of_an_operator(url: str) -> None:
    assert councils(url, "add", "@ops", "--name", "Operator", "--operator").returncode == 0
    done = councils(url, "token", "@ops", "--label", "cron")
    assert done.returncode == 0, done.stderr
    (token,) = done.stdout.split()
    assert "shown only now" in done.stderr
    who = bootstrap.open_accounts(url).by_api_token(token)
    assert who is not None and who.operator and who.actor is None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "m9", "--name", "Nobody", "--email", "n@example.org"), "there is no member m9"),
        (("add", "m1", "--name", "Anna"), "needs --email"),
        (("add", "bad actor!", "--name", "X", "--email", "x@example.org"), "neither a member"),
        (("add", "@x", "--name", "X", "--email", "not-an-address"), "not an e-mail address"),
        (("invite", "@nobody"), "@nobody has no account"),
        (("token", "@nobody", "--label", "x"), "@nobody has no account"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(url: str, args: tuple[str, ...], says: str) -> None:
    done = councils(url, *args)
    assert done.returncode == 1
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("councils: ")


def test_a_taken_actor_or_address_is_refused(url: str) -> None:
    assert councils(url, "add", "m1", "--name", "Anna", "--email", "a@example.org").returncode == 0
    done = councils(url, "add", "m1", "--name", "Anna", "--email", "b@example.org")
    assert done.returncode == 1 and "m1 already has an account" in done.stderr
    done = councils(url, "add", "@a", "--name", "A", "--email", "A@example.org")
    assert done.returncode == 1 and "a@example.org already has an account" in done.stderr
