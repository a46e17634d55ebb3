"""``councils record ...``: check a published record with no database.

Thin by design: read the export's files from a folder into memory and hand them to
:func:`councils.record.export.verify_export` (or, for a receipt, to
:func:`councils.record.receipt.verify_receipt`), then print the :class:`Report`: every failure
on its own line, and exit 1 if there was any. ``record export`` needs the database and belongs
with the storage layer; it writes :func:`councils.record.export.export_files` with
:func:`write_export`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record.export import ENTRIES, FILES, HEADS, parse_export, verify_export
from councils.record.heads import KEY_SIZE, parse_hex
from councils.record.merkle import consistency_proof, leaf_hash
from councils.record.receipt import Receipt, verify_receipt
from councils.record.report import Report

__all__ = ["export", "read_export", "register", "verify", "verify_receipt_cmd", "write_export"]

app = typer.Typer(
    name="record",
    help="The public record: export it, verify an export or a voter's receipt.",
    no_args_is_help=True,
    add_completion=False,
)


def read_export(directory: Path) -> dict[str, bytes]:
    """The export's files (those of :data:`councils.record.export.FILES` that exist)."""
    if not directory.is_dir():
        raise InvalidCommand(
            "record.export_not_found", f"{directory} is not a folder", {"path": str(directory)}
        )
    files = {}
    for name in FILES:
        path = directory / name
        if path.is_file():
            try:
                files[name] = path.read_bytes()
            except OSError as exc:
                raise InvalidCommand(
                    "record.export_unreadable", f"cannot read {path}: {exc.strerror}"
                ) from None
    return files


def write_export(directory: Path, files: Mapping[str, bytes]) -> None:
    """Write an export (:func:`councils.record.export.export_files`) into ``directory``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (directory / name).write_bytes(data)
    except OSError as exc:
        raise InvalidCommand(
            "record.export_unwritable", f"cannot write the export to {directory}: {exc.strerror}"
        ) from None


def print_report(report: Report, subject: str) -> None:
    """Print ``report`` on ``subject``: OK with its notes, or FAILED with every failure."""
    console = Console(highlight=False, soft_wrap=True)
    if report.ok:
        console.print(f"[bold green]OK[/]: {escape(subject)} verifies.")
        for note in report.notes:
            console.print(f"  {escape(note)}")
        return
    count = len(report.failures)
    console.print(
        f"[bold red]FAILED[/]: {escape(subject)} does not verify: {count} "
        f"failure{'s' if count != 1 else ''}."
    )
    for failure in report.failures:
        console.print(f"  [red]✗[/] {escape(failure.where)}: {escape(failure.what)}")


@app.command("verify")
def verify(
    directory: Annotated[Path, typer.Argument(help="The folder of a record export.")],
) -> None:
    """Verify an export: entries, leaf hashes, signed tree heads and consistency proofs."""
    report = verify_export(read_export(directory))
    print_report(report, f"the record in {directory}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("verify-receipt")
def verify_receipt_cmd(
    receipt: Annotated[Path, typer.Argument(help="The receipt file (its JSON).")],
    directory: Annotated[Path, typer.Argument(help="The folder of a later record export.")],
    size: Annotated[
        int | None,
        typer.Option(help="Check against the signed head of this size. Default: the latest."),
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option(
            help="The log's Ed25519 public key in hex, as you got it from the federation. "
            "Default: the export's own public_key.txt (which only proves the export agrees "
            "with itself)."
        ),
    ] = None,
) -> None:
    """Check that a receipt's entry is in a signed head of the export (the same or later)."""
    try:
        ticket = Receipt.from_json(receipt.read_bytes())
    except OSError as exc:
        raise InvalidCommand(
            "record.receipt_unreadable", f"cannot read {receipt}: {exc.strerror}"
        ) from None
    report = Report()
    key, heads, _, _, entries, _ = parse_export(read_export(directory), report)
    if public_key is not None:
        try:
            key = parse_hex(public_key.strip().lower(), KEY_SIZE, "the public key")
        except RecordCorrupt as err:
            raise InvalidCommand("record.bad_key", err.message) from None
    chosen = [h for h in heads if size is None or h.size == size]
    if not chosen:
        report.fail(
            "record.no_such_head",
            f"no signed head of size {size}" if size is not None else "no signed head",
            HEADS,
        )
    else:
        head = chosen[-1]
        leaves = [leaf_hash(e) for e in entries]
        proof: list[bytes] = []
        if ticket.tree_size <= head.size <= len(leaves) and ticket.tree_size > 0:
            proof = consistency_proof(leaves, ticket.tree_size, head.size)
        else:
            report.fail(
                "record.entries_missing",
                f"the export's entries ({len(leaves)}) cannot tie size {ticket.tree_size} to the "
                f"head of size {head.size}",
                "entries.jsonl",
            )
        entry = entries[ticket.leaf_index] if 0 <= ticket.leaf_index < len(entries) else None
        report.extend(verify_receipt(ticket, head, key, proof, entry))
        if entry is not None and report.ok:
            report.note(f"entry {ticket.leaf_index}: {entry.decode('utf-8', 'replace')}")
    print_report(report, f"the receipt {receipt}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("export")
def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="The folder to write the export into.")],
) -> None:
    """Write the public record of the federation's database (--db) as files into DIRECTORY:
    entries, leaf hashes, signed tree heads, consistency proofs, the public key."""
    from councils.cli.federation import db_url
    from councils.service import bootstrap

    url = db_url(ctx)
    with bootstrap.storage_errors(url):
        files = bootstrap.export_federation(url)
    write_export(directory, files)
    entries = files[ENTRIES].count(b"\n")
    heads = files[HEADS].count(b"\n")
    typer.echo(f"Exported {entries} entries and {heads} signed tree heads to {directory}.")


def register(root: typer.Typer) -> None:
    """Add ``councils record`` to the ``councils`` app."""
    root.add_typer(app, name="record")
