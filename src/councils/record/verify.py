"""Verifying a log: entries, leaf hashes and signed tree heads, reporting every failure.

This is the check behind both ``councils verify`` (the record in the database) and
``councils record verify DIR`` (a published export, :mod:`councils.record.export`). It trusts
nothing but the public key: every signed tree head is checked with it, every head is tied to
the one before by a consistency proof (RFC 9162 §2.1.4), and the roots of the entries and of the
listed leaf hashes are recomputed at every signed size (RFC 9162 §2.1.1).

Naming the index of a tampered entry. A signed root says *that* the entries changed, not
*where*. So the log also publishes the leaf hash of every entry (``leaves``). Those hashes are
authenticated as a whole by the signed roots (their tree must have exactly those roots); once
they are, each entry is compared with the leaf hash at its position, and the first difference
is exact. Positions are aligned first (common prefix and suffix, then a diff of the middle), so
a deleted or inserted entry is one failure at its index, not a failure for every entry after
it; a changed entry or two swapped entries are named at their positions. If someone also
rewrote the leaf hashes to match, their tree no longer has the signed roots: the report says so
and names the window between the last signed head that still matches and the first that does
not (nobody can do better without the original entries).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from councils.domain.errors import RecordCorrupt
from councils.record import canonical
from councils.record.heads import SignedTreeHead
from councils.record.merkle import EMPTY_ROOT, leaf_hash, roots_at, verify_consistency
from councils.record.report import Report

__all__ = ["MAX_LISTED", "Places", "verify_log"]

#: At most this many failures of one kind are listed one by one; the rest are counted.
MAX_LISTED = 100
#: Mismatched regions up to this many positions are aligned with a diff, larger ones summed up.
_DIFF_LIMIT = 4000


@dataclass(frozen=True)
class Places:
    """How failures name places: an entry, a leaf hash, a head, a consistency proof.

    The database check says "entry 5"; the export check says "entries.jsonl line 6 (entry 5)".
    """

    entry: Callable[[int], str] = lambda i: f"entry {i}"
    leaf: Callable[[int], str] = lambda i: f"leaf hash {i}"
    head: Callable[[int], str] = lambda k: f"signed tree head {k}"
    proof: Callable[[int], str] = lambda k: f"consistency proof {k}"


class _Capped:
    """A report that lists at most :data:`MAX_LISTED` failures per code and counts the rest."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.seen: dict[str, int] = {}
        self.first_hidden: dict[str, str] = {}

    def fail(self, code: str, what: str, where: str, index: int | None = None) -> None:
        n = self.seen.get(code, 0)
        self.seen[code] = n + 1
        if n < MAX_LISTED:
            self.report.fail(code, what, where, index)
        elif n == MAX_LISTED:
            self.first_hidden[code] = where

    def close(self) -> None:
        for code, n in self.seen.items():
            if n > MAX_LISTED:
                self.report.fail(
                    code,
                    f"and {n - MAX_LISTED} more failures of this kind, not listed",
                    f"from {self.first_hidden[code]} on",
                )


def verify_log(
    entries: Sequence[bytes],
    heads: Sequence[SignedTreeHead],
    public_key: bytes,
    *,
    leaves: Sequence[bytes] | None = None,
    proofs: Sequence[tuple[int, int, Sequence[bytes]]] | None = None,
    places: Places | None = None,
) -> Report:
    """Verify a log and return every failure found.

    ``entries`` are the canonical entries in log order; ``heads`` the signed tree heads in the
    order they were signed; ``leaves`` the published leaf hashes (optional: without them a
    tampered entry is located only between two signed heads); ``proofs[k - 1]`` is
    ``(size1, size2, proof)`` tying head ``k - 1`` to head ``k``.
    """
    at = places or Places()
    report = Report()
    out = _Capped(report)
    good = _check_heads(heads, public_key, proofs, at, out)

    for i, entry in enumerate(entries):
        found = _canonical_problem(entry)
        if found:
            out.fail("record.not_canonical", found, at.entry(i), i)
    actual = [leaf_hash(e) for e in entries]

    # The heads' verdict on the entries comes after the exact positions, which say more.
    verdict = _Capped(Report())
    entries_match = _match_heads(actual, good, heads, at, verdict, "the entries", at.entry)
    log_size = len(entries)
    if leaves is not None:
        held = _Capped(Report())  # the leaf list's own verdict, reported only if it fails
        leaves_match = _match_heads(leaves, good, heads, at, held, "the leaf hashes", at.leaf)
        if leaves_match:
            log_size = len(leaves)
            _locate(actual, leaves, at.entry, out, _ENTRY)
        else:
            first = held.report.failures[0]
            why = (
                ""
                if entries_match
                else "; nor do the entries (any difference listed between the two does not "
                "prove which of them was changed)"
            )
            out.fail("record.leaves_changed", first.what + why, first.where, first.index)
            if entries_match:
                _locate(leaves, actual, at.leaf, out, _LEAF)
            else:
                _locate(actual, leaves, at.entry, out, _ENTRY)
    for f in verdict.report:
        out.fail(f.code, f.what, f.where, f.index)

    if good:
        last = max(heads[k].size for k in good)
        if log_size > last:
            out.fail(
                "record.unsigned_entries",
                f"{log_size - last} entries after the last signed head (size {last}) are "
                "covered by no signature",
                at.entry(last),
                last,
            )
    elif heads or entries:
        out.fail("record.no_signed_head", "no signed tree head verifies", at.head(0))
    out.close()
    if report.ok:
        report.note(f"{len(entries)} entries, all canonical, in a tree of {len(entries)} leaves")
        if good:
            top = heads[good[-1]]
            report.note(
                f"{len(good)} signed tree heads verify and are consistent; the latest: size "
                f"{top.size}, root {top.root.hex()}"
            )
    return report


