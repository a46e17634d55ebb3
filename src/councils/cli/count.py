"""``councils count`` and ``councils methods``."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from councils.counting import REGISTRY

__all__ = ["register"]


def methods() -> None:
    """List the counting methods, with the rules each one implements."""
    table = Table("method", "what it is", "rules", title="Counting methods")
    for m in REGISTRY:
        table.add_row(m.name, m.summary, m.source)
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.command("methods")(methods)
