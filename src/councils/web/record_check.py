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

Speed. The consistency proof is built from a :class:`~councils.record.subtrees.SubtreeCache`
per log (one per federation key, kept by this module for the life of the process): warmed once
from every stored leaf hash up to the signed head, then extended only by the leaves past its
size (``idx >= size``), and asked for the proof with a few range reads of at most 256 leaf
hashes. So a check costs O(log n) hashes and reads however long the record, not a read of the
whole entries table.

What the check guarantees, and what it does not. ``ok`` means: the receipt's leaf hash is leaf
``leaf_index`` of the tree the federation's key signed at the head's size (under SHA-256's
collision resistance). That rests on the receipt (its inclusion proof), the head's Ed25519
signature and RFC 9162's verification alone; the consistency proof the server supplies can only
help it pass, never make a false receipt pass: wrong stored leaves or a stale cache give a
proof that does not verify, and the receipt fails. Before a cache is used, the root it yields
at the head's size is compared with the signed root; on a mismatch it is rebuilt from the
stored leaves (once per head: stored leaves that still disagree are reported, not re-read per
request). A stored leaf altered *after* the cache was warmed is not seen by the check, and
needs not be: the cache holds the hashes the signed root was checked against, so the answer
about the signed record stays true. Whether the stored entries still match the signed heads is
the business of ``councils record verify`` and of the export's verifier, not of this page; the
page describes the stored entry at the receipt's index only if it hashes to the receipt's leaf.
"""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from councils.domain.errors import CouncilError
from councils.record import canonical
from councils.record.export import export_files
from councils.record.heads import SignedTreeHead
from councils.record.merkle import leaf_hash
from councils.record.receipt import Receipt, verify_receipt
from councils.record.subtrees import DEFAULT_LEVEL, ReadLeaves, SubtreeCache
from councils.service.uow import Reading
from councils.storage.metadata import entries as entries_table
from councils.storage.record import load_entries, load_federation, load_heads
from councils.storage.state import SqlState

__all__ = [
    "EXPORT_MAX_AGE_S",
    "Export",
    "HeadInfo",
    "ReceiptCheck",
    "check_receipt",
    "export_zip",
    "head_info",
]


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


def _reader(reading: Reading) -> ReadLeaves:
    """``read(start, end)``: the stored leaf hashes ``D[start:end]``, one range query (SQL), or
    hashed from the in-memory record's entries."""
    conn = _connection(reading)
    if conn is not None:
        sql = conn

        def read(start: int, end: int) -> list[bytes]:
            rows = sql.execute(
                select(entries_table.c.leaf)
                .where(entries_table.c.idx >= start, entries_table.c.idx < end)
                .order_by(entries_table.c.idx)
            )
            return [bytes(r[0]) for r in rows]

        return read
    stored: Sequence[dict[str, object]] = getattr(reading.record, "entries", None) or []

    def read_memory(start: int, end: int) -> list[bytes]:
        return [leaf_hash(canonical.encode(e)) for e in stored[start:end]]

    return read_memory


#: The cache's block level (one hash per ``2**_LEVEL`` leaves); tests lower it.
_LEVEL = DEFAULT_LEVEL
#: Leaves read per query while a cache warms up (bounded memory however long the record).
_WARM_CHUNK = 65_536
#: Caches kept, most recently used last (a process usually serves one federation).
_MAX_CACHES = 8

_caches: OrderedDict[tuple[str, bytes], SubtreeCache] = OrderedDict()
#: Per log, the last head whose root the stored leaves, freshly read, did not give.
_mismatched: dict[tuple[str, bytes], tuple[int, bytes]] = {}
_lock = threading.Lock()


def _warmed(cache: SubtreeCache, size: int, read: ReadLeaves) -> SubtreeCache:
    for start in range(cache.size, size, _WARM_CHUNK):
        cache.extend(read(start, min(start + _WARM_CHUNK, size)))
    return cache


