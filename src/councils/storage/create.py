"""Creating a federation's database: ``councils init``.

Runs the migrations (creating the schema, or upgrading an older one), then, the first time
only, makes the federation's Ed25519 key pair (:mod:`councils.storage.keys`), stores the
constitution's TOML text, starts the empty log and signs its first tree head (size 0, root
``SHA-256("")``), so the log's identity is fixed from the start.

Running it again on an existing federation only migrates: the key, the log and the
constitution never change here (a new constitution is a motion, decided by the rules).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from councils.domain.errors import Conflict
from councils.record.heads import public_key_of
from councils.storage.buffer import WriteBuffer
from councils.storage.keys import generate_private_key, log_name
from councils.storage.metadata import federation, log_state, signing_key
from councils.storage.migrate import HEAD, upgrade
from councils.storage.record import LogState, SqlRecord
from councils.storage.uow import now_ms, sign_head

__all__ = ["Created", "create_federation"]


@dataclass(frozen=True)
class Created:
    """What ``councils init`` did: ``new`` False when the federation existed already."""

    new: bool
    log: str
    public_key: bytes
    revision: str


def create_federation(
    engine: Engine, constitution: str | None = None, *, clock: Callable[[], int] = now_ms
) -> Created:
    """Create (or migrate) the federation in ``engine``'s database.

    ``constitution`` is the TOML text, already validated by the caller. An existing federation
    with another constitution is refused (``federation.exists``).
    """
    upgrade(engine)
    with engine.begin() as conn:
        row = conn.execute(
            select(federation.c.log, federation.c.public_key, federation.c.constitution)
        ).first()
        if row is not None:
            if constitution is not None and constitution != row[2]:
                raise Conflict(
                    "federation.exists",
                    "this database already holds a federation with its own constitution; "
                    "a constitution changes by a motion, not by `councils init`",
                )
            return Created(False, row[0], bytes(row[1]), HEAD)
        private = generate_private_key()
        public = public_key_of(private)
        log = log_name(public)
        conn.execute(
            federation.insert().values(id=1, log=log, public_key=public, constitution=constitution)
        )
        conn.execute(signing_key.insert().values(id=1, private_key=private))
        conn.execute(log_state.insert().values(id=1, size=0, frontier=b""))
        sign_head(conn, SqlRecord(WriteBuffer(), log, LogState(0, ())), private, clock)
    return Created(True, log, public, HEAD)
