"""Exports: what ``councils record export`` writes and ``councils record verify`` checks.

Tampering with a published record must be detected *and located*: a changed byte, a deleted,
inserted or reordered entry each names the index of the first bad entry (DESIGN.md, "The
record"; docs/record-format.md, "Locating a change").
"""

from __future__ import annotations

import pytest

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record import canonical
from councils.record.export import (
    ENTRIES,
    FILES,
    HEADS,
    LEAVES,
    PROOFS,
    PUBLIC_KEY,
    export_files,
    verify_export,
)
from councils.record.heads import SignedTreeHead, TreeHead, public_key_of
from councils.record.merkle import leaf_hash, root
from councils.record.report import Report
from councils.record.verify import MAX_LISTED, verify_log

KEY = bytes(range(32))
PUB = public_key_of(KEY)
N = 40
SIZES = (0, 10, 25, N)


def _entry(i: int) -> bytes:
    return canonical.encode(
        {"type": "recall.signed", "v": 1, "delegate": f"m{i % 7:03d}", "signer": f"m{i:03d}"}
    )


ENTRY_LIST = [_entry(i) for i in range(N)]
LEAF_LIST = [leaf_hash(e) for e in ENTRY_LIST]
HEAD_LIST = [
    TreeHead("putilov", s, root(LEAF_LIST[:s]), 1_700_000_000_000 + s).sign(KEY) for s in SIZES
]
FILES_OK = export_files(ENTRY_LIST, HEAD_LIST, PUB)


def lines(name: str, files: dict[str, bytes] = FILES_OK) -> list[bytes]:
    return files[name].split(b"\n")[:-1]


def replaced(name: str, new_lines: list[bytes]) -> dict[str, bytes]:
    return {**FILES_OK, name: b"".join(line + b"\n" for line in new_lines)}


def check(files: dict[str, bytes]) -> Report:
    report = verify_export(files)
    assert not report.ok
    return report


def test_a_fresh_export_verifies() -> None:
    report = verify_export(FILES_OK)
    assert report.ok, [str(f) for f in report]
    assert set(FILES_OK) == set(FILES)
    assert f"{N} entries" in " ".join(report.notes)
    assert lines(ENTRIES) == ENTRY_LIST
    assert lines(LEAVES) == [h.hex().encode() for h in LEAF_LIST]
    assert [SignedTreeHead.from_json(x) for x in lines(HEADS)] == HEAD_LIST
    assert len(lines(PROOFS)) == len(SIZES) - 1
    assert FILES_OK[PUBLIC_KEY] == PUB.hex().encode() + b"\n"


@pytest.mark.parametrize("index", [0, 9, 10, 17, N - 1])
def test_every_single_byte_change_names_its_entry(index: int) -> None:
    original = ENTRY_LIST[index]
    for pos in range(len(original)):
        flipped = bytearray(original)
        flipped[pos] ^= 0x01
        changed = list(ENTRY_LIST)
        changed[index] = bytes(flipped)
        report = check(replaced(ENTRIES, changed))
        assert report.indices()[0] == index, (pos, [str(f) for f in report])
        assert "record.entry_changed" in report.codes()


@pytest.mark.parametrize("index", [0, 5, 10, 24, 25, N - 1])
def test_a_deleted_entry_is_named(index: int) -> None:
    report = check(replaced(ENTRIES, ENTRY_LIST[:index] + ENTRY_LIST[index + 1 :]))
    assert report.indices()[0] == index
    missing = [f for f in report if f.code == "record.entry_missing"]
    assert [f.index for f in missing] == [index]


@pytest.mark.parametrize("index", [0, 5, 25, N])
def test_an_inserted_entry_is_named(index: int) -> None:
    forged = canonical.encode({"type": "recall.signed", "v": 1, "delegate": "m001", "signer": "x"})
    report = check(replaced(ENTRIES, [*ENTRY_LIST[:index], forged, *ENTRY_LIST[index:]]))
    assert report.indices()[0] == index
    assert "record.entry_inserted" in report.codes()


def test_an_inserted_copy_is_named_where_it_was_inserted() -> None:
    report = check(replaced(ENTRIES, [*ENTRY_LIST[:12], ENTRY_LIST[3], *ENTRY_LIST[12:]]))
    assert report.indices() == [12]
    assert "copy of entry 3" in report.failures[0].what


@pytest.mark.parametrize(("i", "j"), [(3, 7), (3, 4), (0, N - 1), (12, 30)])
def test_swapped_entries_are_both_named(i: int, j: int) -> None:
    swapped = list(ENTRY_LIST)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    report = check(replaced(ENTRIES, swapped))
    moved = [f for f in report if f.code == "record.entry_moved"]
    assert [f.index for f in moved] == [i, j]
    assert report.indices()[0] == i


def test_a_moved_entry_is_named() -> None:
    moved = ENTRY_LIST[:5] + ENTRY_LIST[6:20] + [ENTRY_LIST[5]] + ENTRY_LIST[20:]
    report = check(replaced(ENTRIES, moved))
    assert report.indices()[0] == 5


def test_a_changed_leaf_hash_is_named() -> None:
    leaves = lines(LEAVES)
    leaves[13] = leaf_hash(b"forged").hex().encode()
    report = check(replaced(LEAVES, leaves))
    assert report.codes() == ["record.leaves_changed", "record.leaf_hash_changed"]
    assert report.indices() == [13]


def test_an_unreadable_leaf_hash_is_named() -> None:
    leaves = lines(LEAVES)
    leaves[13] = leaves[13].upper()
    report = check(replaced(LEAVES, leaves))
    assert report.failures[0].code == "record.bad_leaf"
    assert report.indices()[0] == 13


