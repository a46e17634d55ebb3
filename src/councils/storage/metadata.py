"""The tables, as SQLAlchemy Core metadata: one schema for SQLite and PostgreSQL.

The migrations (``storage/migrations/versions``) create exactly this schema; a test compares
the migrated database with this metadata (Alembic's ``compare_metadata``) on both engines.

Why each constraint is here (docs/storage.md, "The schema"):

- ``voters`` has the primary key ``(election, voter)``: one vote per voter per election, held
  by the database itself, whatever a process decides, even two processes at the same moment;
- ``signatures`` has the primary key ``(constituency, delegate, signer)``: one signature per
  signer per petition, likewise;
- ``seats`` is unique on ``(constituency, holder)`` (NULLs are distinct in both engines, so
  vacant seats do not clash): nobody holds two seats of one constituency;
- ``sealed_ballots`` has no voter column and, on SQLite, no rowid (``WITHOUT ROWID``): the
  row is stored in the B-tree of its random token, so neither a column nor an autoincrement
  number nor the storage order links a secret ballot to its ``voters`` row.

Ids are compared byte by byte (``COLLATE "C"`` on PostgreSQL, SQLite's default ``BINARY``),
so ``ORDER BY`` gives the code-point order that the in-memory store and snapshots use, whatever
the database's locale. Lists (candidates, rankings) are canonical JSON text: they are read and
written whole, never queried inside.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

__all__ = [
    "accounts",
    "api_tokens",
    "ballots",
    "constituencies",
    "councils",
    "elections",
    "entries",
    "factions",
    "federation",
    "invitations",
    "log_state",
    "login_failures",
    "members",
    "memberships",
    "metadata",
    "organisers",
    "petitions",
    "published_ballots",
    "sealed_ballots",
    "seats",
    "sessions",
    "signatures",
    "signing_key",
    "tree_heads",
    "voters",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> TypeEngine[str]:
    """An id: up to 128 characters, compared byte by byte on every engine."""
    return String(128).with_variant(String(128, collation="C"), "postgresql")


def _index() -> TypeEngine[int]:
    """A record index: BIGINT, but INTEGER on SQLite so that the key is the rowid."""
    return BigInteger().with_variant(Integer(), "sqlite")


# ---------------------------------------------------------------------------- the federation

#: One row: the log's name, its public key, and the constitution given at ``councils init``.
federation = Table(
    "federation",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("log", Text, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("constitution", Text, nullable=True),
    CheckConstraint("id = 1", name="one_row"),
)

#: One row: the private Ed25519 key that signs tree heads. Nothing that publishes reads it.
signing_key = Table(
    "signing_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("private_key", LargeBinary, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

# ---------------------------------------------------------------------------- the record

#: One row: the Merkle log's size and frontier. Every writer locks it first (the serialisation
#: point of all writes: ``SELECT ... FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite).
log_state = Table(
    "log_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("frontier", LargeBinary, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

#: The record's entries: canonical bytes (the leaf input) and the leaf hash, by index.
entries = Table(
    "entries",
    metadata,
    Column("idx", _index(), primary_key=True, autoincrement=False),
    Column("data", LargeBinary, nullable=False),
    Column("leaf", LargeBinary, nullable=False),
)

#: Signed tree heads, one per committed batch, oldest first (``n`` from 0).
tree_heads = Table(
    "tree_heads",
    metadata,
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    UniqueConstraint("size"),
)

# ---------------------------------------------------------------------------- the state

councils = Table(
    "councils",
    metadata,
    Column("council", _id(), primary_key=True),
    Column("name", Text, nullable=False),
)

constituencies = Table(
    "constituencies",
    metadata,
    Column("constituency", _id(), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("council", _id(), ForeignKey("councils.council"), nullable=False, index=True),
    Column("seats", Integer, nullable=False),
    Column("of", _id(), ForeignKey("councils.council"), nullable=True, index=True),
    Column("method", String(64), nullable=True),
    Column("secret", Boolean, nullable=True),
)

factions = Table(
    "factions",
    metadata,
    Column("faction", _id(), primary_key=True),
    Column("name", Text, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("member", _id(), primary_key=True),
    Column("name", Text, nullable=False),
    Column("faction", _id(), ForeignKey("factions.faction"), nullable=True),
    Column("active", Boolean, nullable=False),
)

#: Base-constituency memberships of active members (dropped when a member leaves).
memberships = Table(
    "memberships",
    metadata,
    Column("constituency", _id(), ForeignKey("constituencies.constituency"), nullable=False),
    Column("member", _id(), ForeignKey("members.member"), nullable=False, index=True),
    PrimaryKeyConstraint("constituency", "member"),
)

elections = Table(
    "elections",
    metadata,
    Column("election", _id(), primary_key=True),
    Column("constituency", _id(), ForeignKey("constituencies.constituency"), nullable=False),
    Column("seats", Text, nullable=False),
    Column("candidates", Text, nullable=False),
    Column("method", String(64), nullable=False),
    Column("secret", Boolean, nullable=False),
    Column("vacancy", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("elected", Text, nullable=False),
    Column("withdrawn", Text, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Index(None, "constituency", "status"),
)

#: ``council`` is the constituency's council, denormalised so that a council's seated members
#: (the electorate of the constituencies above it) are one indexed query.
seats = Table(
    "seats",
    metadata,
    Column("constituency", _id(), ForeignKey("constituencies.constituency"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("council", _id(), ForeignKey("councils.council"), nullable=False),
    Column("holder", _id(), ForeignKey("members.member"), nullable=True, index=True),
    Column("election", _id(), ForeignKey("elections.election"), nullable=True),
    PrimaryKeyConstraint("constituency", "number"),
    UniqueConstraint("constituency", "holder"),
    Index(None, "council", "holder"),
)

#: Who voted: public, one row per voter per election (the primary key forbids a second).
voters = Table(
    "voters",
    metadata,
    Column("election", _id(), ForeignKey("elections.election"), nullable=False),
    Column("voter", _id(), ForeignKey("members.member"), nullable=False),
    PrimaryKeyConstraint("election", "voter"),
)

#: Open ballots, with their voter (council delegates' votes are public).
ballots = Table(
    "ballots",
    metadata,
    Column("election", _id(), nullable=False),
    Column("voter", _id(), nullable=False),
    Column("ranking", Text, nullable=False),
    PrimaryKeyConstraint("election", "voter"),
    ForeignKeyConstraint(["election", "voter"], ["voters.election", "voters.voter"]),
)

#: The secret ballot box of an open election: no voter, keyed by a random token, no rowid.
sealed_ballots = Table(
    "sealed_ballots",
    metadata,
    Column("election", _id(), ForeignKey("elections.election"), nullable=False),
    Column("token", String(128), nullable=False),
    Column("ranking", Text, nullable=False),
    PrimaryKeyConstraint("election", "token"),
    sqlite_with_rowid=False,
)

#: A secret election's ballot box as published at its close: groups, in the order published.
published_ballots = Table(
    "published_ballots",
    metadata,
    Column("election", _id(), ForeignKey("elections.election"), nullable=False),
    Column("n", Integer, nullable=False),
    Column("ranking", Text, nullable=False),
    Column("weight", Integer, nullable=False),
    PrimaryKeyConstraint("election", "n"),
)

petitions = Table(
    "petitions",
    metadata,
    Column("constituency", _id(), ForeignKey("constituencies.constituency"), nullable=False),
    Column("delegate", _id(), ForeignKey("members.member"), nullable=False),
    Column("numerator", Integer, nullable=False),
    Column("denominator", Integer, nullable=False),
    Column("comparison", String(16), nullable=False),
    PrimaryKeyConstraint("constituency", "delegate"),
)

#: Recall signatures: one per signer per petition (the primary key forbids a second).
signatures = Table(
    "signatures",
    metadata,
    Column("constituency", _id(), nullable=False),
    Column("delegate", _id(), nullable=False),
    Column("signer", _id(), ForeignKey("members.member"), nullable=False),
    PrimaryKeyConstraint("constituency", "delegate", "signer"),
    ForeignKeyConstraint(
        ["constituency", "delegate"], ["petitions.constituency", "petitions.delegate"]
    ),
)

#: Who organises each council (``organiser.appointed``, on the record): the actors who may
#: create its constituencies, register its members and open and close its elections.
organisers = Table(
    "organisers",
    metadata,
    Column("council", _id(), ForeignKey("councils.council"), nullable=False),
    Column("organiser", String(160), nullable=False),
    PrimaryKeyConstraint("council", "organiser"),
    Index(None, "organiser"),
)

# ---------------------------------------------------------------------------- accounts
# Private, never on the record, never exported, not part of the state that ``verify`` replays:
# who may log in as which actor. Secrets (passwords, invitation, session and API tokens) are
# stored only as hashes: Argon2id for passwords, SHA-256 for the random 256-bit tokens.

#: One row per person who may log in. ``actor`` is who their commands are made by: a member
#: id for a member's account, ``@handle`` for an organiser who is not (yet) a member (``@`` is
#: not allowed in ids, so the two never clash). ``password`` is NULL until the invitation is
#: accepted. ``operator`` accounts act for the operator (no actor), like the command line.
accounts = Table(
    "accounts",
    metadata,
    Column("account", Integer, primary_key=True, autoincrement=True),
    Column("actor", String(160), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("email", String(320), nullable=True, unique=True),
    Column("password", Text, nullable=True),
    Column("operator", Boolean, nullable=False),
    Column("created", BigInteger, nullable=False),
)

#: Single-use invitation links: the SHA-256 of the token, until ``used`` (ms) or ``expires``.
invitations = Table(
    "invitations",
    metadata,
    Column("token", LargeBinary, primary_key=True),
    Column("account", Integer, ForeignKey("accounts.account"), nullable=False, index=True),
    Column("created", BigInteger, nullable=False),
    Column("expires", BigInteger, nullable=False),
    Column("used", BigInteger, nullable=True),
)

#: Logged-in browsers: the SHA-256 of the cookie's token, the session's CSRF token, expiry.
sessions = Table(
    "sessions",
    metadata,
    Column("token", LargeBinary, primary_key=True),
    Column("account", Integer, ForeignKey("accounts.account"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("expires", BigInteger, nullable=False),
)

#: Personal API tokens (``Authorization: Bearer``): the SHA-256 of the token, a label.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token", LargeBinary, primary_key=True),
    Column("account", Integer, ForeignKey("accounts.account"), nullable=False, index=True),
    Column("label", Text, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("last_used", BigInteger, nullable=True),
)

#: Failed logins, for the login limit: one row per failure, by key (``email:...``, ``ip:...``).
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False),
    Column("at", BigInteger, nullable=False),
    Index(None, "key", "at"),
)
