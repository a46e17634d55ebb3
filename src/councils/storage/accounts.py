"""Accounts, invitations, sessions, API tokens and the login limit, in the private tables of
:mod:`councils.storage.metadata` (``accounts``, ``invitations``, ``sessions``, ``api_tokens``,
``login_failures``). docs/accounts.md says what each is for; this module is how they are kept.

Why these rules:

- Secrets are stored only as hashes (:mod:`councils.service.accounts`): passwords Argon2id,
  tokens SHA-256. A copy of these tables logs nobody in.
- Every time comes from the injected ``clock`` (ms since the epoch), so expiry and the login
  limit are tested without waiting.
- Logging in always makes a new session (its token and its CSRF token), and ends the session
  the browser presented, if any: a session token planted in a browser before login (session
  fixation) never becomes a logged-in one.
- An invitation is single use and expires; a fresh one (``invite``) ends the older ones.
- A failed login is counted for its e-mail address and for its IP address. A success clears
  that address's count only: a guesser who owns one account cannot reset the count of their
  IP address by logging into it between guesses at others.

Not part of the state: ``councils verify`` does not read these tables, ``record export``
never writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

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
    MIN_PASSWORD,
    SESSION_MS,
    Principal,
    check_actor,
    default_hasher,
    login_wait,
    new_token,
    now_ms,
    token_hash,
)
from councils.storage import metadata as m
from councils.storage.engine import READ, is_postgres

__all__ = ["Account", "ApiToken", "Invitation", "SqlAccounts", "memory_accounts"]

#: The private tables, for :func:`memory_accounts` and whoever creates them alone.
ACCOUNT_TABLES = (m.accounts, m.invitations, m.sessions, m.api_tokens, m.login_failures)

#: How often (ms) an API token's ``last_used`` is written: not on every request, which would
#: make every read-mostly call a write.
LAST_USED_EVERY_MS = 60_000


@dataclass(frozen=True)
class Account:
    """An account as others may see it (never its password hash)."""

    account: int
    actor: str
    name: str
    email: str | None
    operator: bool
    #: Whether the invitation was accepted (a password is set).
    active: bool
    created: int


@dataclass(frozen=True)
class Invitation:
    """An open invitation: whose account it sets the password of, and until when."""

    account: Account
    expires: int


@dataclass(frozen=True)
class ApiToken:
    """One personal API token as listed: ``id`` (hex of the stored hash: names it for
    revoking, reveals nothing of the token), its label, when made and last used (ms)."""

    id: str
    label: str
    created: int
    last_used: int | None


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case and surrounding space."""
    return email.strip().lower()


def _check_email(email: str) -> str:
    e = normalise_email(email)
    if "@" not in e or any(c.isspace() for c in e) or e.startswith("@") or e.endswith("@"):
        raise InvalidCommand(
            "account.bad_email", f"not an e-mail address: {email!r}", {"email": email}
        )
    return e


