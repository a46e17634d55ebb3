"""``councils serve`` and ``councils demo``: the JSON API and the pages over HTTP (uvicorn).

Thin by design: ``serve`` wires the database the user chose into
:func:`councils.web.site.create_site`; ``demo`` first builds the demo federation
(:mod:`councils.sim.demo`) into a fresh database, says what it built and where to look, then
serves it the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from councils.sim.demo import DEFAULT_SEED
from councils.sim.demo_build import DemoSummary, build_demo
from councils.testing.uow import InMemoryUnitOfWork

if TYPE_CHECKING:  # FastAPI and uvicorn load only when a server starts, not for `--help`
    from councils.api.backend import UowFactory

__all__ = ["demo", "register", "serve"]

DEMO_DB = Path("councils-demo.db")

Host = Annotated[str, typer.Option(help="The address to listen on.")]
Port = Annotated[int, typer.Option(help="The port to listen on.")]


def _run(factory: UowFactory, host: str, port: int, *, isolated_reads: bool) -> None:
    import uvicorn

    from councils.web.site import create_site

    app = create_site(factory, isolated_reads=isolated_reads)
    uvicorn.run(app, host=host, port=port, log_level="info")


def serve(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Serve the federation in the database: the pages at / and the JSON API at /api."""
    raise typer.BadParameter("serve needs the SQL storage (service/bootstrap.py)")


def _print_summary(s: DemoSummary, url: str, where: str) -> None:
    echo = typer.echo
    echo("")
    echo(f"Built the demo federation in {s.seconds:.1f} s ({where}):")
    echo(
        f"  {s.members:,} members in {s.base_constituencies} workplaces and districts "
        f"({s.memberships - s.members:,} of them in a workplace and a district)"
    )
    echo("  factions: " + ", ".join(f"{name} {n:,}" for name, n in s.factions))
    for _cid, name, seats, held in s.councils:
        echo(f"  {name}: {held} of {seats} seats held")
    echo(
        f"  {s.elections} elections held, {s.ballots:,} ballots; "
        f"{len(s.petitions)} recall petitions under way"
    )
    echo(f"  {s.record:,} entries on the public record")
    echo("")
    echo(f"Serving at {url}  (Ctrl-C to stop)")
    echo(f"  {url}/                          the federation, from the executive down")
    echo(f"  {url}/councils/petrograd        the Petrograd Soviet: seats, holders, petitions")
    echo(f"  {url}/elections/putilov-1917    a count, round by round")
    echo(f"  {url}/api/state                 the same as JSON;  {url}/docs  the API")
    echo("")


def demo(
    port: Port = 8000,
    host: Host = "127.0.0.1",
    seed: Annotated[int, typer.Option(help="Seed of the demo's random members and ballots.")] = (
        DEFAULT_SEED
    ),
) -> None:
    """Build a demo federation and serve it at http://127.0.0.1:PORT.

    A city soviet of 40 workplaces and districts and two smaller ones, four factions, a
    regional congress and its executive, every election held and counted, some recall
    petitions under way.
    """
    uow = InMemoryUnitOfWork()

    def factory() -> InMemoryUnitOfWork:
        return uow

    def progress(name: str, commands: int, seconds: float) -> None:
        typer.echo(f"  {name}: {commands:,} commands in {seconds:.1f} s")

    typer.echo("Building the demo federation (in memory)...")
    summary = build_demo(factory, seed=seed, on_stage=progress)
    url = f"http://{host}:{port}"
    _print_summary(summary, url, "in memory")
    _run(factory, host, port, isolated_reads=False)


def register(root: typer.Typer) -> None:
    """Add ``councils serve`` and ``councils demo`` to the ``councils`` app."""
    root.command("serve")(serve)
    root.command("demo")(demo)
