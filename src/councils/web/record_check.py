"""The record page's work: the latest signed head, "check my receipt", the export as a .zip.

A voter's receipt (:mod:`councils.record.receipt`) proves their ballot's entry is in the tree of
``tree_size`` leaves as it stood just after they voted. To hold it against the record as it
stands now, the page ties that older tree to the latest *signed* head by a consistency proof
(RFC 9162 §2.1.4), computed from the stored leaf hashes — exactly what a verifier of the
export would do — and checks the head's Ed25519 signature with the federation's public key.
The answer is in words: at which index the ballot is, under which root, or what failed.

The pages read through :meth:`Backend.reading`, whose SQL snapshot exposes its connection
through the state's write buffer; the public parts (entries, leaf hashes, heads, key) are read
with the storage's own loaders, never the signing key. Over memory (tests, simulator) there is
no key and no signed head: the page says so.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from councils.domain.errors import CouncilError
from councils.record import canonical
from councils.record.export import export_files
from councils.record.heads import SignedTreeHead
from councils.record.merkle import consistency_proof, leaf_hash
from councils.record.receipt import Receipt, verify_receipt
from councils.service.uow import Reading
from councils.storage.metadata import entries as entries_table
from councils.storage.record import load_entries, load_federation, load_heads
from councils.storage.state import SqlState

__all__ = ["HeadInfo", "ReceiptCheck", "check_receipt", "export_zip", "head_info"]


@dataclass(frozen=True)
class HeadInfo:
    """What the record page shows of the record now."""

    size: int
    root: str
    signed: SignedTreeHead | None
    public_key: str | None

    @property
    def when(self) -> str:
        """The signed head's timestamp in words (UTC), or ``""``."""
        if self.signed is None:
            return ""
        moment = datetime.fromtimestamp(self.signed.timestamp / 1000, UTC)
        return moment.isoformat(timespec="seconds").replace("+00:00", " UTC")


@dataclass(frozen=True)
class ReceiptCheck:
    """The outcome of "check my receipt": ``ok`` and sentences saying why."""

    ok: bool
    lines: list[str] = field(default_factory=list)
    index: int | None = None
    root: str = ""


def _connection(reading: Reading) -> Connection | None:
    view = reading.view
    if isinstance(view, SqlState):
        return view.buffer.connection()
    return None


def head_info(reading: Reading) -> HeadInfo:
    record = reading.record
    conn = _connection(reading)
    key = load_federation(conn).public_key.hex() if conn is not None else None
    return HeadInfo(len(record), record.head().hex(), record.signed_head(), key)


def _leaves(reading: Reading, size: int) -> list[bytes]:
    conn = _connection(reading)
    if conn is not None:
        rows = conn.execute(
            select(entries_table.c.leaf)
            .where(entries_table.c.idx < size)
            .order_by(entries_table.c.idx)
        )
        return [bytes(r[0]) for r in rows]
    stored = getattr(reading.record, "entries", None)
    if stored is None:
        return []
    return [leaf_hash(canonical.encode(e)) for e in stored[:size]]


def _entry(reading: Reading, index: int) -> dict[str, object] | None:
    conn = _connection(reading)
    if conn is not None:
        data = conn.execute(
            select(entries_table.c.data).where(entries_table.c.idx == index)
        ).scalar_one_or_none()
        return None if data is None else canonical.decode(bytes(data))
    stored: Sequence[dict[str, object]] | None = getattr(reading.record, "entries", None)
    if stored is None or not 0 <= index < len(stored):
        return None
    return stored[index]


def parse_receipt(text: str) -> Receipt:
    """A receipt as pasted or uploaded: its canonical JSON, or the same JSON re-indented by an
    editor (re-encoded canonically first, so a reformatted file is still read)."""
    data = text.strip().encode()
    try:
        return Receipt.from_json(data)
    except CouncilError as first:
        try:
            obj = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise first from None
        if not isinstance(obj, dict):
            raise first from None
        try:
            again = canonical.encode(obj)
        except CouncilError:
            raise first from None
        return Receipt.from_json(again)


def check_receipt(reading: Reading, text: str) -> ReceiptCheck:
    """Verify a receipt (JSON text) against the latest signed head of the record."""
    if not text.strip():
        return ReceiptCheck(False, ["Paste your receipt, or choose the file you saved."])
    try:
        receipt = parse_receipt(text)
    except CouncilError as err:
        return ReceiptCheck(False, [f"This is not a receipt: {err.message}."])
    info = head_info(reading)
    head = info.signed
    if head is None or info.public_key is None:
        return ReceiptCheck(
            False,
            ["The record has no signed tree head yet, so there is nothing to check against."],
        )
    if receipt.tree_size < 1 or not 0 <= receipt.leaf_index < receipt.tree_size:
        return ReceiptCheck(
            False,
            [
                f"The receipt names entry {receipt.leaf_index} of a record of "
                f"{receipt.tree_size} entries, which cannot be."
            ],
        )
    if receipt.tree_size > head.size:
        return ReceiptCheck(
            False,
            [
                f"The receipt is for a record of {receipt.tree_size:,} entries, but the latest "
                f"signed head covers {head.size:,}: it is not from this record (or the record "
                "went back)."
            ],
        )
    leaves = _leaves(reading, head.size)
    proof = consistency_proof(leaves, receipt.tree_size, head.size)
    report = verify_receipt(receipt, head, bytes.fromhex(info.public_key), proof)
    if not report.ok:
        return ReceiptCheck(
            False,
            ["The receipt does not check against the record:"]
            + [f.what[:1].upper() + f.what[1:] + "." for f in report.failures],
        )
    lines = [
        f"Included at index {receipt.leaf_index:,} of the record whose root is "
        f"{head.root.hex()} (size {head.size:,}, signed {HeadInfo(0, '', head, None).when}).",
        "The signature on that head checks with the federation's public key, and the record "
        f"as it stood when you voted ({receipt.tree_size:,} entries) is the beginning of it.",
    ]
    entry = _entry(reading, receipt.leaf_index)
    if entry is not None and entry.get("type") == "ballot.cast":
        lines.append(
            f"The entry records that {entry.get('voter')} voted in election "
            f"{entry.get('election')}; "
            + (
                "it does not say how (a secret ballot)."
                if "ranking" not in entry
                else "the ballot was open, so the ranking is on the record with it."
            )
        )
    return ReceiptCheck(True, lines, receipt.leaf_index, head.root.hex())


def export_zip(reading: Reading) -> bytes | None:
    """The record's export (the files of ``councils record export``) as a .zip, from the same
    snapshot the page reads; ``None`` where storage keeps no key and heads (memory)."""
    conn = _connection(reading)
    if conn is None:
        return None
    info = load_federation(conn)
    _, data, _ = load_entries(conn)
    heads = load_heads(conn, info.log)
    files = export_files(data, heads, info.public_key)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(f"record/{name}", content)
    return buf.getvalue()
