"""Who is logged in, and the pure parts of logging in: password hashing, tokens, the limit.

Accounts are private (docs/accounts.md): they decide who may *make* a command, never what a
command does, so none of this is on the public record. Storage is
:class:`councils.storage.accounts.SqlAccounts`; this module holds what needs no database.

- Passwords are hashed with Argon2id (argon2-cffi's :class:`PasswordHasher`, its default
  parameters: RFC 9106's second recommended option, 64 MiB and 3 passes). Tests pass
  :func:`cheap_hasher` so a thousand logins do not take minutes; nothing else should.
- Every secret handed to a browser or a program (invitation links, session cookies, API
  tokens) is ``secrets.token_urlsafe(32)``: 256 random bits. Only its SHA-256 is stored: a
  stolen copy of the database lets nobody log in, and a random 256-bit token needs no slow
  hash (there is nothing to guess from its hash).
- The login limit (:func:`login_wait`) is a pure function of the recent failures, so it is
  tested without a clock: :data:`LOGIN_LIMIT` failures for one e-mail address, or from one IP
  address, within :data:`LOGIN_WINDOW_MS`, and further attempts are refused (even with the
  right password) until the oldest of them leaves the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher

from councils.domain.errors import InvalidCommand
from councils.domain.ids import ACTOR_PATTERN

__all__ = [
    "INVITATION_MS",
    "LOGIN_LIMIT",
    "LOGIN_WINDOW_MS",
    "MIN_PASSWORD",
    "SESSION_MS",
    "Principal",
    "cheap_hasher",
    "check_actor",
    "default_hasher",
    "login_wait",
    "new_token",
    "now_ms",
    "same_secret",
    "token_hash",
]

DAY_MS = 24 * 60 * 60 * 1000
#: A session lasts this long from login; then the browser logs in again.
SESSION_MS = 14 * DAY_MS
#: An invitation link works this long (and once).
INVITATION_MS = 14 * DAY_MS
#: Failures allowed per e-mail address and per IP address within the window.
LOGIN_LIMIT = 5
#: The window of the login limit: 15 minutes.
LOGIN_WINDOW_MS = 15 * 60 * 1000
#: The shortest password accepted (NIST SP 800-63B asks for at least 8; a passphrase is better).
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Principal:
    """Who made a request: an account, and the actor its commands are made by.

    ``actor`` is a member id or an ``@handle``; ``None`` for an operator account, whose
    commands pass as the command line's do. ``csrf`` is the session's CSRF token (``None``
    for an API token, which a browser never sends by itself, so needs none).
    """

    account: int
    actor: str | None
    name: str
    operator: bool
    csrf: str | None
    via: Literal["session", "token"]


def check_actor(actor: str) -> str:
    """``actor`` if it can own an account: a member id or an ``@handle`` (an organiser who is
    not a member; ``@`` is not allowed in ids, so a handle never names a member)."""
    if ACTOR_PATTERN.fullmatch(actor):
        return actor
    raise InvalidCommand(
        "account.bad_actor",
        f"{actor!r} is neither a member id nor an @handle (letters, digits and . _ : ~ -)",
        {"actor": actor},
    )


def default_hasher() -> PasswordHasher:
    """Argon2id with argon2-cffi's defaults (RFC 9106, second recommended option)."""
    return PasswordHasher()


def cheap_hasher() -> PasswordHasher:
    """Argon2id with tiny costs, for tests only: still the ``$argon2id$`` format."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def now_ms() -> int:
    """The default clock of accounts: milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def new_token() -> str:
    """A fresh secret for a link, a cookie or a program: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def same_secret(a: str | None, b: str | None) -> bool:
    """Compare two secrets in constant time; a missing one never matches."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def login_wait(
    failures: Sequence[int],
    now: int,
    *,
    limit: int = LOGIN_LIMIT,
    window_ms: int = LOGIN_WINDOW_MS,
) -> int:
    """Seconds to wait before another login may be tried, given the times (ms) of the recent
    failures for one key (an e-mail address or an IP address); 0 when it may be tried now.

    With ``limit`` failures inside the window, the next attempt waits until the oldest of the
    last ``limit`` leaves it. Rounded up: "wait 0 seconds" must never be said while refusing.
    """
    recent = sorted(t for t in failures if now - t < window_ms)
    if len(recent) < limit:
        return 0
    free_at = recent[-limit] + window_ms
    return max(1, -(-(free_at - now) // 1000))
