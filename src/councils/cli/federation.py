"""``councils init | apply | state | verify``: a federation in a database, from the command line.

Thin by design: each command is a call into :mod:`councils.service.bootstrap` (the one place
that wires real storage) and a way of printing its answer. The database comes from the global
``--db URL`` (``councils --db URL apply ...``), else ``$COUNCILS_DB``, else
``sqlite:///councils.db``; docs/cli.md describes each command's output exactly.

The storage stack (SQLAlchemy, the service layer) is imported inside each command, so that
``councils count`` or ``councils --help`` never pays for loading it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO

import typer
from rich.console import Console
from rich.markup import escape

from councils.cli.record import print_report
from councils.domain.errors import CouncilError, InvalidCommand
from councils.record import canonical

if TYPE_CHECKING:  # the storage stack (SQLAlchemy) loads only for the commands that need it
    from councils.service.bus import Result
    from councils.storage.uow import SqlUnitOfWork

__all__ = ["DB_KEY", "apply", "db_url", "init", "register", "state", "verify"]

#: Where the global ``--db`` option leaves its value (``click.Context.meta``).
DB_KEY = "councils.db"
#: Commands read ahead and prefetched together by ``apply`` (see SqlState.prefetch).
PREFETCH = 5_000


def db_url(ctx: typer.Context) -> str:
    """The database URL: ``--db``, else ``$COUNCILS_DB``, else the default."""
    from councils.service.bootstrap import database_url

    return database_url(ctx.meta.get(DB_KEY))


def init(
    ctx: typer.Context,
    constitution: Annotated[
        Path | None,
        typer.Option(help="The federation's constitution (TOML). Default: the built-in rules."),
    ] = None,
) -> None:
    """Create the federation's database (or bring an older one's schema up to date)."""
    from councils.service import bootstrap

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        done = bootstrap.init_federation(url, constitution)
    where = bootstrap.display_url(url)
    if done.new:
        typer.echo(f"Created a federation in {where} (schema revision {done.revision}).")
        typer.echo(f"  record: {done.log}")
        typer.echo(f"  public key: {done.public_key.hex()}")
    else:
        typer.echo(
            f"{where} already holds the federation {done.log}; schema at revision {done.revision}."
        )


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, 1):
        if line.strip():
            yield number, line


class _Batch:
    """The lines of a JSONL batch as commands, read lazily, remembering each one's line."""

    def __init__(self, lines: Iterable[tuple[int, str]], uow: SqlUnitOfWork) -> None:
        self._lines = lines
        self._uow = uow
        self.numbers: list[int] = []

    def __iter__(self) -> Iterator[Any]:
        chunk: list[Any] = []
        for number, line in self._lines:
            try:
                chunk.append(json.loads(line))
            except ValueError as err:
                raise _LineError(
                    number,
                    InvalidCommand("command.not_json", f"not a JSON object: {err}"),
                ) from None
            self.numbers.append(number)
            if len(chunk) == PREFETCH:
                self._uow.prefetch(chunk)
                yield from chunk
                chunk = []
        if chunk:
            self._uow.prefetch(chunk)
            yield from chunk


class _LineError(Exception):
    def __init__(self, line: int, error: CouncilError) -> None:
        super().__init__(error.message)
        self.line = line
        self.error = error


def apply(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A JSONL file of commands, one a line; - for stdin.")],
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no line per command, only a summary.")
    ] = False,
) -> None:
    """Run the commands of FILE as one batch: all of them, or (on any error) none."""
    from councils.service import bootstrap, execute

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        uow = bootstrap.open_uow(url)()
        # Standard input is read whole before the transaction begins: a slow writer on the
        # other end of a pipe must not hold the database's write lock. A file is read as the
        # batch runs.
        stream = sys.stdin if file == "-" else _open(file)
        lines = list(_lines(stream)) if stream is sys.stdin else _lines(stream)
        batch = _Batch(lines, uow)
        try:
            results = execute(batch, uow)
        except _LineError as err:
            _refuse(err.line, err.error)
        except CouncilError as err:
            if err.index is None:
                raise
            _refuse(batch.numbers[err.index], err)
        finally:
            if stream is not sys.stdin:
                stream.close()
    if not quiet:
        write = sys.stdout.write
        for result in results:
            write(_result_line(result, batch.numbers[result.index], uow).decode() + "\n")
    entries = [i for r in results for i in r.entries]
    span = f"record entries {entries[0]} to {entries[-1]}" if entries else "no record entries"
    typer.echo(f"applied {len(results)} commands: {span}", err=True)


def _open(file: str) -> TextIO:
    try:
        return open(file, encoding="utf-8")
    except OSError as err:
        raise InvalidCommand(
            "apply.unreadable", f"cannot read {file}: {err.strerror}", {"file": file}
        ) from None


def _refuse(line: int, err: CouncilError) -> NoReturn:
    typer.echo(f"line {line}: {err.code}: {err.message}", err=True)
    raise typer.Exit(1)


def _result_line(result: Result, line: int, uow: SqlUnitOfWork) -> bytes:
    """One canonical JSON line per command: its line, name and record indices, and for a
    ballot the voter's receipt (the exact object ``councils record verify-receipt`` reads)."""
    out: dict[str, object] = {
        "line": line,
        "command": result.command,
        "entries": list(result.entries),
    }
    for event, index in zip(result.events, result.entries, strict=True):
        if event.type == "ballot.cast":
            receipt = uow.receipt(index)
            if receipt is not None:
                out["receipt"] = receipt.to_entry()
    return canonical.encode({"type": "apply.result", "v": 1, **out})


def state(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the state as JSON.")] = False,
) -> None:
    """Print who sits where, the electorates, the elections and the recall petitions."""
    from councils.service import bootstrap, state_json

    url = db_url(ctx)
    with bootstrap.storage_errors(url), bootstrap.read_state(url) as view:
        data = state_json(view)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_state(data)


def _print_state(data: dict[str, Any]) -> None:
    console = Console(highlight=False, soft_wrap=True)
    for c in data["councils"]:
        seats = c["seats"]
        held = sum(1 for s in seats if s["holder"])
        console.print(
            f"[bold]{escape(c['name'])}[/] ({escape(c['council'])}): {held} of {len(seats)} "
            "seats held"
        )
        for s in seats:
            console.print(f"  {escape(s['constituency'])}: {escape(s['holder'] or '(vacant)')}")
    opened = [e for e in data["elections"] if e["status"] == "open"]
    if opened:
        console.print("[bold]open elections[/]")
    for e in opened:
        console.print(f"  {escape(e['election'])} in {escape(e['constituency'])}")
    if data["recalls"]:
        console.print("[bold]recall petitions[/]")
    for p in data["recalls"]:
        console.print(
            f"  recall {escape(p['delegate'])} in {escape(p['constituency'])}: "
            f"{p['signatures']} of {p['threshold']} signatures"
        )


def verify(ctx: typer.Context) -> None:
    """Check the record: replay it against the stored state, check its tree and signed heads.

    Replays the record into empty state and compares it with the stored state; checks the
    Merkle tree and every signed tree head. Prints every failure; exit 1 on any."""
    from councils.service import bootstrap

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        report = bootstrap.verify_federation(url)
    print_report(report, f"the federation in {bootstrap.display_url(url)}")
    raise typer.Exit(0 if report.ok else 1)


def register(root: typer.Typer) -> None:
    """Add ``init``, ``apply``, ``state`` and ``verify`` to the ``councils`` app."""
    root.command("init")(init)
    root.command("apply")(apply)
    root.command("state")(state)
    root.command("verify")(verify)