class SqlAccounts:
    """The accounts of one federation's database (see the module docstring).

    ``hasher`` hashes passwords (Argon2id; tests pass
    :func:`~councils.service.accounts.cheap_hasher`), ``clock`` gives ms since the epoch.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], int] = now_ms,
        session_ms: int = SESSION_MS,
        invitation_ms: int = INVITATION_MS,
        login_limit: int = LOGIN_LIMIT,
        login_window_ms: int = LOGIN_WINDOW_MS,
    ) -> None:
        self.engine = engine
        self.hasher = hasher if hasher is not None else default_hasher()
        self.clock = clock
        self.session_ms = session_ms
        self.invitation_ms = invitation_ms
        self.login_limit = login_limit
        self.login_window_ms = login_window_ms
        # Verifying against this when no account matches takes as long as a real check, so
        # the time of a refusal does not tell whether the address has an account.
        self._dummy = self.hasher.hash("not a password, only for timing")

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**READ)
            with conn.begin():
                yield conn

    # ------------------------------------------------------------------ accounts

    def create(self, actor: str, name: str, email: str | None, *, operator: bool = False) -> str:
        """A new account for ``actor`` and its first invitation token (the link's secret).

        Refuses an actor or e-mail address that already has an account
        (``account.exists`` / ``account.email_taken``)."""
        actor = check_actor(actor.strip())
        if not name.strip():
            raise InvalidCommand("account.bad_name", "an account needs a name", {"actor": actor})
        mail = _check_email(email) if email else None
        with self._write() as conn:
            if conn.execute(
                select(m.accounts.c.account).where(m.accounts.c.actor == actor)
            ).first():
                raise Conflict(
                    "account.exists", f"{actor} already has an account", {"actor": actor}
                )
            if mail is not None:
                self._check_free(conn, [mail])
            now = self.clock()
            try:
                account = conn.execute(
                    insert(m.accounts)
                    .values(
                        actor=actor,
                        name=name.strip(),
                        email=mail,
                        password=None,
                        operator=operator,
                        created=now,
                    )
                    .returning(m.accounts.c.account)
                ).scalar_one()
            except IntegrityError:  # another process made it between the check and here
                raise Conflict(
                    "account.exists", f"{actor} already has an account", {"actor": actor}
                ) from None
            return self._invite(conn, account, now)

    def check_new(self, emails: Sequence[str]) -> None:
        """Refuse a list of new addresses (a CSV import) if one is malformed, repeated or
        already has an account: the error names the first, with its ``index`` in the list."""
        seen: dict[str, int] = {}
        normal: list[str] = []
        for i, email in enumerate(emails):
            try:
                e = _check_email(email)
            except InvalidCommand as err:
                err.index = i
                raise
            if e in seen:
                repeated = Conflict(
                    "account.email_repeated",
                    f"{email} appears twice (entries {seen[e] + 1} and {i + 1})",
                    {"email": email, "first": seen[e]},
                )
                repeated.index = i
                raise repeated
            seen[e] = i
            normal.append(e)
        with self._read() as conn:
            try:
                self._check_free(conn, normal)
            except Conflict as err:
                err.index = seen[str(err.args_["email"])]
                raise

    def _check_free(self, conn: Connection, emails: Sequence[str]) -> None:
        taken: set[str] = set()
        for start in range(0, len(emails), 500):
            chunk = list(emails[start : start + 500])
            taken |= set(
                conn.execute(select(m.accounts.c.email).where(m.accounts.c.email.in_(chunk)))
                .scalars()
                .all()
            )
        for e in emails:
            if e in taken:
                raise Conflict("account.email_taken", f"{e} already has an account", {"email": e})

    def by_actor(self, actor: str) -> Account | None:
        """The account whose commands are made by ``actor``, if there is one."""
        with self._read() as conn:
            row = conn.execute(select(m.accounts).where(m.accounts.c.actor == actor)).first()
        return None if row is None else _account(row)

    def by_email(self, email: str) -> Account | None:
        with self._read() as conn:
            row = conn.execute(
                select(m.accounts).where(m.accounts.c.email == normalise_email(email))
            ).first()
        return None if row is None else _account(row)

    def _require(self, conn: Connection, actor: str) -> int:
        account = conn.execute(
            select(m.accounts.c.account).where(m.accounts.c.actor == actor)
        ).scalar()
        if account is None:
            raise NotFound("account.not_found", f"{actor} has no account", {"actor": actor})
        return int(account)

    # ------------------------------------------------------------------ invitations

    def invite(self, actor: str) -> str:
        """A fresh invitation for ``actor``'s account; their older unused ones stop working.
        (Also how a forgotten password is reset: the organiser hands out a new link.)"""
        with self._write() as conn:
            account = self._require(conn, actor)
            return self._invite(conn, account, self.clock())

    def _invite(self, conn: Connection, account: int, now: int) -> str:
        conn.execute(
            delete(m.invitations).where(
                m.invitations.c.account == account, m.invitations.c.used.is_(None)
            )
        )
        token = new_token()
        conn.execute(
            insert(m.invitations).values(
                token=token_hash(token),
                account=account,
                created=now,
                expires=now + self.invitation_ms,
                used=None,
            )
        )
        return token

    def invitation(self, token: str) -> Invitation:
        """The open invitation ``token`` names (for its page), or why it cannot be used."""
        with self._read() as conn:
            row, account = self._open_invitation(conn, token)
        return Invitation(account, int(row.expires))

    def _open_invitation(
        self, conn: Connection, token: str
    ) -> tuple[sqlalchemy.Row[tuple[bytes, int, int, int, int | None]], Account]:
        row = conn.execute(
            select(m.invitations).where(m.invitations.c.token == token_hash(token))
        ).first()
        if row is None:
            raise NotFound(
                "invitation.unknown",
                "this invitation link is not valid (perhaps a newer one was sent): ask your "
                "organiser for a new link",
                {},
            )
        if row.used is not None:
            raise Conflict(
                "invitation.used",
                "this invitation link was already used: log in with your password, or ask "
                "your organiser for a new link",
                {},
            )
        if row.expires <= self.clock():
            raise RuleViolation(
                "invitation.expired",
                "this invitation link has expired: ask your organiser for a new link",
                {},
            )
        acc = conn.execute(select(m.accounts).where(m.accounts.c.account == row.account)).one()
        return row, _account(acc)

    def accept(
        self, token: str, password: str, *, old_session: str | None = None
    ) -> tuple[str, Principal]:
        """Use invitation ``token`` (once) to set the account's password, and log in: the new
        session's token and who it is. ``old_session`` (the browser's previous session, if
        any) ends."""
        check_password(password)
        hashed = self.hasher.hash(password)
        with self._write() as conn:
            row, account = self._open_invitation(conn, token)
            now = self.clock()
            done = conn.execute(
                update(m.invitations)
                .where(m.invitations.c.token == row.token, m.invitations.c.used.is_(None))
                .values(used=now)
            )
            if done.rowcount != 1:  # pragma: no cover - the write lock makes this unreachable
                raise Conflict("invitation.used", "this invitation link was already used", {})
            conn.execute(
                update(m.accounts)
                .where(m.accounts.c.account == account.account)
                .values(password=hashed)
            )
            return self._new_session(conn, account, now, old_session)

    # ------------------------------------------------------------------ sessions

    def login(
        self, email: str, password: str, *, ip: str, old_session: str | None = None
    ) -> tuple[str, Principal]:
        """Log in: a new session token and who it is. Raises
        ``NotAuthenticated("login.failed")``, or ``("login.limited")`` with ``retry_after``
        (seconds) after too many failures for this address or from this IP address."""
        mail = normalise_email(email)
        keys = (f"email:{mail}", f"ip:{ip}")
        now = self.clock()
        # The attempt is counted as a failure *before* the password is checked, in the same
        # write transaction as the check of the limit (SQLite: BEGIN IMMEDIATE, one at a time;
        # PostgreSQL: a transaction lock on each key): guesses sent all at once are each
        # counted, and none slips past the limit while another's Argon2 hash is checked. A
        # success takes its own rows back.
        attempt: list[int] = []
        with self._write() as conn:
            if is_postgres(conn):  # READ COMMITTED would let them all read the same count
                for key in sorted(keys):
                    conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
            wait = self._wait(conn, keys, now)
            row = conn.execute(select(m.accounts).where(m.accounts.c.email == mail)).first()
            if not wait:
                attempt = self._failed(conn, keys, now)
        if wait:
            raise NotAuthenticated(
                "login.limited",
                f"too many failed log-ins: wait {_in_words(wait)} before trying again",
                {"retry_after": wait},
            )
        ok = False
        stored = None if row is None else row.password
        try:
            ok = self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            raise NotAuthenticated("login.failed", "wrong e-mail address or password", {})
        with self._write() as conn:
            conn.execute(delete(m.login_failures).where(m.login_failures.c.key == keys[0]))
            conn.execute(delete(m.login_failures).where(m.login_failures.c.id.in_(attempt)))
            if stored is not None and self.hasher.check_needs_rehash(stored):
                conn.execute(
                    update(m.accounts)
                    .where(m.accounts.c.account == row.account)
                    .values(password=self.hasher.hash(password))
                )
            return self._new_session(conn, _account(row), now, old_session)

    def _failed(self, conn: Connection, keys: Sequence[str], now: int) -> list[int]:
        """Count an attempt as a failure against each key (the ids of its rows, which a
        success deletes again), and forget failures older than the window."""
        conn.execute(
            delete(m.login_failures).where(
                m.login_failures.c.key.in_(keys),
                m.login_failures.c.at <= now - self.login_window_ms,
            )
        )
        return [
            int(
                conn.execute(
                    insert(m.login_failures).values(key=k, at=now).returning(m.login_failures.c.id)
                ).scalar_one()
            )
            for k in keys
        ]

    def _wait(self, conn: Connection, keys: Sequence[str], now: int) -> int:
        wait = 0
        for key in keys:
            times = (
                conn.execute(
                    select(m.login_failures.c.at).where(
                        m.login_failures.c.key == key,
                        m.login_failures.c.at > now - self.login_window_ms,
                    )
                )
                .scalars()
                .all()
            )
            wait = max(
                wait,
                login_wait(times, now, limit=self.login_limit, window_ms=self.login_window_ms),
            )
        return wait

    def _new_session(
        self, conn: Connection, account: Account, now: int, old_session: str | None
    ) -> tuple[str, Principal]:
        if old_session:
            conn.execute(delete(m.sessions).where(m.sessions.c.token == token_hash(old_session)))
        conn.execute(
            delete(m.sessions).where(
                m.sessions.c.account == account.account, m.sessions.c.expires <= now
            )
        )
        token, csrf = new_token(), new_token()
        conn.execute(
            insert(m.sessions).values(
                token=token_hash(token),
                account=account.account,
                csrf=csrf,
                created=now,
                expires=now + self.session_ms,
            )
        )
        return token, _principal(account, csrf, "session")

    def session(self, token: str) -> Principal | None:
        """Who the session ``token`` (a cookie) belongs to; ``None`` if unknown or expired."""
        if not token:
            return None
        with self._read() as conn:
            row = conn.execute(
                select(m.accounts, m.sessions.c.csrf)
                .join(m.sessions, m.sessions.c.account == m.accounts.c.account)
                .where(m.sessions.c.token == token_hash(token), m.sessions.c.expires > self.clock())
            ).first()
        return None if row is None else _principal(_account(row), row.csrf, "session")

    def logout(self, token: str) -> None:
        """End the session ``token``."""
        with self._write() as conn:
            conn.execute(delete(m.sessions).where(m.sessions.c.token == token_hash(token)))

    def logout_everywhere(self, account: int) -> int:
        """End every session of ``account`` (every browser it is logged in on); how many."""
        with self._write() as conn:
            done = conn.execute(delete(m.sessions).where(m.sessions.c.account == account))
            return int(done.rowcount or 0)

    def sessions(self, account: int) -> int:
        """How many live sessions ``account`` has (shown next to "log out everywhere")."""
        with self._read() as conn:
            return len(
                conn.execute(
                    select(m.sessions.c.created).where(
                        m.sessions.c.account == account, m.sessions.c.expires > self.clock()
                    )
                ).all()
            )

    # ------------------------------------------------------------------ API tokens

    def new_api_token(self, account: int, label: str) -> str:
        """A new personal API token for ``account`` (shown once: only its hash is kept)."""
        label = label.strip()
        if not label:
            raise InvalidCommand("token.bad_label", "give the token a label", {})
        token = new_token()
        with self._write() as conn:
            if (
                conn.execute(
                    select(m.accounts.c.account).where(m.accounts.c.account == account)
                ).first()
                is None
            ):
                raise NotFound("account.not_found", f"no account {account}", {"account": account})
            conn.execute(
                insert(m.api_tokens).values(
                    token=token_hash(token),
                    account=account,
                    label=label,
                    created=self.clock(),
                    last_used=None,
                )
            )
        return token

    def api_tokens(self, account: int) -> list[ApiToken]:
        """The account's API tokens, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                select(m.api_tokens)
                .where(m.api_tokens.c.account == account)
                .order_by(m.api_tokens.c.created, m.api_tokens.c.token)
            ).all()
        return [ApiToken(r.token.hex(), r.label, int(r.created), r.last_used) for r in rows]

    def revoke_api_token(self, account: int, token_id: str) -> None:
        """Revoke the token listed as ``token_id`` (of ``account`` only)."""
        try:
            key = bytes.fromhex(token_id)
        except ValueError:
            key = b""
        with self._write() as conn:
            done = conn.execute(
                delete(m.api_tokens).where(
                    m.api_tokens.c.token == key, m.api_tokens.c.account == account
                )
            )
            if done.rowcount != 1:
                raise NotFound("token.not_found", "you have no such API token", {})

    def by_api_token(self, token: str) -> Principal | None:
        """Who the API token belongs to; ``None`` if unknown or revoked."""
        if not token:
            return None
        key = token_hash(token)
        now = self.clock()
        with self._read() as conn:
            row = conn.execute(
                select(m.accounts, m.api_tokens.c.last_used)
                .join(m.api_tokens, m.api_tokens.c.account == m.accounts.c.account)
                .where(m.api_tokens.c.token == key)
            ).first()
        if row is None:
            return None
        if row.last_used is None or now - row.last_used >= LAST_USED_EVERY_MS:
            with self._write() as conn:
                conn.execute(
                    update(m.api_tokens).where(m.api_tokens.c.token == key).values(last_used=now)
                )
        return _principal(_account(row), None, "token")