def test_rewriting_entries_and_leaf_hashes_together_is_caught_between_two_heads() -> None:
    """Nobody can name the exact index then; the signed heads still bound it."""
    entries = ENTRY_LIST[:12] + ENTRY_LIST[13:]
    leaves = [h.hex().encode() for h in LEAF_LIST[:12] + LEAF_LIST[13:]]
    report = check({**replaced(ENTRIES, entries), LEAVES: b"".join(x + b"\n" for x in leaves)})
    assert "record.leaves_changed" in report.codes()
    mismatch = next(f for f in report if f.code == "record.head_mismatch")
    assert "from 10 to 24" in mismatch.what  # heads of size 10 and 25
    assert mismatch.where == f"{HEADS} line 3"


def test_unsigned_entries_at_the_end_are_reported() -> None:
    extra = [*ENTRY_LIST, _entry(N)]
    files = export_files(extra, HEAD_LIST, PUB)
    report = check(files)
    assert report.codes() == ["record.unsigned_entries"]
    assert report.indices() == [N]


def test_a_truncated_file_is_reported() -> None:
    data = FILES_OK[ENTRIES][:-30]
    report = check({**FILES_OK, ENTRIES: data})
    assert "record.no_final_newline" in report.codes()
    assert report.indices()[0] == N - 1


def test_an_altered_head_fails_its_signature_and_consistency() -> None:
    heads = lines(HEADS)
    heads[2] = heads[2].replace(b'"size":25', b'"size":24')
    report = check(replaced(HEADS, heads))
    assert report.codes()[0] == "record.bad_signature"
    assert "record.heads_inconsistent" in report.codes()
    assert report.failures[0].where == f"{HEADS} line 3"


def test_a_forked_log_is_caught_by_the_consistency_proofs() -> None:
    """The operator signs a later head over a history that drops entry 4: no proof ties it."""
    more = ENTRY_LIST + [_entry(i) for i in range(N, N + 5)]
    leaves = [leaf_hash(e) for e in more]
    forged = leaves[:4] + leaves[5:] + [leaf_hash(b"filler")]
    fork = TreeHead("putilov", N + 5, root(forged), 1_800_000_000_000).sign(KEY)
    report = check(export_files(more, [*HEAD_LIST, fork], PUB))
    assert "record.heads_inconsistent" in report.codes()
    assert next(f for f in report if f.code == "record.heads_inconsistent").where == (
        f"{PROOFS} line {len(HEAD_LIST)}"
    )
    assert "record.head_mismatch" in report.codes()


def test_heads_from_another_key_or_log_or_out_of_order() -> None:
    other = TreeHead("putilov", 40, root(LEAF_LIST), 1_900_000_000_000).sign(bytes(32))
    town = TreeHead("town", 40, root(LEAF_LIST), 1_900_000_000_000).sign(KEY)
    early = TreeHead("putilov", 40, root(LEAF_LIST), 1).sign(KEY)
    for extra, code in [
        (other, "record.bad_signature"),
        (town, "record.wrong_log"),
        (early, "record.heads_out_of_order"),
    ]:
        report = check(export_files(ENTRY_LIST, [*HEAD_LIST, extra], PUB))
        assert code in report.codes()


def test_missing_files_and_a_bad_key_are_reported() -> None:
    for name in (ENTRIES, LEAVES, HEADS, PROOFS, PUBLIC_KEY):
        report = check({k: v for k, v in FILES_OK.items() if k != name})
        assert ("record.file_missing", name) == (report.failures[0].code, report.failures[0].where)
    report = check({**FILES_OK, PUBLIC_KEY: b"zz\n"})
    assert report.codes()[0] == "record.bad_key"


def test_a_broken_proof_line_is_reported() -> None:
    proofs = lines(PROOFS)
    proofs[1] = proofs[1].replace(b'"proof":["', b'"proof":["00')
    report = check(replaced(PROOFS, proofs))
    assert report.failures[0].where == f"{PROOFS} line 2"


def test_every_failure_is_listed_up_to_a_cap() -> None:
    spaced = [e.replace(b",", b", ") for e in ENTRY_LIST] * 4  # 160 non-canonical entries
    report = verify_log(spaced, [], PUB)
    listed = [f for f in report if f.code == "record.not_canonical"]
    assert len(listed) == MAX_LISTED + 1
    assert "60 more" in listed[-1].what
    with pytest.raises(RecordCorrupt):
        report.raise_if_failed()


def test_without_leaf_hashes_a_change_is_bounded_by_the_heads() -> None:
    changed = list(ENTRY_LIST)
    changed[30] = _entry(99)
    report = verify_log(changed, HEAD_LIST, PUB)
    assert report.codes() == ["record.head_mismatch"]
    assert "from 25 to 39" in report.failures[0].what


def test_export_files_refuses_what_cannot_be_exported() -> None:
    with pytest.raises(InvalidCommand):
        export_files([b'{"a":"\n"}'], [], PUB)
    with pytest.raises(InvalidCommand):
        export_files(ENTRY_LIST[:5], HEAD_LIST, PUB)
    with pytest.raises(InvalidCommand):
        export_files(ENTRY_LIST, HEAD_LIST, b"short")
    with pytest.raises(InvalidCommand):
        export_files(ENTRY_LIST, HEAD_LIST[::-1], PUB)


def test_an_empty_log_exports_and_verifies() -> None:
    empty = TreeHead("putilov", 0, root([]), 0).sign(KEY)
    assert verify_export(export_files([], [empty], PUB)).ok
