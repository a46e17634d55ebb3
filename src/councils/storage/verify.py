"""``councils verify``: is the stored federation exactly what its signed record says?

Three checks, every failure reported (DESIGN.md: a report, not a bool):

1. **The record**: the entries, their stored leaf hashes and every signed tree head, with the
   public key, by :func:`councils.record.verify.verify_log` (signatures, RFC 9162 roots at every
   signed size, a changed entry named by its index); the indices run 0, 1, 2 … without a gap;
   the stored frontier is that of the entries; the private key matches the public key.
2. **The state**: the entries are replayed into an empty in-memory store
   (:func:`councils.service.replay.replay`), the stored state is read into another
   (:func:`councils.storage.load.load_state`), and their snapshots are compared row by row
   (:func:`councils.storage.diff.differences`): councils and their organisers, constituencies
   and seats, factions, members, elections, petitions. The private account tables (accounts,
   invitations, sessions, API tokens, failed logins) are not state: never read here.
3. **What snapshots leave out**: seat rows agree with their constituency (numbers 1..seats,
   the denormalised council), and each open secret election holds one sealed ballot per voter.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from councils.domain.errors import CouncilError, RecordCorrupt
from councils.domain.snapshot import snapshot
from councils.record.heads import SignedTreeHead, public_key_of
from councils.record.merkle import MerkleLog
from councils.record.report import Failure, Report
from councils.record.verify import verify_log
from councils.service.replay import replay
from councils.storage.diff import differences
from councils.storage.load import load_state
from councils.storage.metadata import (
    constituencies,
    elections,
    sealed_ballots,
    seats,
    signing_key,
    voters,
)
from councils.storage.reader import reading
from councils.storage.record import load_entries, load_federation, load_heads, load_log_state

__all__ = ["verify_database"]


def verify_database(engine: Engine) -> Report:
    """Every failure of the three checks (see the module docstring), from one snapshot.

    The replay (the longest part) runs in a forked process, where the system allows it,
    while this one reads the stored state and checks the tree and the signatures.
    """
    report = Report()
    with reading(engine) as (conn, _):
        info = load_federation(conn)
        indices, data, leaves = load_entries(conn)
        replaying = _Replay(data)
        try:
            heads: list[SignedTreeHead] = load_heads(conn, info.log)
        except CouncilError as err:
            report.fail("record.bad_head", err.message, "tree_heads")
            heads = []
        log = load_log_state(conn, lock=False)
        private = conn.execute(select(signing_key.c.private_key)).scalar_one_or_none()
        stored, problems = load_state(conn)
        _storage_checks(conn, report)

    report.extend(verify_log(data, heads, info.public_key, leaves=leaves))
    for position, idx in enumerate(indices):
        if idx != position:
            report.fail(
                "record.index_gap",
                f"the entry stored at position {position} has index {idx}: entries are missing "
                "or were added",
                f"entries idx {idx}",
                position,
            )
            break
    if (log.size, log.frontier) != _frontier(leaves):
        report.fail(
            "record.frontier_mismatch",
            f"the stored log state (size {log.size}) is not the tree of the {len(leaves)} "
            "stored leaf hashes",
            "log_state",
        )
    if private is None or public_key_of(bytes(private)) != info.public_key:
        report.fail(
            "record.key_mismatch",
            "the signing key does not belong to the published public key",
            "signing_key",
        )

    for p in problems:
        report.fail("state.unloadable", p.what, p.where)
    # One state at a time: a million members are a large object graph.
    ours = snapshot(stored)
    del stored
    theirs = replaying.result(ours)
    if isinstance(theirs, Failure):
        report.failures.append(theirs)
        return report
    if theirs is not None:  # None: the replay's digests are ours, nothing differs
        for where, what in differences(ours, theirs):
            report.fail("state.differs", what, where)
    if report.ok:
        report.note(f"the stored state is exactly the replay of the {len(data)} entries")
    return report


Snapshot = dict[str, object]


def replayed_snapshot(data: list[bytes]) -> Snapshot | Failure:
    """The snapshot of the record replayed into an empty state, or why it does not replay."""
    try:
        # Plain json.loads: verify_log has already checked (and reported) every entry's
        # canonical form; decoding it canonically a second time would double the cost.
        return snapshot(replay(_decoded(data)))
    except CouncilError as err:
        where = f"entry {err.index}" if err.index is not None else "the record"
        return Failure(
            f"the record does not replay: {err.message}",
            where,
            code="record.replay_failed",
            index=err.index,
        )


def digest(snap: Snapshot) -> dict[str, bytes]:
    """A BLAKE2b digest of each section of a snapshot: equal digests, equal sections.

    (The converse need not hold: ``repr`` tells ``1`` from ``True``, which compare equal; a
    difference of digests only sends the comparison down its exact, slower path.)
    """
    out: dict[str, bytes] = {}
    for section, items in snap.items():
        h = hashlib.blake2b(digest_size=32)
        for item in items if isinstance(items, list) else [items]:
            h.update(repr(item).encode())
            h.update(b"\n")
        out[section] = h.digest()
    return out


class _Replay:
    """The replay in a forked child (it inherits ``data`` for free), where ``fork`` exists.

    The child sends back only the digests of its snapshot (:func:`digest`), not the snapshot
    (pickling a million members would cost what the fork saves); when they match ours, the
    states are equal. When they do not, or without ``fork``, the replay runs here and the
    snapshots are compared item by item, to name every difference. The child never touches
    the parent's database connection and leaves through ``os._exit``, which closes nothing of
    it.
    """

    def __init__(self, data: list[bytes]) -> None:
        self._data = data
        self._pipe: Any = None
        self._child: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self._pipe, sender = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_child, args=(sender, data), daemon=True)
            self._child.start()
            sender.close()

    def result(self, ours: Snapshot) -> Snapshot | Failure | None:
        """The replayed snapshot, or why the record does not replay, or ``None`` when the
        child's digests are those of ``ours`` (equal: nothing to compare item by item)."""
        if self._child is None:
            return replayed_snapshot(self._data)
        try:
            kind, value = self._pipe.recv()
        except EOFError:
            kind, value = "crash", f"exit status {self._child.exitcode}"
        finally:
            self._child.join()
            self._pipe.close()
        if kind == "crash":
            raise RuntimeError(f"the replay process failed: {value}")
        if isinstance(value, Failure):
            return value
        if value == digest(ours):
            return None
        return replayed_snapshot(self._data)


