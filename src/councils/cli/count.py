"""``councils count`` and ``councils methods``: the counting engine from the command line.

Thin by design: read the file (:func:`councils.counting.formats.read_profile`), pick the method
from the registry, count, and present the :class:`~councils.counting.Count` as a Rich table,
as JSON, or as an SVG chart. All rules live in ``councils.counting``.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from councils.counting import REGISTRY, Count, Profile
from councils.counting.formats import read_profile
from councils.domain.errors import InvalidCommand
from councils.web.charts import rounds_svg

__all__ = ["count", "default_method", "methods", "register"]

#: Files at least this large get a progress bar while they are read.
PROGRESS_BYTES = 8 * 2**20


class Format(StrEnum):
    blt = "blt"
    preflib = "preflib"
    csv = "csv"


def default_method(seats: int) -> str:
    """The method a count uses when none is named: Scottish STV for several seats, IRV for one."""
    return "scottish-stv" if seats > 1 else "irv"


def methods() -> None:
    """List the counting methods and the rules each one implements."""
    table = Table(title="Counting methods")
    table.add_column("method", no_wrap=True)
    for heading in ("what it is", "rules", "equal rankings"):
        table.add_column(heading)
    for m in REGISTRY:
        table.add_row(m.name, m.summary, m.source, "yes" if m.equal_rankings else "no")
    Console().print(table)


def count(
    file: Annotated[
        Path, typer.Argument(help="Ballot file: .blt, PrefLib (.soi .soc .toi .toc) or .csv.")
    ],
    method: Annotated[
        str | None,
        typer.Option(
            help="Counting method (see `councils methods`). Default: scottish-stv for "
            "several seats, irv for one."
        ),
    ] = None,
    seats: Annotated[
        int | None, typer.Option(min=1, help="Seats to fill. Default: the file's, else 1.")
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="File format. Default: from the file's extension."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the count as JSON.")] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Also write an SVG chart of the rounds to this file.")
    ] = None,
    seed: Annotated[
        int, typer.Option(min=0, help="Seed of any lot drawn to break a tie (reported).")
    ] = 0,
) -> None:
    """Count an election from a ballot file and print its rounds."""
    err = Console(stderr=True)
    profile = _read(file, fmt.value if fmt else None, err)
    n_seats = seats if seats is not None else (profile.seats or 1)
    name = method or default_method(n_seats)
    result = REGISTRY.get(name).count(profile, n_seats, seed=seed)
    if chart is not None:
        try:
            chart.write_text(rounds_svg(result, title=profile.title or file.name))
        except OSError as exc:
            raise InvalidCommand(
                "count.chart_unwritable", f"cannot write the chart to {chart}: {exc.strerror}"
            ) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print_count(result, Console(), title=profile.title or file.name)


def _read(file: Path, fmt: str | None, err: Console) -> Profile:
    try:
        size = os.path.getsize(file)
    except OSError:
        size = 0
    if size < PROGRESS_BYTES or not err.is_terminal:
        return read_profile(file, fmt)
    columns = (
        TextColumn("reading {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(file.name, total=size)
        return read_profile(
            file, fmt, on_progress=lambda done, total: bar.update(task, completed=done, total=total)
        )


def print_count(result: Count, console: Console, *, title: str) -> None:
    """Print a count as the returning officer's sheet: one column per round, in as many tables
    as the terminal's width needs."""
    names = result.candidates
    active = [i for i in range(len(names)) if any(r.totals[i] is not None for r in result.rounds)]
    header = f"{title} — {result.method}, {result.seats} seat(s)"
    if result.quota is not None:
        header += f", quota {_fmt(result.quota)}"
    console.print(Text(header, style="bold"))
    name_width = max((len(names[i]) for i in active), default=10)
    per_table = max(1, (console.width - name_width - 8) // 14)
    rounds = list(result.rounds)
    for start in range(0, max(len(rounds), 1), per_table):
        chunk = rounds[start : start + per_table]
        table = Table(show_lines=False, header_style="bold")
        table.add_column("candidate", no_wrap=True)
        for r in chunk:
            table.add_column(f"{r.number}\n{_short(r.action)}", justify="right", no_wrap=True)
        for i in active:
            cells: list[Text | str] = [_candidate(result, i)]
            for r in chunk:
                total = r.totals[i]
                moved = r.transfers[i] if r.transfers else None
                cell = Text(_fmt(total))
                if moved:
                    cell.append(f"\n{'+' if moved > 0 else ''}{_fmt(moved)}", style="dim")
                if i in r.elected:
                    cell.stylize("bold green")
                if i in r.excluded:
                    cell.stylize("red")
                cells.append(cell)
            table.add_row(*cells)
        if any(r.non_transferable for r in rounds):
            table.add_row("non-transferable", *[_fmt(r.non_transferable) for r in chunk])
        console.print(table)
    for r in rounds:
        for note in r.notes:
            console.print(f"  round {r.number}: {note}")
    for note in result.notes:
        console.print(f"  {note}")
    console.print(Text("Elected, in order:", style="bold green"))
    for k, name in enumerate(result.elected_names, 1):
        console.print(Text(f"  {k}. {name}", style="green"), soft_wrap=True)


def _candidate(result: Count, i: int) -> Text:
    name = Text(result.candidates[i])
    if i in result.elected:
        name.stylize("bold green")
        name.append(f"  ✓{result.elected.index(i) + 1}")
    return name


def _short(action: str) -> str:
    return action if len(action) <= 12 else action[:11] + "…"


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,}"


def register(app: typer.Typer) -> None:
    app.command("count")(count)
    app.command("methods")(methods)
