"""The record page's "check my receipt" on a long record: before and after the subtree cache.

    python bench/receipt_check.py [--entries 1000000] [--repeat 20] [--level K] [--db PATH]

A federation of a million members has a record of ~1.8M entries; building one for real
(bench/federation.py) takes a long time, and the check reads only leaf hashes and the signed
head, so this builds the record synthetically: a database made by ``councils init`` (schema,
key, the first head), then ``--entries`` small canonical entries with their leaf hashes written
straight into the entries table, the log state (size, frontier) to match, and a head of that
size signed with the federation's key. Receipts are made from the stored leaves (an inclusion
proof at an older tree size, as a voter would hold), so the check does the real work: the
consistency proof from the receipt's size to the signed head, and the signature.

It times, in one process over a read-only snapshot (``bootstrap.open_reader``), as the site
does:

* **before**: what the page did until the cache: read every leaf hash up to the head
  (``select leaf ... order by idx``), :func:`merkle.consistency_proof` over them, verify;
* **cold**: :func:`councils.web.record_check.check_receipt` on an empty cache (the one-off
  warm-up: every leaf read once, in chunks, one hash per 256 leaves kept);
* **warm**: the same check again, for receipts at several indices and sizes (median, max);
* **grown**: 1,000 more entries and a new head, then one check (the cache reads only those).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select, update

from councils.record import canonical
from councils.record.heads import TreeHead
from councils.record.merkle import MerkleLog, consistency_proof, inclusion_proof, leaf_hash
from councils.record.receipt import Receipt, verify_receipt
from councils.service import bootstrap
from councils.service.uow import ReadFactory, Reading
from councils.storage.engine import create_engine
from councils.storage.metadata import entries, federation, log_state, signing_key, tree_heads
from councils.storage.record import join_frontier, load_entries, split_frontier
from councils.web import record_check

CHUNK = 50_000


def _append(url: str, count: int) -> tuple[str, list[bytes]]:
    """Append ``count`` synthetic entries and sign a head over the whole log; return the log's
    name and every leaf hash."""
    engine = create_engine(url)
    with engine.begin() as conn:
        log = conn.execute(select(federation.c.log)).scalar_one()
        private = bytes(conn.execute(select(signing_key.c.private_key)).scalar_one())
        size, frontier = conn.execute(select(log_state.c.size, log_state.c.frontier)).one()
        merkle = MerkleLog(int(size), split_frontier(bytes(frontier)))
        start = merkle.size
        for at in range(start, start + count, CHUNK):
            rows = []
            for i in range(at, min(at + CHUNK, start + count)):
                data = canonical.encode({"type": "bench.filler", "v": 1, "i": i})
                leaf = leaf_hash(data)
                merkle.append(leaf)
                rows.append({"idx": i, "data": data, "leaf": leaf})
            conn.execute(insert(entries), rows)
        conn.execute(
            update(log_state).values(size=merkle.size, frontier=join_frontier(merkle.frontier))
        )
        n, last = conn.execute(
            select(tree_heads.c.n, tree_heads.c.timestamp).order_by(tree_heads.c.n.desc())
        ).first() or (-1, 0)
        signed = TreeHead(log, merkle.size, merkle.root(), int(last) + 1000).sign(private)
        conn.execute(
            insert(tree_heads).values(
                n=int(n) + 1,
                size=signed.size,
                root=signed.root,
                timestamp=signed.timestamp,
                signature=signed.signature,
            )
        )
        leaves = load_entries(conn)[2]
    engine.dispose()
    return log, leaves


def _receipt(log: str, leaves: list[bytes], index: int, tree_size: int) -> str:
    proof = tuple(inclusion_proof(leaves, index, tree_size))
    return Receipt(log, index, leaves[index], tree_size, proof).to_json().decode()


def _before(reading: Reading, text: str) -> bool:
    """The check as the page made it before the cache: every leaf read, the proof from them."""
    receipt = record_check.parse_receipt(text)
    info = record_check.head_info(reading)
    head = info.signed
    assert head is not None and info.public_key is not None
    conn = record_check._connection(reading)
    assert conn is not None
    rows = conn.execute(
        select(entries.c.leaf).where(entries.c.idx < head.size).order_by(entries.c.idx)
    )
    leaves = [bytes(r[0]) for r in rows]
    proof = consistency_proof(leaves, receipt.tree_size, head.size)
    return verify_receipt(receipt, head, bytes.fromhex(info.public_key), proof).ok


def _timed(reader: ReadFactory, check: Callable[[Reading, str], object], text: str) -> float:
    with reader() as reading:
        t0 = time.perf_counter()
        ok = check(reading, text)
        elapsed = time.perf_counter() - t0
    assert getattr(ok, "ok", ok) is True, ok
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--level", type=int, default=record_check._LEVEL, help="cache blocks of 2**K leaves"
    )
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: a temp dir)")
    args = parser.parse_args(argv)
    record_check._LEVEL = args.level
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "receipts.db"
        if path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
        t0 = time.perf_counter()
        bootstrap.init_federation(url)
        log, leaves = _append(url, args.entries)
        n = len(leaves)
        print(f"record: {n:,} entries, built in {time.perf_counter() - t0:.1f} s ({path})")
        reader = bootstrap.open_reader(url)
        texts = [
            _receipt(log, leaves, i, size)
            for i, size in [
                (n // 3, n // 2),
                (17, 1000),
                (n - 5, n - 1),
                (n // 2, n // 2 + 1),
                (n - 1, n),
                (123_457 % n, 3 * n // 4),
            ]
        ]
        before = [_timed(reader, _before, texts[0]) for _ in range(3)]
        print(
            f"before (every leaf read, proof from them): median {statistics.median(before):.3f} s"
        )
        record_check._forget_caches()
        cold = _timed(reader, record_check.check_receipt, texts[0])
        print(f"cold (the one-off warm-up included): {cold:.3f} s")
        warm = [
            _timed(reader, record_check.check_receipt, texts[k % len(texts)])
            for k in range(args.repeat)
        ]
        print(
            f"warm: median {statistics.median(warm) * 1000:.2f} ms, max {max(warm) * 1000:.2f} ms"
            f" over {len(warm)} checks ({len(texts)} receipts)"
        )
        cache = next(iter(record_check._caches.values()))
        print(
            f"cache (K = {cache.level}): {cache.cached:,} hashes "
            f"({cache.cached * 32 / 1024:.0f} KiB of hashes)"
        )
        log, leaves = _append(url, 1000)
        grown = _timed(reader, record_check.check_receipt, texts[0])
        print(f"grown by 1,000 entries, first check: {grown * 1000:.2f} ms")
        speedup = statistics.median(before) / statistics.median(warm)
        print(f"warm vs before: {speedup:,.0f}× faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