def _child(sender: Any, data: list[bytes]) -> None:
    try:
        found = replayed_snapshot(data)
        sender.send(("ok", found if isinstance(found, Failure) else digest(found)))
    except BaseException as err:  # reported by the parent, which raises it
        sender.send(("crash", repr(err)))
    finally:
        sender.close()


def _decoded(data: list[bytes]) -> Iterator[dict[str, object]]:
    for index, entry in enumerate(data):
        try:
            obj = json.loads(entry)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            err = RecordCorrupt("record.not_json", "the entry is not a JSON object")
            err.index = index
            raise err
        yield obj


def _frontier(leaves: list[bytes]) -> tuple[int, tuple[bytes, ...]]:
    log = MerkleLog.from_leaves(leaves)
    return log.size, log.frontier


def _storage_checks(conn: Connection, report: Report) -> None:
    """What a snapshot cannot show: the seat rows' shape, and the sealed ballot box."""
    declared = {
        k: (council, n)
        for k, council, n in conn.execute(
            select(constituencies.c.constituency, constituencies.c.council, constituencies.c.seats)
        )
    }
    found: dict[str, list[int]] = {}
    for k, number, council in conn.execute(
        select(seats.c.constituency, seats.c.number, seats.c.council).order_by(
            seats.c.constituency, seats.c.number
        )
    ):
        found.setdefault(k, []).append(int(number))
        if k in declared and council != declared[k][0]:
            report.fail(
                "state.seat_council",
                f"the seat row says council {council}, the constituency {declared[k][0]}",
                f"seats {k} {number}",
            )
    for k, (_, n) in declared.items():
        if found.get(k, []) != list(range(1, n + 1)):
            report.fail(
                "state.seat_rows",
                f"seat rows {found.get(k, [])} where the constituency has seats 1..{n}",
                f"seats {k}",
            )
    turnout: dict[str, int] = dict(
        conn.execute(select(voters.c.election, func.count()).group_by(voters.c.election)).all()
    )
    sealed: dict[str, int] = dict(
        conn.execute(
            select(sealed_ballots.c.election, func.count()).group_by(sealed_ballots.c.election)
        ).all()
    )
    for (election,) in conn.execute(
        select(elections.c.election).where(elections.c.secret, elections.c.status == "open")
    ):
        if sealed.get(election, 0) != turnout.get(election, 0):
            report.fail(
                "state.sealed_ballots",
                f"{sealed.get(election, 0)} sealed ballots for {turnout.get(election, 0)} voters",
                f"sealed_ballots {election}",
            )
