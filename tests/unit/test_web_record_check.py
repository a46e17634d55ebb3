""" "Check my receipt" over SQLite with the subtree cache (web/record_check.py): the same answers
as a proof from every leaf, a few short reads per check once warm, the cache extended only by
the new leaves, and what tampering with the stored record does to the answer."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import update

from councils.api.backend import Backend
from councils.record.merkle import inclusion_proof
from councils.record.receipt import Receipt
from councils.service import bootstrap
from councils.storage.engine import create_engine
from councils.storage.metadata import entries
from councils.storage.record import load_entries
from councils.web import record_check
from councils.web.record_check import check_receipt

LEVEL = 2  # blocks of 4 leaves, so a record of a few dozen entries exercises the cache


class Db:
    def __init__(self, url: str) -> None:
        self.url = url
        self.backend = Backend(bootstrap.open_uow(url), read_factory=bootstrap.open_reader(url))
        self.engine = create_engine(url)
        self.members = 0

    def grow(self, batches: int, per_batch: int = 3) -> None:
        """More entries, one signed head per batch."""
        for _ in range(batches):
            commands = []
            for _ in range(per_batch):
                self.members += 1
                commands.append(
                    {
                        "command": "member.register",
                        "member": f"m{self.members}",
                        "name": f"Member {self.members}",
                        "constituency": "works",
                    }
                )
            self.backend.run(commands, lambda results, uow: None)

    def leaves(self) -> list[bytes]:
        with self.engine.connect() as conn:
            return load_entries(conn)[2]

    def receipt(self, index: int, tree_size: int) -> str:
        leaves = self.leaves()
        proof = inclusion_proof(leaves, index, tree_size)
        with self.backend.reading() as reading:
            head = reading.record.signed_head()
            assert head is not None
        receipt = Receipt(head.log, index, leaves[index], tree_size, tuple(proof))
        return receipt.to_json().decode()

    def check(self, text: str) -> record_check.ReceiptCheck:
        with self.backend.reading() as reading:
            return check_receipt(reading, text)

    def head_size(self) -> int:
        with self.backend.reading() as reading:
            head = reading.record.signed_head()
            assert head is not None
            return head.size

    def set_leaf(self, index: int, leaf: bytes) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(entries).where(entries.c.idx == index).values(leaf=leaf))

    def set_data(self, index: int, data: bytes) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(entries).where(entries.c.idx == index).values(data=data))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Db]:
    monkeypatch.setattr(record_check, "_LEVEL", LEVEL)
    record_check._forget_caches()
    url = f"sqlite:///{tmp_path / 'councils.db'}"
    bootstrap.init_federation(url)
    d = Db(url)
    d.backend.run(
        [
            {"command": "council.create", "council": "city", "name": "City"},
            {
                "command": "constituency.create",
                "constituency": "works",
                "name": "Works",
                "kind": "workplace",
                "council": "city",
                "seats": 2,
            },
        ],
        lambda results, uow: None,
    )
    d.grow(8)
    yield d
    record_check._forget_caches()


class Counting:
    """Wraps the module's reader to record the ranges each check reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[int, int]] = []
        real = record_check._reader

        def reader(reading: object) -> record_check.ReadLeaves:
            read = real(reading)  # type: ignore[arg-type]

            def counted(start: int, end: int) -> Sequence[bytes]:
                self.calls.append((start, end))
                return read(start, end)

            return counted

        monkeypatch.setattr(record_check, "_reader", reader)


def _cache(db: Db) -> record_check.SubtreeCache:
    (cache,) = record_check._caches.values()
    return cache


