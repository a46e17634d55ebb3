"""The published record: the files of an export, and their verification with no database.

``councils record export DIR`` writes these files and ``councils record verify DIR`` checks
them; this module is the pure part of both (a mapping of relative path to bytes in, a mapping
or a :class:`Report` out), so the same code runs on a folder, an archive or a web download.
docs/record-format.md ("Export") is the normative description:

``entries.jsonl``
    entry ``i`` on line ``i + 1``: its canonical encoding (the exact leaf input, which never
    contains the byte 0x0A) followed by ``\\n``.
``leaves.txt``
    the leaf hash of entry ``i`` (RFC 9162 §2.1.1), 64 lower-case hex digits, on line ``i + 1``.
``heads.jsonl``
    every signed tree head, oldest first, one canonical line each
    (:meth:`SignedTreeHead.to_json`).
``proofs.jsonl``
    line ``k`` ties head ``k - 1`` to head ``k``: the canonical encoding of
    ``{"type": "tree.consistency", "v": 1, "size1": .., "size2": .., "proof": [HEX, ..]}``
    (RFC 9162 §2.1.4; empty when the sizes are equal or the first is 0).
``public_key.txt``
    the raw Ed25519 public key, 64 lower-case hex digits and ``\\n``.
``README.txt``
    what the files are, for people; not verified.

Every text file is UTF-8 with ``\\n`` line ends, and ends with ``\\n`` unless it is empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from councils.domain.errors import InvalidCommand, RecordCorrupt
from councils.record import canonical
from councils.record.heads import KEY_SIZE, SignedTreeHead, parse_hex
from councils.record.merkle import HASH_SIZE, consistency_proofs, leaf_hash
from councils.record.report import Report
from councils.record.verify import Places, verify_log

__all__ = [
    "ENTRIES",
    "FILES",
    "HEADS",
    "LEAVES",
    "PROOFS",
    "PROOF_TYPE",
    "PUBLIC_KEY",
    "README",
    "export_files",
    "parse_entries",
    "parse_export",
    "verify_export",
]

ENTRIES = "entries.jsonl"
LEAVES = "leaves.txt"
HEADS = "heads.jsonl"
PROOFS = "proofs.jsonl"
PUBLIC_KEY = "public_key.txt"
README = "README.txt"
#: Every file an export has, in the order a reader should look at them.
FILES = (README, PUBLIC_KEY, HEADS, PROOFS, ENTRIES, LEAVES)
PROOF_TYPE = "tree.consistency"


def _proof_line(size1: int, size2: int, proof: Sequence[bytes]) -> bytes:
    return canonical.encode(
        {
            "type": PROOF_TYPE,
            "v": 1,
            "size1": size1,
            "size2": size2,
            "proof": [p.hex() for p in proof],
        }
    )


def _readme(heads: Sequence[SignedTreeHead], n: int) -> bytes:
    name = heads[-1].log if heads else "(no signed head yet)"
    latest = (
        f"Latest signed head: size {heads[-1].size}, root {heads[-1].root.hex()}.\n"
        if heads
        else "No tree head has been signed yet.\n"
    )
    return (
        f"The public record of {name}, as published by Councils: {n} entries.\n"
        "\n"
        f"{ENTRIES:<15} one canonical entry per line, in log order (the leaf inputs)\n"
        f"{LEAVES:<15} the leaf hash of each entry, hex, one per line\n"
        f"{HEADS:<15} the signed tree heads, oldest first\n"
        f"{PROOFS:<15} the consistency proof from each signed head to the next\n"
        f"{PUBLIC_KEY:<15} the Ed25519 public key that signs the heads, hex\n"
        "\n"
        "Check it with `councils record verify DIR`, or write your own verifier from\n"
        "docs/record-format.md, which gives the exact formats and test vectors.\n"
        f"{latest}"
    ).encode()


def export_files(
    entries: Sequence[bytes], heads: Sequence[SignedTreeHead], public_key: bytes
) -> dict[str, bytes]:
    """The files of the export of a log: relative path -> contents.

    ``entries`` are the canonical entries (leaf inputs) in log order, ``heads`` every signed
    tree head, oldest first. Refuses (:class:`InvalidCommand`) input that cannot make a
    well-formed export: an entry holding a newline, a head larger than the log, a bad key.
    """
    if len(public_key) != KEY_SIZE:
        raise InvalidCommand("record.bad_key", f"an Ed25519 public key is {KEY_SIZE} bytes")
    for i, entry in enumerate(entries):
        if b"\n" in entry:
            raise InvalidCommand(
                "record.bad_entry", f"entry {i} holds a newline: it is not canonical", {"index": i}
            )
    for head in heads:
        if head.size > len(entries):
            raise InvalidCommand(
                "record.bad_head",
                f"a head of size {head.size} for a log of {len(entries)} entries",
            )
    leaves = [leaf_hash(e) for e in entries]
    pairs = [(heads[k - 1].size, heads[k].size) for k in range(1, len(heads))]
    if any(a > b for a, b in pairs):
        raise InvalidCommand("record.bad_head", "the heads are not in order of size")
    proofs = consistency_proofs(leaves, pairs)

    def lines(items: Sequence[bytes]) -> bytes:
        return b"".join(item + b"\n" for item in items)

    return {
        README: _readme(heads, len(entries)),
        PUBLIC_KEY: public_key.hex().encode() + b"\n",
        HEADS: lines([h.to_json() for h in heads]),
        PROOFS: lines([_proof_line(a, b, p) for (a, b), p in zip(pairs, proofs, strict=True)]),
        ENTRIES: lines(entries),
        LEAVES: lines([h.hex().encode() for h in leaves]),
    }


def _lines(files: Mapping[str, bytes], name: str, report: Report) -> list[bytes]:
    data = files.get(name)
    if data is None:
        report.fail("record.file_missing", "the export has no such file", name)
        return []
    if not data:
        return []
    lines = data.split(b"\n")
    if lines[-1]:
        report.fail(
            "record.no_final_newline",
            "the file does not end with a newline (truncated?)",
            f"{name} line {len(lines)}",
        )
    else:
        lines.pop()
    return lines


def parse_entries(files: Mapping[str, bytes], report: Report) -> list[bytes]:
    """The lines of ``entries.jsonl``: entry ``i`` is line ``i + 1``, as bytes."""
    return _lines(files, ENTRIES, report)


def parse_export(
    files: Mapping[str, bytes], report: Report
) -> tuple[
    bytes,
    list[SignedTreeHead],
    list[int],
    list[tuple[int, int, list[bytes]]],
    list[bytes],
    list[bytes],
]:
    """Read an export's files as far as they can be read, reporting what cannot.

    Returns ``(public_key, heads, head_lines, proofs, entries, leaves)``; ``head_lines[k]`` is
    the line of ``heads.jsonl`` that head ``k`` came from. An unreadable leaf hash is kept in
    its place as an impossible value, so later positions still line up.
    """
    public_key = b""
    key_text = files.get(PUBLIC_KEY)
    if key_text is None:
        report.fail("record.file_missing", "the export has no such file", PUBLIC_KEY)
    else:
        try:
            public_key = parse_hex(
                key_text.removesuffix(b"\n").decode("ascii", "replace"), KEY_SIZE, "the key"
            )
        except RecordCorrupt as err:
            report.fail("record.bad_key", err.message, PUBLIC_KEY)

    heads: list[SignedTreeHead] = []
    head_lines: list[int] = []
    for n, line in enumerate(_lines(files, HEADS, report), 1):
        try:
            heads.append(SignedTreeHead.from_json(line))
            head_lines.append(n)
        except (RecordCorrupt, InvalidCommand) as err:
            report.fail("record.bad_head", err.message, f"{HEADS} line {n}")

    proofs: list[tuple[int, int, list[bytes]]] = []
    for n, line in enumerate(_lines(files, PROOFS, report), 1):
        try:
            proofs.append(_parse_proof(line))
        except RecordCorrupt as err:
            report.fail("record.bad_proof", err.message, f"{PROOFS} line {n}")
            proofs.append((-1, -1, []))

    entries = parse_entries(files, report)

    leaves: list[bytes] = []
    for n, line in enumerate(_lines(files, LEAVES, report), 1):
        try:
            value = bytes.fromhex(line.decode("ascii"))
            if len(line) == 2 * HASH_SIZE and value.hex().encode() == line:  # the common case
                leaves.append(value)
                continue
        except ValueError:  # UnicodeDecodeError too
            pass
        try:
            leaves.append(parse_hex(line.decode("ascii", "replace"), HASH_SIZE, "a leaf hash"))
        except RecordCorrupt as err:
            report.fail(
                "record.bad_leaf", err.message, f"{LEAVES} line {n} (leaf hash {n - 1})", n - 1
            )
            leaves.append(b"unreadable:" + line)
    return public_key, heads, head_lines, proofs, entries, leaves


def _parse_proof(line: bytes) -> tuple[int, int, list[bytes]]:
    obj = canonical.decode(line)
    if (
        obj.get("type") != PROOF_TYPE
        or obj.get("v") != 1
        or set(obj)
        != {
            "type",
            "v",
            "size1",
            "size2",
            "proof",
        }
    ):
        raise RecordCorrupt(
            "record.bad_proof",
            f'a proof line has "type" "{PROOF_TYPE}", "v" 1, "size1", "size2" and "proof"',
        )
    size1, size2, proof = obj["size1"], obj["size2"], obj["proof"]
    if not isinstance(size1, int) or not isinstance(size2, int) or not isinstance(proof, list):
        raise RecordCorrupt("record.bad_proof", "sizes are integers and the proof a list")
    return size1, size2, [parse_hex(p, HASH_SIZE, "a proof hash") for p in proof]


def verify_export(files: Mapping[str, bytes]) -> Report:
    """Verify an export (relative path -> contents) with nothing but its own files.

    Checks, and reports every failure of: the files are all there and end with a newline;
    every head is well formed, signed by the public key, of one log, in order and tied to the
    one before by its consistency proof; every entry is canonical; the entries and the leaf
    hashes both have every signed root; and each entry that differs from the signed log is
    named by its index (changed, missing, inserted or moved), see :mod:`councils.record.verify`.
    """
    report = Report()
    public_key, heads, head_lines, proofs, entries, leaves = parse_export(files, report)
    places = Places(
        entry=lambda i: f"{ENTRIES} line {i + 1} (entry {i})",
        leaf=lambda i: f"{LEAVES} line {i + 1} (leaf hash {i})",
        head=lambda k: f"{HEADS} line {head_lines[k] if k < len(head_lines) else k + 1}",
        proof=lambda k: f"{PROOFS} line {k + 1}",
    )
    report.extend(
        verify_log(entries, heads, public_key, leaves=leaves, proofs=proofs, places=places)
    )
    if report.ok:
        report.notes.insert(0, f"the export's public key: {public_key.hex()}")
    return report
