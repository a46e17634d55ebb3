"""``councils record verify`` and ``verify-receipt`` as a user runs them on a folder.

The commands are registered on an app built here with ``record.register(app)``, as
``councils.cli.main`` does; the export is written by the pure exporter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from councils.cli import record as record_cmd
from councils.domain.errors import InvalidCommand
from councils.record import canonical
from councils.record.export import ENTRIES, export_files
from councils.record.heads import TreeHead, public_key_of
from councils.record.merkle import MerkleLog, leaf_hash, root
from councils.record.receipt import Receipt

KEY = bytes(range(32))
PUB = public_key_of(KEY)


def make_app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def _root() -> None:
        """councils"""

    record_cmd.register(app)
    return app


APP = make_app()
runner = CliRunner()


def build(tmp_path: Path, n: int = 12) -> tuple[Path, list[Receipt]]:
    entries = [
        canonical.encode({"type": "ballot.cast", "v": 1, "ballot": f"b{i}", "ranking": ["a", "b"]})
        for i in range(n)
    ]
    log = MerkleLog()
    receipts = []
    heads = []
    for i, e in enumerate(entries):
        proof = log.append(leaf_hash(e))
        receipts.append(Receipt("putilov", i, leaf_hash(e), log.size, tuple(proof)))
        if log.size in (5, n):
            heads.append(TreeHead("putilov", log.size, log.root(), 1_700_000_000 + i).sign(KEY))
    folder = tmp_path / "export"
    record_cmd.write_export(folder, export_files(entries, heads, PUB))
    return folder, receipts


def test_verify_a_good_export(tmp_path: Path) -> None:
    folder, _ = build(tmp_path)
    done = runner.invoke(APP, ["record", "verify", str(folder)])
    assert done.exit_code == 0, done.output
    assert "OK" in done.output
    assert "12 entries" in done.output


def test_verify_a_tampered_export_names_the_entry(tmp_path: Path) -> None:
    folder, _ = build(tmp_path)
    path = folder / ENTRIES
    lines = path.read_bytes().split(b"\n")
    lines[7] = lines[7].replace(b'"b7"', b'"b8"')  # now a copy of entry 8
    del lines[3]
    path.write_bytes(b"\n".join(lines))
    done = runner.invoke(APP, ["record", "verify", str(folder)])
    assert done.exit_code == 1
    assert "FAILED" in done.output
    assert "entry 3 of the log is missing" in done.output
    assert "entries.jsonl line 7 (entry 6): entry 7 differs from the log" in done.output
    assert "copy of entry 8" in done.output


def test_verify_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = runner.invoke(APP, ["record", "verify", str(tmp_path / "nowhere")])
    assert done.exit_code != 0
    assert isinstance(done.exception, InvalidCommand)


@pytest.mark.parametrize("index", [0, 4, 7, 11])
def test_a_receipt_verifies_against_the_latest_head(tmp_path: Path, index: int) -> None:
    folder, receipts = build(tmp_path)
    ticket = tmp_path / "receipt.json"
    ticket.write_bytes(receipts[index].to_json() + b"\n")
    done = runner.invoke(APP, ["record", "verify-receipt", str(ticket), str(folder)])
    assert done.exit_code == 0, done.output
    assert f"leaf {index} is in the log" in done.output
    pinned = ["--public-key", PUB.hex()]
    if receipts[index].tree_size <= 5:
        pinned += ["--size", "5"]
    done = runner.invoke(APP, ["record", "verify-receipt", str(ticket), str(folder), *pinned])
    assert done.exit_code == 0, done.output


def test_a_receipt_fails_against_a_rewritten_export_or_another_key(tmp_path: Path) -> None:
    folder, receipts = build(tmp_path)
    ticket = tmp_path / "receipt.json"
    ticket.write_bytes(receipts[2].to_json())
    other = public_key_of(bytes(32)).hex()
    done = runner.invoke(
        APP, ["record", "verify-receipt", str(ticket), str(folder), "--public-key", other]
    )
    assert done.exit_code == 1
    assert "signature" in done.output
    path = folder / ENTRIES
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"b2"', b'"bX"')
    path.write_bytes(b"\n".join(lines))
    done = runner.invoke(APP, ["record", "verify-receipt", str(ticket), str(folder)])
    assert done.exit_code == 1
    assert "leaf hash is not the receipt's" in done.output
    done = runner.invoke(APP, ["record", "verify-receipt", str(ticket), str(folder), "--size", "3"])
    assert done.exit_code == 1
    assert "no signed head of size 3" in done.output


def test_root_is_what_the_export_signs(tmp_path: Path) -> None:
    folder, receipts = build(tmp_path)
    leaves = [r.leaf_hash for r in receipts]
    assert root(leaves).hex() in (folder / "heads.jsonl").read_text()