def _canonical_problem(entry: bytes) -> str | None:
    try:
        canonical.decode(entry)
    except RecordCorrupt as err:
        return err.message
    return None


def _check_heads(
    heads: Sequence[SignedTreeHead],
    public_key: bytes,
    proofs: Sequence[tuple[int, int, Sequence[bytes]]] | None,
    at: Places,
    out: _Capped,
) -> list[int]:
    """Check signatures, order, and consistency; return the indices of heads that verify."""
    good = []
    for k, head in enumerate(heads):
        sig = head.verify(public_key, at.head(k))
        for f in sig:
            out.fail(f.code, f.what, f.where)
        if sig.ok:
            good.append(k)
        if k and head.log != heads[0].log:
            out.fail(
                "record.wrong_log",
                f"the head is of log {head.log!r}, the first head of log {heads[0].log!r}",
                at.head(k),
            )
        if k and head.size < heads[k - 1].size:
            out.fail(
                "record.heads_out_of_order",
                f"size {head.size} follows size {heads[k - 1].size}: a log only grows",
                at.head(k),
            )
        if k and head.timestamp < heads[k - 1].timestamp:
            out.fail(
                "record.heads_out_of_order",
                "the timestamp is earlier than the previous head's",
                at.head(k),
            )
        if head.size == 0 and head.root != EMPTY_ROOT:
            out.fail("record.head_mismatch", "an empty tree's root is SHA-256('')", at.head(k))
    if proofs is None:
        return good
    if len(proofs) != max(len(heads) - 1, 0):
        out.fail(
            "record.proofs_missing",
            f"{len(proofs)} consistency proofs for {len(heads)} heads (one per pair expected)",
            at.proof(min(len(proofs), max(len(heads) - 2, 0))),
        )
    for k in range(1, min(len(heads), len(proofs) + 1)):
        size1, size2, proof = proofs[k - 1]
        one, two = heads[k - 1], heads[k]
        if (size1, size2) != (one.size, two.size):
            out.fail(
                "record.heads_inconsistent",
                f"the proof is from {size1} to {size2}, the heads have sizes {one.size} and "
                f"{two.size}",
                at.proof(k - 1),
            )
            continue
        if size1 == 0:  # every tree extends the empty one: nothing to prove
            if proof:
                out.fail(
                    "record.heads_inconsistent", "a proof from size 0 is empty", at.proof(k - 1)
                )
            continue
        for f in verify_consistency(size1, size2, proof, one.root, two.root):
            out.fail(
                "record.heads_inconsistent",
                f"head {k - 1} (size {size1}) and head {k} (size {size2}) are not proven "
                f"consistent: {f.what}",
                at.proof(k - 1),
            )
    return good


def _match_heads(
    hashes: Sequence[bytes],
    good: Sequence[int],
    heads: Sequence[SignedTreeHead],
    at: Places,
    out: _Capped,
    what: str,
    place: Callable[[int], str],
) -> bool:
    """Do the roots of ``hashes`` at every signed size equal the signed roots? Report the first
    head that does not match, with the window in which the first change must lie."""
    fits = [k for k in good if heads[k].size <= len(hashes)]
    roots = roots_at(hashes, (heads[k].size for k in fits))
    matched_below = 0
    for k in sorted(good, key=lambda k: heads[k].size):
        head = heads[k]
        if head.size > len(hashes):
            out.fail(
                "record.entries_missing",
                f"{what} stop at {len(hashes)}, but head {k} was signed at size {head.size}",
                place(len(hashes)),
                len(hashes),
            )
            return False
        if roots[head.size] != head.root:
            out.fail(
                "record.head_mismatch",
                f"{what} do not have the root of signed head {k} (size {head.size}): the first "
                f"change is at an index from {matched_below} to {head.size - 1}",
                at.head(k),
            )
            return False
        matched_below = head.size
    return True