def test_every_receipt_checks_and_a_warm_check_reads_a_few_short_ranges(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = Counting(monkeypatch)
    size = db.head_size()
    first = db.check(db.receipt(3, 5))
    assert first.ok, first.lines
    assert first.lines[0].startswith("Included at index 3 of the record whose root is ")
    assert f"(size {size:,}, signed" in first.lines[0]
    assert sum(end - start for start, end in reads.calls) >= size  # the warm-up read them all
    for tree_size in range(1, size + 1):
        for index in range(tree_size):
            reads.calls.clear()
            result = db.check(db.receipt(index, tree_size))
            assert result.ok and result.index == index, (index, tree_size, result.lines)
            assert len(reads.calls) <= 5, reads.calls
            assert all(end - start <= 1 << LEVEL for start, end in reads.calls), reads.calls
    # the record grows: the cache reads only the new leaves, then answers for the new head
    db.grow(3)
    reads.calls.clear()
    again = db.check(db.receipt(7, size))
    assert again.ok and f"(size {db.head_size():,}, signed" in again.lines[0]
    warm_up = [(start, end) for start, end in reads.calls if end - start > 1 << LEVEL]
    assert warm_up == [(size, db.head_size())]
    assert _cache(db).size == db.head_size()


def test_a_forged_receipt_still_fails(db: Db) -> None:
    good = db.check(db.receipt(4, 10))
    assert good.ok
    forged = db.receipt(4, 10).replace(db.leaves()[4].hex(), "00" * 32)
    bad = db.check(forged)
    assert not bad.ok and bad.lines[0] == "The receipt does not check against the record:"


def test_a_stored_leaf_altered_after_the_warm_up(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check vouches for the signed record, not for the stored copy: a leaf altered inside
    the cached blocks is not read again (the cache holds the hashes the signed root was checked
    against, so the answer about the signed record stays true); one in the last, partial block
    is read, its proof does not lead to the signed root, and the receipt fails."""
    size = db.head_size()
    receipt = db.receipt(2, 6)
    assert db.check(receipt).ok
    cached = _cache(db)
    assert cached.size == size and size % (1 << LEVEL) != 0, "the test wants a partial block"
    tail = size - size % (1 << LEVEL)
    db.set_leaf(1, b"\xff" * 32)  # inside the cached blocks
    assert db.check(receipt).ok
    db.set_leaf(size - 1, b"\xff" * 32)  # in the partial block, read on every check
    reads = Counting(monkeypatch)
    tampered = db.check(receipt)
    assert not tampered.ok and tampered.lines[0] == "The receipt does not check against the record:"
    assert any("does not lead" in line for line in tampered.lines), tampered.lines
    # the mismatch made one rebuild from the stored leaves, then is remembered for this head:
    # the next check does not read the whole record again
    assert (0, min(size, record_check._WARM_CHUNK)) in reads.calls
    reads.calls.clear()
    assert not db.check(receipt).ok
    assert all(end - start <= 1 << LEVEL for start, end in reads.calls), reads.calls
    assert tail < size


def test_a_cold_cache_over_altered_leaves_fails(db: Db) -> None:
    receipt = db.receipt(5, 9)
    db.set_leaf(1, b"\xff" * 32)
    result = db.check(receipt)
    assert not result.ok and result.lines[0] == "The receipt does not check against the record:"


def test_a_cache_fed_another_record_under_the_same_key_is_rebuilt(db: Db) -> None:
    receipt = db.receipt(5, 9)
    assert db.check(receipt).ok
    cache = _cache(db)
    stale = record_check.SubtreeCache(LEVEL)
    stale.extend([b"\x01" * 32] * cache.size)
    key = next(iter(record_check._caches))
    record_check._caches[key] = stale
    assert db.check(receipt).ok
    assert _cache(db) is not stale


def test_the_entry_is_described_only_if_it_is_the_receipts(db: Db) -> None:
    with db.engine.connect() as conn:
        _, data, _ = load_entries(conn)
    receipt = db.receipt(5, 9)
    before = db.check(receipt)
    assert before.ok and not any("stored copy" in line for line in before.lines)
    db.set_data(5, data[6])
    after = db.check(receipt)
    assert after.ok  # the signed record holds the receipt's leaf ...
    assert any("stored copy of the record no longer matches" in line for line in after.lines)


def test_the_export_is_built_at_most_once_a_window_and_names_its_size(db: Db) -> None:
    """The download is cached: a record that grew is served the built export until it is
    EXPORT_MAX_AGE_S old, then rebuilt; the export names how many entries it holds, and its
    files are what `councils record export` writes for that prefix."""
    db.grow(2)
    with db.backend.reading() as reading:
        first = record_check.export_zip(reading, now=1000.0)
        size = len(reading.record)
    assert first is not None and first.size == size
    db.grow(1)
    with db.backend.reading() as reading:
        assert len(reading.record) > size
        again = record_check.export_zip(reading, now=1000.0 + record_check.EXPORT_MAX_AGE_S - 1)
        later = record_check.export_zip(reading, now=1000.0 + record_check.EXPORT_MAX_AGE_S + 1)
        grown = len(reading.record)
    assert again is first
    assert later is not None and later.size == grown and later is not first
    with zipfile.ZipFile(io.BytesIO(later.data)) as zf:
        names = zf.namelist()
        entries = zf.read("record/entries.jsonl").splitlines()
    assert {"record/heads.jsonl", "record/proofs.jsonl", "record/public_key.txt"} <= set(names)
    assert len(entries) == grown
