"""The initial schema: the federation, the record (entries, frontier, signed heads), the state.

Revision ID: 0001
Revises:
Create Date: 2026-12-01

Written out in full (not ``metadata.create_all``) so that this revision stays what it was when
later revisions change the metadata; ``tests/integration/test_migrations.py`` checks that the
migrated schema equals ``councils.storage.metadata``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[str]:
    return sa.String(128).with_variant(sa.String(128, collation="C"), "postgresql")


def _one_row(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f(f"ck_{table}_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _fk(table: str, columns: list[str], target: str, remote: list[str]) -> SchemaItem:
    name = f"fk_{table}_{'_'.join(columns)}_{target}"
    return sa.ForeignKeyConstraint(columns, [f"{target}.{c}" for c in remote], name=op.f(name))


def upgrade() -> None:
    op.create_table(
        "federation",
        *_one_row("federation"),
        sa.Column("log", sa.Text(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("constitution", sa.Text(), nullable=True),
    )
    op.create_table(
        "signing_key",
        *_one_row("signing_key"),
        sa.Column("private_key", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "log_state",
        *_one_row("log_state"),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column(
            "idx",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_entries")),
    )
    op.create_table(
        "tree_heads",
        sa.Column("n", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("n", name=op.f("pk_tree_heads")),
        sa.UniqueConstraint("size", name=op.f("uq_tree_heads_size")),
    )

    op.create_table(
        "councils",
        sa.Column("council", _id(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("council", name=op.f("pk_councils")),
    )
    op.create_table(
        "factions",
        sa.Column("faction", _id(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("faction", name=op.f("pk_factions")),
    )
    op.create_table(
        "constituencies",
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("council", _id(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("of", _id(), nullable=True),
        sa.Column("method", sa.String(64), nullable=True),
        sa.Column("secret", sa.Boolean(), nullable=True),
        _fk("constituencies", ["council"], "councils", ["council"]),
        _fk("constituencies", ["of"], "councils", ["council"]),
        sa.PrimaryKeyConstraint("constituency", name=op.f("pk_constituencies")),
    )
    op.create_index(op.f("ix_constituencies_council"), "constituencies", ["council"])
    op.create_index(op.f("ix_constituencies_of"), "constituencies", ["of"])

    op.create_table(
        "members",
        sa.Column("member", _id(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("faction", _id(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _fk("members", ["faction"], "factions", ["faction"]),
        sa.PrimaryKeyConstraint("member", name=op.f("pk_members")),
    )
    op.create_table(
        "memberships",
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("member", _id(), nullable=False),
        _fk("memberships", ["constituency"], "constituencies", ["constituency"]),
        _fk("memberships", ["member"], "members", ["member"]),
        sa.PrimaryKeyConstraint("constituency", "member", name=op.f("pk_memberships")),
    )
    op.create_index(op.f("ix_memberships_member"), "memberships", ["member"])

    op.create_table(
        "elections",
        sa.Column("election", _id(), nullable=False),
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("seats", sa.Text(), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("vacancy", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("elected", sa.Text(), nullable=False),
        sa.Column("withdrawn", sa.Text(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        _fk("elections", ["constituency"], "constituencies", ["constituency"]),
        sa.PrimaryKeyConstraint("election", name=op.f("pk_elections")),
    )
    op.create_index(
        op.f("ix_elections_constituency_status"), "elections", ["constituency", "status"]
    )

    op.create_table(
        "seats",
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("council", _id(), nullable=False),
        sa.Column("holder", _id(), nullable=True),
        sa.Column("election", _id(), nullable=True),
        _fk("seats", ["constituency"], "constituencies", ["constituency"]),
        _fk("seats", ["council"], "councils", ["council"]),
        _fk("seats", ["election"], "elections", ["election"]),
        _fk("seats", ["holder"], "members", ["member"]),
        sa.PrimaryKeyConstraint("constituency", "number", name=op.f("pk_seats")),
        sa.UniqueConstraint("constituency", "holder", name=op.f("uq_seats_constituency_holder")),
    )
    op.create_index(op.f("ix_seats_council_holder"), "seats", ["council", "holder"])
    op.create_index(op.f("ix_seats_holder"), "seats", ["holder"])

    op.create_table(
        "voters",
        sa.Column("election", _id(), nullable=False),
        sa.Column("voter", _id(), nullable=False),
        _fk("voters", ["election"], "elections", ["election"]),
        _fk("voters", ["voter"], "members", ["member"]),
        sa.PrimaryKeyConstraint("election", "voter", name=op.f("pk_voters")),
    )
    op.create_table(
        "ballots",
        sa.Column("election", _id(), nullable=False),
        sa.Column("voter", _id(), nullable=False),
        sa.Column("ranking", sa.Text(), nullable=False),
        _fk("ballots", ["election", "voter"], "voters", ["election", "voter"]),
        sa.PrimaryKeyConstraint("election", "voter", name=op.f("pk_ballots")),
    )
    op.create_table(
        "sealed_ballots",
        sa.Column("election", _id(), nullable=False),
        sa.Column("token", sa.String(128), nullable=False),
        sa.Column("ranking", sa.Text(), nullable=False),
        _fk("sealed_ballots", ["election"], "elections", ["election"]),
        sa.PrimaryKeyConstraint("election", "token", name=op.f("pk_sealed_ballots")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "published_ballots",
        sa.Column("election", _id(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("ranking", sa.Text(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        _fk("published_ballots", ["election"], "elections", ["election"]),
        sa.PrimaryKeyConstraint("election", "n", name=op.f("pk_published_ballots")),
    )

    op.create_table(
        "petitions",
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("delegate", _id(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.Column("comparison", sa.String(16), nullable=False),
        _fk("petitions", ["constituency"], "constituencies", ["constituency"]),
        _fk("petitions", ["delegate"], "members", ["member"]),
        sa.PrimaryKeyConstraint("constituency", "delegate", name=op.f("pk_petitions")),
    )
    op.create_table(
        "signatures",
        sa.Column("constituency", _id(), nullable=False),
        sa.Column("delegate", _id(), nullable=False),
        sa.Column("signer", _id(), nullable=False),
        _fk(
            "signatures",
            ["constituency", "delegate"],
            "petitions",
            ["constituency", "delegate"],
        ),
        _fk("signatures", ["signer"], "members", ["member"]),
        sa.PrimaryKeyConstraint("constituency", "delegate", "signer", name=op.f("pk_signatures")),
    )


def downgrade() -> None:
    for table in (
        "signatures",
        "petitions",
        "published_ballots",
        "sealed_ballots",
        "ballots",
        "voters",
        "seats",
        "elections",
        "memberships",
        "members",
        "constituencies",
        "factions",
        "councils",
        "tree_heads",
        "entries",
        "log_state",
        "signing_key",
        "federation",
    ):
        op.drop_table(table)