@dataclass(frozen=True)
class _Noun:
    """How failures speak of what is being located: entries, or published leaf hashes."""

    name: str  # "entry"
    code: str  # "record.entry"
    not_ours: str  # "is not an entry of the log"
    changed: str  # "{j}" is replaced by the index


_ENTRY = _Noun(
    "entry",
    "record.entry",
    "is not an entry of the log",
    "entry {j} differs from the log: its leaf hash is not the signed one",
)
_LEAF = _Noun(
    "leaf hash",
    "record.leaf_hash",
    "is not a leaf hash of the log",
    "leaf hash {j} is not the hash of entry {j}",
)


def _locate(
    actual: Sequence[bytes],
    expected: Sequence[bytes],
    place: Callable[[int], str],
    out: _Capped,
    noun: _Noun,
) -> None:
    """Name each position where ``actual`` departs from the authenticated ``expected``.

    Positions are in the log's numbering (``expected``): a changed value at its index, a
    missing one at its index, an inserted one at the index it was pushed in before, a moved one
    at the index where it sits instead of the right one.
    """
    if actual == expected:
        return
    n, m = len(actual), len(expected)
    p = 0
    while p < n and p < m and actual[p] == expected[p]:
        p += 1
    s = 0
    while s < n - p and s < m - p and actual[n - 1 - s] == expected[m - 1 - s]:
        s += 1
    a, b = actual[p : n - s], expected[p : m - s]
    if len(a) == len(b):
        wrong = [t for t in range(len(a)) if a[t] != b[t]]
        if len(wrong) <= _DIFF_LIMIT:
            where_is = _positions(expected, {a[t] for t in wrong})
            copies = _counts(actual, set(where_is))
            for t in wrong:
                _misplaced(p + t, p + t, a[t], where_is, copies, place, out, noun)
            return
    if len(a) + len(b) > _DIFF_LIMIT:
        out.fail(
            f"{noun.code}_changed",
            f"the values from index {p} to {m - s - 1} of the log differ from what was signed "
            f"({len(a)} here for {len(b)} signed: too many changes to list one by one)",
            place(p),
            p,
        )
        return
    where_is = _positions(expected, set(a))
    copies = _counts(actual, set(where_is))
    here = {h: p + t for t, h in enumerate(a)}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for t in range(pairs):
            _misplaced(p + i1 + t, p + j1 + t, a[i1 + t], where_is, copies, place, out, noun)
        for i in range(i1 + pairs, i2):
            elsewhere = where_is.get(a[i])
            before = p + j1 + pairs
            what = (
                f"{noun.not_ours} at this place: a copy of {noun.name} {elsewhere}, inserted "
                f"before index {before}"
                if elsewhere is not None
                else f"{noun.not_ours}: inserted before index {before}"
            )
            out.fail(f"{noun.code}_inserted", what, place(p + i), before)
        for j in range(j1 + pairs, j2):
            found = here.get(b[j])
            what = (
                f"{noun.name} {p + j} of the log is not at its place (it is at index {found})"
                if found is not None
                else f"{noun.name} {p + j} of the log is missing"
            )
            code = "moved" if found is not None else "missing"
            out.fail(f"{noun.code}_{code}", what, place(p + j), p + j)


def _positions(values: Sequence[bytes], wanted: set[bytes]) -> dict[bytes, int]:
    """Where each wanted value first occurs in ``values`` (one pass; few values wanted)."""
    found: dict[bytes, int] = {}
    for j, value in enumerate(values):
        if value in wanted and value not in found:
            found[value] = j
            if len(found) == len(wanted):
                break
    return found


def _counts(values: Sequence[bytes], wanted: set[bytes]) -> dict[bytes, int]:
    """How often each wanted value occurs in ``values`` (one pass)."""
    counts: dict[bytes, int] = {}
    if wanted:
        for value in values:
            if value in wanted:
                counts[value] = counts.get(value, 0) + 1
    return counts


def _misplaced(
    i: int,
    j: int,
    got: bytes,
    where_is: dict[bytes, int],
    copies: dict[bytes, int],
    place: Callable[[int], str],
    out: _Capped,
    noun: _Noun,
) -> None:
    """Report that position ``i`` holds ``got`` where the log has its ``j``-th value.

    ``got`` may be no value of the log (changed), a value of the log that now occurs twice (a
    copy: changed too), or one that occurs once, elsewhere in the log (moved).
    """
    k = where_is.get(got)
    if k is None:
        out.fail(f"{noun.code}_changed", noun.changed.format(j=j), place(i), j)
    elif copies.get(got, 0) > 1:
        out.fail(
            f"{noun.code}_changed",
            f"{noun.changed.format(j=j)}: it is a copy of {noun.name} {k}",
            place(i),
            j,
        )
    else:
        out.fail(
            f"{noun.code}_moved",
            f"holds {noun.name} {k} of the log, not {noun.name} {j} (reordered)",
            place(i),
            j,
        )
