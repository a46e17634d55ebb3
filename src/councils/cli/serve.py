"""``councils serve`` and ``councils demo``: the JSON API and the pages over HTTP (uvicorn).

Thin by design: ``serve`` wires the database the user chose (``--db URL``, else
``$COUNCILS_DB``, else ``sqlite:///councils.db``) through :mod:`councils.service.bootstrap`
into :func:`councils.web.site.create_site`; ``demo`` first builds the demo federation
(:mod:`councils.sim.demo`) into a fresh SQLite file, says what it built and where to look, then
serves it the same way, with two accounts to log in with (:mod:`councils.cli.demo_accounts`),
whose e-mail addresses and passwords it prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from councils.cli.demo_accounts import DemoLogin, make_demo_accounts
from councils.cli.federation import db_url
from councils.service import bootstrap
from councils.sim.demo import DEFAULT_SEED
from councils.sim.demo_build import DemoSummary, build_demo

if TYPE_CHECKING:  # FastAPI and uvicorn load only when a server starts, not for `--help`
    from councils.service.uow import UnitOfWork

__all__ = ["DEMO_DB", "demo", "per_thread", "register", "serve"]

#: Where ``councils demo`` builds its federation; replaced on every run.
DEMO_DB = Path("councils-demo.db")

Host = Annotated[str, typer.Option(help="The address to listen on.")]
Port = Annotated[int, typer.Option(help="The port to listen on.")]


def per_thread(make: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    """One reusable unit of work per thread (the server answers from a pool of threads): a SQL
    unit of work keeps its caches from one transaction to the next while nobody writes, and
    must not be shared between threads."""
    local = threading.local()

    def factory() -> UnitOfWork:
        uow: UnitOfWork | None = getattr(local, "uow", None)
        if uow is None:
            uow = make()
            local.uow = uow
        return uow

    return factory


def _check(factory: Callable[[], UnitOfWork]) -> int:
    """Open the database once before serving: a missing or uninitialised one fails here, as
    one line on stderr, not on the first request. Returns the record's size."""
    with factory() as uow:
        return len(uow.record)


def _run(factory: Callable[[], UnitOfWork], url: str, host: str, port: int) -> None:
    """Serve the site. The session cookie is always Secure: browsers keep Secure cookies from
    http://127.0.0.1 and http://localhost too (loopback counts as a secure context; tested
    with Debian's Chromium), so the demo works without HTTPS, and anything further away must
    be served behind HTTPS anyway (docs/accounts.md)."""
    import uvicorn

    from councils.web.site import create_site

    app = create_site(
        factory,
        read_factory=bootstrap.open_reader(url),
        accounts=bootstrap.open_accounts(url),
    )
    uvicorn.run(app, host=host, port=port, log_level="info")


def serve(ctx: typer.Context, host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Serve the federation in the database: the pages at / and the JSON API at /api."""
    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        factory = per_thread(bootstrap.open_uow(url))
        size = _check(factory)
    typer.echo(
        f"Serving {bootstrap.display_url(url)} ({size:,} record entries) at http://{host}:{port}"
    )
    _run(factory, url, host, port)


def _print_logins(logins: list[DemoLogin], url: str) -> None:
    echo = typer.echo
    echo(f"Log in at {url}/login (demo passwords: this federation is rebuilt on every run):")
    for login in logins:
        who = f"{login.name} ({login.actor})" if login.role == "member" else login.name
        echo(f"  as the demo {login.role}, {who}:")
        echo(f"    e-mail {login.email}   password {login.password}")
        # what the member can try: the two things a member does on the site, voting and recall
        tries = []
        if login.election is not None:
            tries.append(("vote in the open election", f"/elections/{login.election}/ballot"))
        if login.recall is not None:
            tries.append(("sign a recall petition", f"/constituencies/{login.recall}/recall"))
        for i, (what, path) in enumerate(tries):
            label = f"{'then' if i == 0 else 'and'} {what}:"
            echo(f"    {label:32} {url}{path}")
    echo("")


def _print_summary(s: DemoSummary, url: str, where: Path) -> None:
    echo = typer.echo
    echo("")
    echo(f"Built the demo federation in {s.seconds:.1f} s, into {where}:")
    echo(
        f"  {s.members:,} members in {s.base_constituencies} workplaces and districts, "
        f"{s.city_constituencies} of them in Petrograd "
        f"({s.memberships - s.members:,} members are in a workplace and a district)"
    )
    echo("  four factions: " + ", ".join(f"{name} {n:,}" for name, n in s.factions))
    for _cid, name, seats, held in s.councils:
        echo(f"  {name}: {held} of {seats} seats held")
    echo(
        f"  {s.elections} elections held and counted, {len(s.open_elections)} under way, "
        f"{s.ballots:,} ballots; {len(s.petitions)} recall petitions under way"
    )
    for election, name, seats, cast, electorate in s.open_elections:
        echo(
            f"  under way: {name} ({election}), {seats} seats vacant, "
            f"{cast} of {electorate} have voted"
        )
    echo(f"  {s.record:,} entries on the public record; check them with")
    echo(f"  councils --db sqlite:///{where} verify")
    echo("")
    echo(f"Serving at {url}  (Ctrl-C to stop). Look at:")
    echo(f"  {url}/                          the federation, from the executive down")
    echo(f"  {url}/councils/petrograd        the Petrograd Soviet: seats, holders, petitions")
    echo(f"  {url}/elections/putilov-1917    a count of the Putilov Works, round by round")
    for election, name, *_ in s.open_elections[:1]:
        path = f"/elections/{election}"
        echo(f"  {url}{path:<26} {name}: open, its candidates, the turnout")
    echo(f"  {url}/api/state                 the same as JSON;  {url}/docs  the API")
    echo("")


def _fresh(db: Path) -> None:
    """Remove a previous demo database (and its WAL files)."""
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)


def demo(
    port: Port = 8000,
    host: Host = "127.0.0.1",
    db: Annotated[
        Path, typer.Option(help="The SQLite file to build into; replaced on every run.")
    ] = DEMO_DB,
    seed: Annotated[int, typer.Option(help="Seed of the demo's members and ballots.")] = (
        DEFAULT_SEED
    ),
) -> None:
    """Build a demo federation and serve it at http://127.0.0.1:PORT.

    A city soviet of 41 workplaces and districts and two smaller ones, four factions, a
    regional congress and its executive, every election held and counted but one still under
    way, some recall petitions under way. Built on SQLite in DB (./councils-demo.db), replaced
    on every run.
    """
    _fresh(db)
    url = f"sqlite:///{db}"
    typer.echo(f"Building the demo federation into {db} (replaced on every run)...")

    def progress(name: str, commands: int, seconds: float) -> None:
        typer.echo(f"  {name}: {commands:,} commands in {seconds:.1f} s")

    with bootstrap.storage_errors(url):
        bootstrap.init_federation(url)
        factory = per_thread(bootstrap.open_uow(url))
        summary = build_demo(factory, seed=seed, on_stage=progress)
        logins = make_demo_accounts(factory, bootstrap.open_accounts(url))
    _print_summary(summary, f"http://{host}:{port}", db)
    _print_logins(logins, f"http://{host}:{port}")
    _run(factory, url, host, port)


def register(root: typer.Typer) -> None:
    """Add ``councils serve`` and ``councils demo`` to the ``councils`` app."""
    root.command("serve")(serve)
    root.command("demo")(demo)
