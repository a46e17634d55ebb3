"""Organisers of councils (state, on the record) and accounts (private: logins, sessions).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

``organisers`` is state like the rest (``organiser.appointed`` events, replayed by ``councils
verify``). The account tables are private: who may log in as which actor, invitations, browser
sessions, API tokens and failed logins. Secrets are stored only as hashes (docs/web.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.types.TypeEngine[str]:
    return sa.String(128).with_variant(sa.String(128, collation="C"), "postgresql")


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account"], ["accounts.account"], name=op.f(f"fk_{table}_account_accounts")
    )


def upgrade() -> None:
    op.create_table(
        "organisers",
        sa.Column("council", _id(), nullable=False),
        sa.Column("organiser", sa.String(160), nullable=False),
        sa.ForeignKeyConstraint(
            ["council"], ["councils.council"], name=op.f("fk_organisers_council_councils")
        ),
        sa.PrimaryKeyConstraint("council", "organiser", name=op.f("pk_organisers")),
    )
    op.create_index(op.f("ix_organisers_organiser"), "organisers", ["organiser"])

    op.create_table(
        "accounts",
        sa.Column("account", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(160), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("password", sa.Text(), nullable=True),
        sa.Column("operator", sa.Boolean(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_accounts")),
        sa.UniqueConstraint("actor", name=op.f("uq_accounts_actor")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
    )
    op.create_table(
        "invitations",
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("account", sa.Integer(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=True),
        _account_fk("invitations"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_invitations")),
    )
    op.create_index(op.f("ix_invitations_account"), "invitations", ["account"])
    op.create_table(
        "sessions",
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("account", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("expires", sa.BigInteger(), nullable=False),
        _account_fk("sessions"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_account"), "sessions", ["account"])
    op.create_table(
        "api_tokens",
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("account", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("last_used", sa.BigInteger(), nullable=True),
        _account_fk("api_tokens"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_api_tokens")),
    )
    op.create_index(op.f("ix_api_tokens_account"), "api_tokens", ["account"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_key_at"), "login_failures", ["key", "at"])


def downgrade() -> None:
    for table in ("login_failures", "api_tokens", "sessions", "invitations", "accounts"):
        op.drop_table(table)
    op.drop_index(op.f("ix_organisers_organiser"), table_name="organisers")
    op.drop_table("organisers")