def _consistency(
    key: tuple[str, bytes], size1: int, head: SignedTreeHead, read: ReadLeaves
) -> list[bytes]:
    """PROOF(size1, D[head.size]) from the log's cache, extended or rebuilt as needed.

    Under one lock: requests for the same log wait for a warm-up rather than each doing it.
    """
    with _lock:
        cache = _caches.pop(key, None)
        if cache is None or cache.size < head.size:
            cache = _warmed(cache or SubtreeCache(_LEVEL), head.size, read)
        if cache.root(head.size, read) != head.root and _mismatched.get(key) != (
            head.size,
            head.root,
        ):
            # A cache fed other leaves (a database restored or replaced under the same key):
            # start again from what is stored now.
            cache = _warmed(SubtreeCache(_LEVEL), head.size, read)
            if cache.root(head.size, read) != head.root:
                _mismatched[key] = (head.size, head.root)
        _caches[key] = cache
        while len(_caches) > _MAX_CACHES:
            _caches.popitem(last=False)
        return cache.consistency_proof(size1, head.size, read)


def _forget_caches() -> None:
    """Drop every cache (tests, and a process that wants its memory back)."""
    with _lock:
        _caches.clear()
        _mismatched.clear()
    with _export_lock:
        _exports.clear()


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


def check_receipt(reading: Reading, text: str, info: HeadInfo | None = None) -> ReceiptCheck:
    """Verify a receipt (JSON text) against the latest signed head of the record (``info``:
    :func:`head_info` of ``reading``, if the caller has read it already)."""
    if not text.strip():
        return ReceiptCheck(False, ["Paste your receipt, or choose the file you saved."])
    try:
        receipt = parse_receipt(text)
    except CouncilError as err:
        return ReceiptCheck(False, [f"This is not a receipt: {err.message}."])
    info = head_info(reading) if info is None else info
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
    key = (head.log, bytes.fromhex(info.public_key))
    proof = _consistency(key, receipt.tree_size, head, _reader(reading))
    report = verify_receipt(receipt, head, bytes.fromhex(info.public_key), proof)
    if not report.ok:
        return ReceiptCheck(
            False,
            ["The receipt does not check against the record:"]
            + [f.what[:1].upper() + f.what[1:] + "." for f in report.failures],
        )
    lines = [
        f"Included at index {receipt.leaf_index:,} of the record whose root is "
        f"{head.root.hex()} (size {head.size:,}, signed {info.when}).",
        "The signature on that head checks with the federation's public key, and the record "
        f"as it stood when you voted ({receipt.tree_size:,} entries) is the beginning of it.",
    ]
    entry = _entry(reading, receipt.leaf_index)
    if entry is not None and leaf_hash(canonical.encode(entry)) != receipt.leaf_hash:
        lines.append(
            "The entry stored at that index is not the one the receipt names (its hash differs):"
            " the stored copy of the record no longer matches what was signed."
        )
        entry = None
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


#: A built export serves this long (seconds) before a request for a larger record rebuilds it.
EXPORT_MAX_AGE_S = 60.0


@dataclass(frozen=True)
class Export:
    """The record's export as a .zip, built from a snapshot of ``size`` entries."""

    size: int
    data: bytes


_exports: dict[tuple[str, bytes], tuple[float, Export]] = {}
_export_lock = threading.Lock()


def export_zip(
    reading: Reading, *, max_age: float = EXPORT_MAX_AGE_S, now: float | None = None
) -> Export | None:
    """The record's export (the files of ``councils record export``) as a .zip; ``None`` where
    storage keeps no key and heads (memory).

    Why cached: an export holds every entry and a consistency proof between every pair of
    signed heads (one per committed group), so building it reads the whole record: seconds
    at a million members. A built export is served to everyone, under one lock, until it is
    ``max_age`` seconds old *and* the record has grown; so a public download link costs at
    most one build a minute however often it is followed. What it serves is a complete export
    of a prefix of the record, every head in it signed; its ``size`` names how many entries.
    """
    conn = _connection(reading)
    if conn is None:
        return None
    info = load_federation(conn)
    key = (info.log, info.public_key)
    size = len(reading.record)
    with _export_lock:
        moment = time.monotonic() if now is None else now
        cached = _exports.get(key)
        if cached is not None:
            built, export = cached
            if export.size >= size or moment - built < max_age:
                return export
        _, data, _ = load_entries(conn)
        heads = load_heads(conn, info.log)
        files = export_files(data, heads, info.public_key)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, content in files.items():
                zf.writestr(f"record/{name}", content)
        export = Export(len(data), buf.getvalue())
        _exports[key] = (moment, export)
        while len(_exports) > _MAX_CACHES:
            del _exports[next(iter(_exports))]
        return export
