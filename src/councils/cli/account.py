"""``councils account add | invite | token``: accounts from the command line (docs/accounts.md).

Councils sends no e-mail: ``add`` and ``invite`` print the invitation link, and whoever runs
them hands it to its owner. ``--operator`` accounts (made only here, never from a page) act as
the operator: their commands pass as written, as ``councils apply`` runs them. ``token``
prints a personal API token for programs (shown once; only its hash is kept).

A member's account is made for an existing member id (a typo would make an account nobody's
commands could use); an organiser who is not a member gets an ``@handle``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from councils.cli.federation import db_url
from councils.domain.errors import InvalidCommand, NotFound

__all__ = ["register"]

#: Where invitation links point when ``--url`` is not given: ``councils serve``'s default.
DEFAULT_SITE = "http://127.0.0.1:8000"

account_app = typer.Typer(
    name="account",
    help="Accounts: add one (prints its invitation link), invite again, make an API token.",
    no_args_is_help=True,
)

Actor = Annotated[
    str,
    typer.Argument(help="Who the account acts as: a member id, or @handle for an organiser."),
]
Site = Annotated[
    str,
    typer.Option(
        "--url",
        envvar="COUNCILS_URL",
        help="The site's address, for the invitation link. Default: $COUNCILS_URL, else "
        f"{DEFAULT_SITE}.",
        show_default=False,
    ),
]


def _link(site: str, token: str) -> str:
    return f"{site.rstrip('/')}/invitations/{token}"


@account_app.command("add")
def add(
    ctx: typer.Context,
    actor: Actor,
    name: Annotated[str, typer.Option(help="The name shown when logged in.")],
    email: Annotated[
        str | None,
        typer.Option(help="The address to log in with (optional for --operator)."),
    ] = None,
    operator: Annotated[
        bool,
        typer.Option(
            "--operator", help="Act as the operator: commands pass as written (no actor)."
        ),
    ] = False,
    site: Site = DEFAULT_SITE,
) -> None:
    """Make an account and print its invitation link (single use, valid 14 days)."""
    from councils.service import bootstrap
    from councils.service.accounts import check_actor

    if email is None and not operator:
        raise InvalidCommand(
            "account.no_email", "a member's or organiser's account needs --email", {}
        )
    check_actor(actor)
    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        if not actor.startswith("@"):
            with bootstrap.read_state(url) as view:
                if not view.has_member(actor):  # type: ignore[arg-type]
                    raise NotFound(
                        "member.not_found",
                        f"there is no member {actor} (an organiser who is not a member is "
                        "an @handle)",
                        {"actor": actor},
                    )
        token = bootstrap.open_accounts(url).create(actor, name, email, operator=operator)
    kind = "operator account" if operator else "account"
    typer.echo(f"Made the {kind} of {actor} ({name}). Its invitation link (once, 14 days):")
    typer.echo(_link(site, token))


@account_app.command("invite")
def invite(ctx: typer.Context, actor: Actor, site: Site = DEFAULT_SITE) -> None:
    """Print a fresh invitation link for ACTOR, to set or reset the password.

    Older unused links stop working."""
    from councils.service import bootstrap

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        token = bootstrap.open_accounts(url).invite(actor)
    typer.echo(f"A new invitation link for {actor} (once, 14 days; older links no longer work):")
    typer.echo(_link(site, token))


@account_app.command("token")
def token(
    ctx: typer.Context,
    actor: Actor,
    label: Annotated[str, typer.Option(help="What the token is for (shown in its list).")],
) -> None:
    """Print a new personal API token of ACTOR (shown once only).

    Send it as `Authorization: Bearer TOKEN`."""
    from councils.service import bootstrap

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        accounts = bootstrap.open_accounts(url)
        found = accounts.by_actor(actor)
        if found is None:
            raise NotFound("account.not_found", f"{actor} has no account", {"actor": actor})
        secret = accounts.new_api_token(found.account, label)
    typer.echo(f"A new API token of {actor} ({label}); it is shown only now:", err=True)
    typer.echo(secret)


def register(root: typer.Typer) -> None:
    """Add ``councils account ...`` to the ``councils`` app."""
    root.add_typer(account_app)
