"""The ``councils`` command line: a thin layer over the library.

Every user mistake arrives here as a :class:`~councils.domain.errors.CouncilError` and leaves
as one line on stderr and a non-zero exit status (2 for a file that cannot be read, 1 for
anything else); a traceback would mean a bug in Councils.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from councils.cli import account as account_cmd
from councils.cli import count as count_cmd
from councils.cli import federation as federation_cmd
from councils.cli import record as record_cmd
from councils.cli import serve as serve_cmd
from councils.domain.errors import CouncilError, ParseError

__all__ = ["app", "main"]

app = typer.Typer(
    name="councils",
    help="Self-government software for federations of councils.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
count_cmd.register(app)
record_cmd.register(app)
serve_cmd.register(app)
federation_cmd.register(app)
account_cmd.register(app)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="COUNCILS_DB",
            metavar="URL",
            help="The federation's database: sqlite:///FILE or postgresql://USER@HOST/NAME. "
            "Default: $COUNCILS_DB, else sqlite:///councils.db.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Self-government software for federations of councils."""
    ctx.meta[federation_cmd.DB_KEY] = db


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``councils`` script."""
    try:
        app(args=argv)
    except CouncilError as err:
        print(str(err) if isinstance(err, ParseError) else f"councils: {err}", file=sys.stderr)
        sys.exit(2 if isinstance(err, ParseError) else 1)