def check_password(password: str) -> None:
    """A new password: at least :data:`MIN_PASSWORD` characters (length is what makes a
    password hard to guess; no rules about digits or symbols, after NIST SP 800-63B)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidCommand(
            "password.too_short",
            f"the password must be at least {MIN_PASSWORD} characters long",
            {"min": MIN_PASSWORD},
        )


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _account(row: sqlalchemy.Row[tuple[object, ...]]) -> Account:
    r = row._mapping
    return Account(
        account=int(r["account"]),
        actor=str(r["actor"]),
        name=str(r["name"]),
        email=None if r["email"] is None else str(r["email"]),
        operator=bool(r["operator"]),
        active=r["password"] is not None,
        created=int(r["created"]),
    )


def _principal(account: Account, csrf: str | None, via: str) -> Principal:
    return Principal(
        account=account.account,
        actor=None if account.operator else account.actor,
        name=account.name,
        operator=account.operator,
        csrf=csrf,
        via="session" if via == "session" else "token",
    )


def memory_accounts(
    *, hasher: PasswordHasher | None = None, clock: Callable[[], int] = now_ms
) -> SqlAccounts:
    """Accounts in a private in-memory SQLite database (real SQLite, one connection shared by
    every thread): for apps over the in-memory unit of work (tests, the simulator)."""
    engine = sqlalchemy.create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    m.metadata.create_all(engine, tables=list(ACCOUNT_TABLES))
    return SqlAccounts(engine, hasher=hasher, clock=clock)
