"""Federation scale: a million members in four tiers, on SQLite and on PostgreSQL, through the
real service layer and storage.

    python bench/federation.py [--members 1000000] [--db sqlite|postgres|both] [--quick]
                               [--recalls 21] [--turnout 0.7] [--batch 50000] [--out PATH]

What it builds (``--members N``; the shape scales with N, the figures below are for 1M):

* **base**: N/100 base constituencies (10,000: workplaces and territories, 50–150 members each,
  1–3 seats), N members, each registered in one of them, in four factions of different strength
  (plus independents), with a lean per constituency;
* **cities**: N/10,000 city councils (100), each elected by its base constituencies;
* **regions**: a tenth as many regional congresses (10), each elected by its cities through
  constituencies of kind ``council`` (5 seats per city);
* **executive**: one national executive, elected by the congresses (3 seats per congress).

What it measures, each phase through :func:`councils.service.bus.execute` on a unit of work from
:mod:`councils.service.bootstrap` (the one place that wires real storage), exactly as
``councils apply`` runs a file: JSON objects, parsed by the bus, prefetched in chunks of
``councils.cli.federation.PREFETCH`` (``SqlUnitOfWork.prefetch``), one transaction per batch:

1. **import**: ``member.register`` commands, ``--batch`` per transaction; members per second
   (target ≥ 20,000/s). The last slice goes through the command line itself (``councils apply
   -q FILE.jsonl`` in a fresh process), timed against an empty file's run (start-up, imports,
   connecting), to show that the CLI path costs the same per command;
2. **elections**, tier by tier: every base constituency opens an election with candidates of
   several factions, a turnout around ``--turnout`` casts secret ballots that rank candidates
   by faction affinity (best first, allies after), and every election closes: counted (STV or
   IRV) and seated. Then the city delegations to the congresses, then the congress delegations
   to the executive (open ballots, near-full turnout). Ballots per second and counts per second;
3. **recalls**: a delegate who sits in a city council *and* a congress *and* the executive
   (every executive member does, by construction) is recalled by their base constituency: all
   signatures but the last in one transaction, then the last one, timed on its own: it reaches
   the threshold, ends the mandate, and the loss of the city seat cascades up to the congress
   and the executive, each seat refilled by countback (a recount of the election that filled
   it). ``--recalls`` such final signatures on the unit of work that took the others (warm
   caches, as a long-running server has them; target: median under 50 ms), and as many more on
   a fresh unit of work (cold caches: every read is a query);
4. **verify**: :func:`councils.service.bootstrap.verify_federation` (what ``councils verify``
   calls) over the whole record, in process, then ``councils verify`` itself in a fresh process
   (target: under 60 s).

Peak memory: the peak resident set of each phase (Linux ``VmHWM``, reset before the phase
through ``/proc/self/clear_refs``) and the child processes' ``ru_maxrss``. Each database runs in
a fresh worker process (this script with ``--worker``). PostgreSQL is a throwaway server from
the installed binaries (:class:`councils.testing.postgres.TemporaryPostgres`, ``durable=True``:
fsync on, default settings otherwise); SQLite is a file in bench/out/ (WAL, synchronous=FULL,
as ``councils init`` makes it), removed afterwards unless ``--keep``.

Output: a table per database and the targets, MET or MISSED with the numbers, on stdout and as
the "Federation scale" section of bench/RESULTS.md (other sections are kept byte for byte).
``--quick`` (20,000 members, 5 recalls of each kind) writes to bench/out/RESULTS-quick.md.
``--profile`` writes a cProfile of each phase to bench/out/ and prints its top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import itertools
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "out"
RESULTS = HERE / "RESULTS.md"
sys.path.insert(0, str(HERE))

from results import machine_line, write_section  # noqa: E402

SECTION = "# Federation scale"
SEED = 1917

DEFAULT_MEMBERS = 1_000_000
QUICK_MEMBERS = 20_000
#: The issue's targets.
TARGET_IMPORT_PER_S = 20_000
TARGET_RECALL_MS = 50.0
TARGET_VERIFY_S = 60.0

#: Members per base constituency (mean), base constituencies per city, cities per region.
PER_BASE = 100
BASE_PER_CITY = 100
CITIES_PER_REGION = 10
#: Seats of a city's delegation to its congress, and of a congress's to the executive.
CITY_DELEGATES = 5
REGION_DELEGATES = 3
#: Candidates beyond the seats, per tier: enough that countbacks find someone to seat.
SPARE = {"base": 2, "city": 4, "region": 7}
INDEPENDENT = 0.13
RANK_CUTOFF = 1.6
_START = dt.datetime.fromisoformat("1918-01-07T09:00:00+03:00")

Command = dict[str, Any]


# ====================================================================== the federation's shape


@dataclass
class Shape:
    """The federation the benchmark builds: who is where, deterministic in ``seed``."""

    members: int
    seed: int
    base: list[str] = field(default_factory=list)
    kind: dict[str, str] = field(default_factory=dict)
    seats: dict[str, int] = field(default_factory=dict)
    city_of: dict[str, str] = field(default_factory=dict)
    cities: list[str] = field(default_factory=list)
    region_of: dict[str, str] = field(default_factory=dict)
    regions: list[str] = field(default_factory=list)
    electorate: dict[str, list[str]] = field(default_factory=dict)
    faction: dict[str, int] = field(default_factory=dict)  # member -> faction index, -1 none

    @classmethod
    def make(cls, members: int, seed: int) -> Shape:
        from councils.sim.demo_data import FACTIONS

        rng = random.Random(f"{seed}/shape")
        s = cls(members, seed)
        n_base = max(40, members // PER_BASE)
        n_cities = max(4, n_base // BASE_PER_CITY)
        n_regions = max(2, n_cities // CITIES_PER_REGION)
        s.cities = [f"city-{c:03d}" for c in range(1, n_cities + 1)]
        s.regions = [f"region-{g:02d}" for g in range(1, n_regions + 1)]
        for c, city in enumerate(s.cities):
            s.region_of[city] = s.regions[c * n_regions // n_cities]
        # Sizes between half and one and a half times the mean, summing to ``members``.
        weights = [rng.uniform(0.5, 1.5) for _ in range(n_base)]
        total = sum(weights)
        sizes = [max(8, int(w / total * members)) for w in weights]
        sizes[-1] += members - sum(sizes)
        strengths = [f.strength for f in FACTIONS]
        m = 0
        for j in range(n_base):
            k = f"b{j + 1:05d}"
            s.base.append(k)
            s.kind[k] = "workplace" if rng.random() < 0.6 else "territory"
            s.seats[k] = rng.choice((1, 2, 2, 3))
            s.city_of[k] = s.cities[j * n_cities // n_base]
            lean = [w * rng.lognormvariate(0, 0.35) for w in strengths]
            people = []
            for _ in range(sizes[j]):
                m += 1
                member = f"m{m:07d}"
                people.append(member)
                if rng.random() < INDEPENDENT:
                    s.faction[member] = -1
                else:
                    s.faction[member] = rng.choices(range(len(lean)), lean)[0]
            s.electorate[k] = people
        return s

    def structure(self) -> list[Command]:
        from councils.sim.demo_data import FACTIONS

        at = _at(0)
        out: list[Command] = [
            {"command": "council.create", "council": c, "name": f"Council of {c}", "at": at}
            for c in self.cities
        ]
        out += [
            {"command": "council.create", "council": g, "name": f"Congress of {g}", "at": at}
            for g in self.regions
        ]
        out.append(
            {"command": "council.create", "council": "executive", "name": "Executive", "at": at}
        )
        out += [
            {"command": "faction.create", "faction": f.faction, "name": f.name, "at": at}
            for f in FACTIONS
        ]
        for k in self.base:
            out.append(
                {
                    "command": "constituency.create",
                    "constituency": k,
                    "name": f"{self.kind[k].title()} {k}",
                    "kind": self.kind[k],
                    "council": self.city_of[k],
                    "seats": self.seats[k],
                    "at": at,
                }
            )
        for c in self.cities:
            out.append(
                {
                    "command": "constituency.create",
                    "constituency": f"{c}-delegation",
                    "name": f"Delegation of {c}",
                    "kind": "council",
                    "council": self.region_of[c],
                    "of": c,
                    "seats": CITY_DELEGATES,
                    "at": at,
                }
            )
        for g in self.regions:
            out.append(
                {
                    "command": "constituency.create",
                    "constituency": f"{g}-delegation",
                    "name": f"Delegation of {g}",
                    "kind": "council",
                    "council": "executive",
                    "of": g,
                    "seats": REGION_DELEGATES,
                    "at": at,
                }
            )
        return out

    def registrations(self) -> Iterator[Command]:
        """Every member, constituency by constituency (a federation importing its lists)."""
        from councils.sim.demo_data import FACTIONS, FEMALE, MALE, SURNAMES

        rng = random.Random(f"{self.seed}/names")
        i = 0
        for k in self.base:
            for member in self.electorate[k]:
                i += 1
                surname = rng.choice(SURNAMES)
                if rng.random() < 0.42:
                    name = f"{rng.choice(FEMALE)} {surname}a"
                else:
                    name = f"{rng.choice(MALE)} {surname}"
                command: Command = {
                    "command": "member.register",
                    "member": member,
                    "name": name,
                    "constituency": k,
                    "at": _at(1, i / self.members * 5),
                }
                f = self.faction[member]
                if f >= 0:
                    command["faction"] = FACTIONS[f].faction
                yield command


def _at(day: float, fraction: float = 0.0) -> str:
    return (_START + dt.timedelta(days=day + fraction)).isoformat()


def _nominate(
    rng: random.Random, electorate: Sequence[str], faction: Mapping[str, int], wanted: int
) -> list[str]:
    """Each faction with a real presence puts up about its share of the candidates; the rest
    at random (never more than the electorate)."""
    by_faction: defaultdict[int, list[str]] = defaultdict(list)
    for m in electorate:
        by_faction[faction[m]].append(m)
    chosen: list[str] = []
    for f, pool in sorted(by_faction.items()):
        share = len(pool) / len(electorate)
        if f >= 0 and share >= 0.1:
            chosen += rng.sample(pool, min(len(pool), max(1, round(share * wanted))))
    taken = set(chosen)
    rest = [m for m in electorate if m not in taken]
    rng.shuffle(rest)
    chosen = (chosen + rest)[:wanted]
    rng.shuffle(chosen)
    return chosen


def _ballots(
    rng: random.Random,
    election: str,
    voters: Sequence[str],
    candidates: Sequence[str],
    faction: Mapping[str, int],
) -> list[Command]:
    """Each voter ranks the candidates whose appeal (their faction's affinity for the
    candidate's, the candidate's standing, noise) passes a cut-off, best first."""
    from councils.sim.demo_data import AFFINITY

    standing = [rng.gauss(0, 0.35) for _ in candidates]
    factions = [faction[c] for c in candidates]
    gauss = rng.gauss
    out: list[Command] = []
    for voter in voters:
        vf = faction[voter]
        row = AFFINITY[vf] if vf >= 0 else None
        scored = sorted(
            (
                (1.2 if row is None or cf < 0 else row[cf]) + st + gauss(0, 0.6),
                c,
            )
            for c, cf, st in zip(candidates, factions, standing, strict=True)
        )
        scored.reverse()
        ranking = [c for score, c in scored if score > RANK_CUTOFF] or [scored[0][1]]
        out.append(
            {"command": "ballot.cast", "election": election, "voter": voter, "ranking": ranking}
        )
    return out


# ====================================================================== measuring


def _rss_reset() -> None:
    """Reset the peak resident set (``VmHWM``) of this process (Linux 4.0+)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_peak_mib() -> float:
    """This process's peak resident set since the last reset, else since it started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """The peak memory of a process *and its descendants* together (``councils verify`` forks
    the replay into a child), sampled every quarter second: the sum of their proportional set
    sizes (Pss, so pages a fork shares are counted once), in MiB."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak_mib = max(self.peak_mib, self.sample())
            if self._stop.wait(0.25):
                return

    def sample(self) -> float:
        kib = 0
        for pid in self._tree(self.pid):
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        kib += int(line.split()[1])
                        break
            except (OSError, ValueError):
                continue
        return kib / 1024

    def _tree(self, pid: int) -> list[int]:
        out = [pid]
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            return out
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                out += self._tree(int(child))
        return out


@dataclass
class Child:
    """A child process's wall seconds, exit status, peak RSS and output."""

    seconds: float
    cpu: float
    status: int
    rss_mib: float
    tree_mib: float
    stdout: str
    stderr: str


def _child(args: Sequence[str]) -> Child:
    """Run ``args`` and reap it with ``wait4``, so its own ``ru_maxrss`` is known."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err)
        with TreeMemory(proc.pid) as tree:
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            seconds,
            usage.ru_utime + usage.ru_stime,
            proc.returncode,
            usage.ru_maxrss / 1024,
            tree.peak_mib,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


_CHILDREN_CPU = [0.0]


def _children_cpu() -> float:
    """CPU seconds of this process's reaped children since the last call (a forked replay)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    spent, _CHILDREN_CPU[0] = total - _CHILDREN_CPU[0], total
    return spent


def _councils(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "councils", "--db", url, *args]


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Phases:
    """Times, peak memory and (with ``--profile``) a cProfile per phase of one worker."""

    def __init__(self, db: str, profile: bool) -> None:
        self.db = db
        self.profile = profile
        self.peaks: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        _rss_reset()
        prof = cProfile.Profile() if self.profile else None
        t0 = time.perf_counter()
        if prof is not None:
            prof.enable()
        try:
            yield
        finally:
            if prof is not None:
                prof.disable()
                path = OUT_DIR / f"federation-{self.db}-{name}.prof"
                prof.dump_stats(path)
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
                _log(f"--- profile of {name} ({path.name}) ---\n{buf.getvalue()}")
            self.peaks[name] = _rss_peak_mib()
            _log(f"  [{self.db}] {name}: {time.perf_counter() - t0:,.1f} s")


# ====================================================================== the worker


class Run:
    """One database: build, elect, recall, verify; the figures in ``self.out``."""

    def __init__(self, db: str, url: str, shape: Shape, args: argparse.Namespace) -> None:
        from councils.cli.federation import PREFETCH
        from councils.service import bootstrap

        self.db = db
        self.url = url
        self.shape = shape
        self.args = args
        self.prefetch = PREFETCH
        self.make = bootstrap.open_uow(url)
        self.uow = self.make()
        self.phases = Phases(db, args.profile)
        self.out: dict[str, Any] = {"db": db, "members": shape.members}
        self.cpu = 0.0
        # Who holds which seat now, from the events of every command.
        self.holders: dict[tuple[str, int], str] = {}
        self.seats_of: defaultdict[str, set[tuple[str, int]]] = defaultdict(set)

    # ------------------------------------------------------------------ the apply path

    def _chunked(self, commands: Sequence[Command], uow: Any) -> Iterator[Command]:
        """What ``councils apply`` hands the bus: the commands, each chunk prefetched first."""
        for start in range(0, len(commands), self.prefetch):
            chunk = commands[start : start + self.prefetch]
            uow.prefetch(list(chunk))
            yield from chunk

    def execute(self, commands: Sequence[Command], uow: Any = None) -> tuple[float, list[Any]]:
        """Run ``commands`` as one batch (one transaction); its wall seconds and results.
        This process's CPU seconds for it are left in ``self.cpu``."""
        from councils.service import execute

        uow = uow or self.uow
        t0, c0 = time.perf_counter(), time.process_time()
        results = execute(self._chunked(commands, uow), uow)
        seconds = time.perf_counter() - t0
        self.cpu = time.process_time() - c0
        self._track(results)
        return seconds, results

    def _track(self, results: list[Any]) -> None:
        for result in results:
            for event in result.events:
                if event.type == "seat.filled":
                    key = (event.constituency, event.seat)
                    self.holders[key] = event.member
                    self.seats_of[event.member].add(key)
                elif event.type == "seat.vacated":
                    key = (event.constituency, event.seat)
                    self.holders.pop(key, None)
                    self.seats_of[event.member].discard(key)

    # ------------------------------------------------------------------ phases

    def run(self) -> dict[str, Any]:
        s = self.shape
        load0 = os.getloadavg()[0]
        with self.phases.phase("structure"):
            seconds, _ = self.execute(s.structure())
        self.out["structure_s"] = seconds
        self.out["base_constituencies"] = len(s.base)
        self.out["cities"] = len(s.cities)
        self.out["regions"] = len(s.regions)
        self.import_members()
        self.base_elections()
        self.council_elections("city")
        self.council_elections("region")
        self.recalls()
        self.verify()
        self.out["size_mib"] = self._size_mib()
        self.out["peaks_mib"] = self.phases.peaks
        self.out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.out["load"] = [load0, os.getloadavg()[0]]
        return self.out

    def import_members(self) -> None:
        s, batch = self.shape, self.args.batch
        # Made a batch at a time (a million command dicts held at once would only slow the
        # garbage collector down, which `councils apply` reading its file never suffers).
        commands = s.registrations()
        cli = max(1_000, min(50_000, s.members // 20))
        inproc = s.members - cli
        spent = cpu = 0.0
        done = 0
        batches: list[float] = []
        with self.phases.phase("import"):
            while done < inproc:
                chunk = list(itertools.islice(commands, min(batch, inproc - done)))
                seconds, _ = self.execute(chunk)
                spent += seconds
                cpu += self.cpu
                batches.append(len(chunk) / seconds)
                done += len(chunk)
                if done % (batch * 5) == 0 or done == inproc:
                    _log(f"  [{self.db}] {done:,} members, {done / spent:,.0f}/s")
        tail = list(commands)
        self.out["import"] = {
            "members": inproc,
            "seconds": spent,
            "per_s": inproc / spent,
            "cpu_s": cpu,
            "per_cpu_s": inproc / cpu,
            "batch": batch,
            "batches": len(batches),
            "slowest_batch_per_s": min(batches),
            "fastest_batch_per_s": max(batches),
        }
        # The same kind of slice through `councils apply` itself, in a fresh process.
        path = OUT_DIR / f"federation-{self.db}-slice.jsonl"
        empty = OUT_DIR / f"federation-{self.db}-empty.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for c in tail:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        empty.write_text("")
        with self.phases.phase("apply-cli"):
            base = _child(_councils(self.url, "apply", "-q", str(empty)))
            run = _child(_councils(self.url, "apply", "-q", str(path)))
        for child in (base, run):
            if child.status != 0:
                raise RuntimeError(f"councils apply failed: {child.stderr.strip()[-500:]}")
        net = run.seconds - base.seconds
        self.out["apply_cli"] = {
            "members": len(tail),
            "seconds": run.seconds,
            "startup_s": base.seconds,
            "cpu_s": run.cpu,
            "startup_cpu_s": base.cpu,
            "net_s": net,
            "per_s": len(tail) / net if net > 0 else None,
            "rss_mib": run.rss_mib,
            "said": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "",
        }
        path.unlink()
        empty.unlink()

    def base_elections(self) -> None:
        s = self.shape
        by_city: defaultdict[str, list[str]] = defaultdict(list)
        for k in s.base:
            by_city[s.city_of[k]].append(k)
        cast_s = close_s = cast_cpu = close_cpu = 0.0
        ballots = elections = counted = seated = 0
        with self.phases.phase("base-elections"):
            for n, city in enumerate(s.cities):
                rng = random.Random(f"{s.seed}/elections/{city}")
                opens: list[Command] = []
                casts: list[Command] = []
                for k in by_city[city]:
                    people = s.electorate[k]
                    candidates = _nominate(rng, people, s.faction, s.seats[k] + SPARE["base"])
                    election = f"{k}-e1"
                    opens.append(_open(election, k, candidates, _at(8)))
                    turnout = min(1.0, max(0.05, rng.uniform(-0.15, 0.15) + self.args.turnout))
                    voters = [m for m in people if rng.random() < turnout]
                    casts += _ballots(rng, election, voters, candidates, s.faction)
                rng.shuffle(casts)
                for i, c in enumerate(casts):
                    c["at"] = _at(8, 1 / 24 + i / len(casts) * 10 / 24)
                seconds, _ = self.execute(opens + casts)
                cast_s += seconds
                cast_cpu += self.cpu
                ballots += len(casts)
                elections += len(opens)
                closes = [
                    {"command": "election.close", "election": o["election"], "at": _at(8, 0.5)}
                    for o in opens
                ]
                seconds, results = self.execute(closes)
                close_s += seconds
                close_cpu += self.cpu
                counted += len(closes)
                seated += sum(1 for r in results for e in r.events if e.type == "seat.filled")
                if (n + 1) % 10 == 0 or n + 1 == len(s.cities):
                    _log(
                        f"  [{self.db}] cities {n + 1}/{len(s.cities)}: {ballots:,} ballots "
                        f"({ballots / cast_s:,.0f}/s), {counted:,} counts "
                        f"({counted / close_s:,.0f}/s)"
                    )
        self.out["base_elections"] = {
            "elections": elections,
            "ballots": ballots,
            "electorate": s.members,
            "open_cast_s": cast_s,
            "ballots_per_s": ballots / cast_s,
            "open_cast_cpu_s": cast_cpu,
            "close_s": close_s,
            "closes_per_s": counted / close_s,
            "close_cpu_s": close_cpu,
            "seats_filled": seated,
            "seats": sum(s.seats.values()),
        }

    def council_elections(self, tier: str) -> None:
        """The city delegations to the congresses (``tier="city"``), or the congress
        delegations to the executive (``"region"``): electorates are who sits below now."""
        s = self.shape
        lower = s.cities if tier == "city" else s.regions
        seats = CITY_DELEGATES if tier == "city" else REGION_DELEGATES
        council_of = {k: s.city_of[k] for k in s.base}
        if tier == "region":
            council_of = {f"{c}-delegation": s.region_of[c] for c in s.cities}
        sitting: defaultdict[str, list[str]] = defaultdict(list)
        for (k, _), member in sorted(self.holders.items()):
            if k in council_of and member not in sitting[council_of[k]]:
                sitting[council_of[k]].append(member)
        rng = random.Random(f"{s.seed}/elections/{tier}")
        opens: list[Command] = []
        casts: list[Command] = []
        day = 12 if tier == "city" else 16
        for body in lower:
            people = sitting[body]
            k = f"{body}-delegation"
            candidates = _nominate(rng, people, s.faction, seats + SPARE[tier])
            election = f"{k}-e1"
            opens.append(_open(election, k, candidates, _at(day)))
            voters = [m for m in people if rng.random() < 0.97]
            casts += _ballots(rng, election, voters, candidates, s.faction)
        rng.shuffle(casts)
        for c in casts:
            c["at"] = _at(day, 0.2)
        closes = [
            {"command": "election.close", "election": o["election"], "at": _at(day, 0.5)}
            for o in opens
        ]
        with self.phases.phase(f"{tier}-elections"):
            cast_s, _ = self.execute(opens + casts)
            close_s, results = self.execute(closes)
        self.out[f"{tier}_elections"] = {
            "elections": len(opens),
            "ballots": len(casts),
            "open_cast_s": cast_s,
            "close_s": close_s,
            "seats_filled": sum(1 for r in results for e in r.events if e.type == "seat.filled"),
        }

    # ------------------------------------------------------------------ recalls

    def _tier(self, constituency: str) -> str:
        if constituency.endswith("-delegation"):
            return "executive" if constituency.startswith("region-") else "region"
        return "city"

    def _target(self, recalled: set[str], turn: int) -> tuple[str, str] | None:
        """A member holding an executive seat, a congress seat and a city seat now (not
        recalled before), taken round the congresses in turn; with their base constituency."""
        regions = self.shape.regions
        for i in range(len(regions)):
            region = regions[(turn + i) % len(regions)]
            k = f"{region}-delegation"
            for (c, _), member in sorted(self.holders.items()):
                if c != k or member in recalled:
                    continue
                tiers = {self._tier(c2): c2 for c2, _ in self.seats_of[member]}
                if {"executive", "region", "city"} <= tiers.keys():
                    return member, tiers["city"]
        return None

    def recalls(self) -> None:
        s = self.shape
        recalled: set[str] = set()
        rows: list[dict[str, Any]] = []
        with self.phases.phase("recalls"):
            for turn in range(2 * self.args.recalls):
                cold = turn % 2 == 1
                found = self._target(recalled, turn)
                if found is None:
                    _log(f"  [{self.db}] no delegate left who sits in all three tiers")
                    break
                delegate, k = found
                recalled.add(delegate)
                signers = [m for m in s.electorate[k] if m != delegate]
                needed = len(s.electorate[k]) // 2 + 1  # the default rule: more than half
                rng = random.Random(f"{s.seed}/recall/{delegate}")
                rng.shuffle(signers)
                signs = [
                    {
                        "command": "recall.sign",
                        "constituency": k,
                        "delegate": delegate,
                        "signer": m,
                        "at": _at(30 + turn, i / needed * 0.5),
                    }
                    for i, m in enumerate(signers[:needed])
                ]
                _, results = self.execute(signs[:-1])
                if any(e.type == "mandate.recalled" for r in results for e in r.events):
                    raise RuntimeError(f"the mandate of {delegate} ended before the last signature")
                uow = None
                if cold:
                    uow = self.make()
                    with uow:  # load the federation's row and key, so only caches are cold
                        pass
                seconds, results = self.execute(signs[-1:], uow)
                events = [e for r in results for e in r.events]
                row = self._cascade(delegate, k, seconds, events, cold)
                row["cpu_ms"] = self.cpu * 1000
                rows.append(row)
        warm = [r["ms"] for r in rows if not r["cold"]]
        cold_ms = [r["ms"] for r in rows if r["cold"]]
        self.out["recalls"] = {
            "rows": rows,
            "warm_median_ms": statistics.median(warm) if warm else None,
            "cold_median_ms": statistics.median(cold_ms) if cold_ms else None,
            "warm_max_ms": max(warm) if warm else None,
            "cold_max_ms": max(cold_ms) if cold_ms else None,
            "warm": len(warm),
            "cold": len(cold_ms),
        }

    def _cascade(
        self, delegate: str, k: str, seconds: float, events: list[Any], cold: bool
    ) -> dict[str, Any]:
        vacated = [e for e in events if e.type == "seat.vacated" and e.member == delegate]
        countbacks = [e for e in events if e.type == "countback.held"]
        refilled = [e for e in events if e.type == "seat.filled" and e.by == "countback"]
        opened = [e for e in events if e.type == "election.opened"]
        recalled = any(e.type == "mandate.recalled" for e in events)
        tiers = sorted({self._tier(e.constituency) for e in vacated})
        if not recalled or len(vacated) < 3:
            raise RuntimeError(
                f"the last signature against {delegate} in {k} did not cascade through three "
                f"tiers: {[e.type for e in events]}"
            )
        return {
            "delegate": delegate,
            "constituency": k,
            "ms": seconds * 1000,
            "cold": cold,
            "events": len(events),
            "vacated": len(vacated),
            "tiers": tiers,
            "countbacks": len(countbacks),
            "refilled": len(refilled),
            "by_elections": len(opened),
        }

    # ------------------------------------------------------------------ verify

    def verify(self) -> None:
        from councils.service import bootstrap

        _children_cpu()  # from here on: the forked replay's
        with self.phases.phase("verify"), TreeMemory() as tree:
            t0, c0 = time.perf_counter(), time.process_time()
            report = bootstrap.verify_federation(self.url)
            seconds = time.perf_counter() - t0
            cpu = time.process_time() - c0
            cpu += _children_cpu()
        if not report.ok:
            raise RuntimeError(f"verify failed: {[f.what for f in report.failures][:5]}")
        with self.phases.phase("verify-cli"):
            child = _child(_councils(self.url, "verify"))
        if child.status != 0:
            raise RuntimeError(f"councils verify failed: {child.stdout[-500:]}{child.stderr}")
        with self.uow as uow:
            entries = len(uow.record)
        self.out["verify"] = {
            "seconds": seconds,
            "cpu_s": cpu,
            "rss_mib": self.phases.peaks["verify"],
            "tree_mib": tree.peak_mib,
            "cli_seconds": child.seconds,
            "cli_cpu_s": child.cpu,
            "cli_rss_mib": child.rss_mib,
            "cli_tree_mib": child.tree_mib,
            "entries": entries,
            "notes": list(report.notes),
        }

    def _size_mib(self) -> float:
        if self.db == "sqlite":
            path = Path(self.url.removeprefix("sqlite:///"))
            files = [path, path.with_name(path.name + "-wal")]
            return sum(f.stat().st_size for f in files if f.exists()) / 2**20
        from sqlalchemy import text

        from councils.storage.engine import create_engine

        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                size = conn.execute(text("SELECT pg_database_size(current_database())"))
                return int(size.scalar_one()) / 2**20
        finally:
            engine.dispose()


def _open(election: str, constituency: str, candidates: Sequence[str], at: str) -> Command:
    return {
        "command": "election.open",
        "election": election,
        "constituency": constituency,
        "candidates": list(candidates),
        "at": at,
    }


@contextmanager
def _database(db: str, members: int) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh, initialised federation database; its URL and what it runs on."""
    from councils.service import bootstrap

    if db == "sqlite":
        import sqlite3

        path = OUT_DIR / f"federation-{members}.db"
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        bootstrap.init_federation(url)
        try:
            yield url, {"server": f"SQLite {sqlite3.sqlite_version} (file in bench/out/)"}
        finally:
            if not KEEP:
                for p in (
                    path,
                    path.with_name(path.name + "-wal"),
                    path.with_name(path.name + "-shm"),
                ):
                    p.unlink(missing_ok=True)
        return
    from councils.testing.postgres import TemporaryPostgres, find_binaries

    with TemporaryPostgres(durable=True) as pg:
        url = pg.create_database("federation")
        bootstrap.init_federation(url)
        version = find_binaries().parent.name
        yield url, {"server": f"PostgreSQL {version} (throwaway server, durable, default settings)"}


KEEP = False


def _worker_main(spec: str) -> None:
    global KEEP
    args = argparse.Namespace(**json.loads(spec))
    KEEP = args.keep
    code = _git_state()  # what this worker imports, even if the checkout moves on meanwhile
    shape = Shape.make(args.members, SEED)
    with _database(args.db, args.members) as (url, info):
        run = Run(args.db, url, shape, args)
        out = run.run()
        out.update(info, code=code)
    print("RESULT " + json.dumps(out), flush=True)


# ====================================================================== the parent: report


def _num(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def _targets(r: dict[str, Any]) -> list[str]:
    imp, rec, ver = r["import"], r["recalls"], r["verify"]
    out = []
    ok = imp["per_s"] >= TARGET_IMPORT_PER_S
    out.append(
        f"- members imported per second ≥ {TARGET_IMPORT_PER_S:,}: "
        f"**{'MET' if ok else 'MISSED'}** — {imp['per_s']:,.0f}/s wall "
        f"({imp['members']:,} members in {imp['seconds']:,.1f} s, batches of {imp['batch']:,}; "
        f"{imp['per_cpu_s']:,.0f} per CPU second of our process); `councils apply` on a "
        f"{r['apply_cli']['members']:,}-member slice: {_num(r['apply_cli']['per_s'])}/s wall "
        "after start-up"
    )
    med = rec["warm_median_ms"]
    if med is None:
        out.append(f"- recall cascade median < {TARGET_RECALL_MS:.0f} ms: not measured")
    else:
        ok = med < TARGET_RECALL_MS
        out.append(
            f"- recall cascading through three tiers with countbacks, median < "
            f"{TARGET_RECALL_MS:.0f} ms: **{'MET' if ok else 'MISSED'}** — median {med:.1f} ms "
            f"over {rec['warm']} recalls (max {rec['warm_max_ms']:.1f} ms); on a fresh unit of "
            f"work (cold caches) median {_num(rec['cold_median_ms'], 1)} ms over {rec['cold']}"
        )
    ok = ver["cli_seconds"] < TARGET_VERIFY_S
    over = "" if ver["seconds"] < TARGET_VERIFY_S else ", **over** the target"
    out.append(
        f"- `councils verify` over the whole record < {TARGET_VERIFY_S:.0f} s: "
        f"**{'MET' if ok else 'MISSED'}** — {ver['cli_seconds']:.1f} s wall for the command "
        f"({ver['cli_cpu_s']:.1f} s CPU with its forked replay; peak "
        f"{_num(ver.get('cli_tree_mib'))} MiB for all its processes); the same function called "
        f"inside the benchmark's worker took {ver['seconds']:.1f} s "
        f"({ver['cpu_s']:.1f} s CPU){over}; "
        f"{ver['entries']:,} record entries"
    )
    return out


def _cells(r: dict[str, Any]) -> list[tuple[str, str]]:
    """The rows of the figures table for one database: (label, cell)."""
    imp, cli, base = r["import"], r["apply_cli"], r["base_elections"]
    rec, ver = r["recalls"], r["verify"]
    city, region = r["city_elections"], r["region_elections"]
    peaks = " / ".join(
        f"{r['peaks_mib'].get(p, 0):,.0f}" for p in ("import", "base-elections", "recalls")
    )
    return [
        ("members imported in process (the apply path)", f"{imp['members']:,}"),
        (
            "import: members/s, wall (per CPU s of our process); target ≥ 20,000",
            f"**{imp['per_s']:,.0f}** ({imp['per_cpu_s']:,.0f}) in {imp['seconds']:,.1f} s",
        ),
        (
            "import: slowest / fastest batch, members/s",
            f"{imp['slowest_batch_per_s']:,.0f} / {imp['fastest_batch_per_s']:,.0f}",
        ),
        (
            "`councils apply -q` slice: members, wall s (of which start-up)",
            f"{cli['members']:,}, {cli['seconds']:.2f} ({cli['startup_s']:.2f})",
        ),
        (
            "`councils apply`: members/s after start-up, wall (CPU); peak MiB",
            f"{_num(cli['per_s'])} ({_num(_cli_cpu_rate(r))}); {cli['rss_mib']:,.0f}",
        ),
        (
            "base elections: elections, ballots cast (electorate)",
            f"{base['elections']:,}, {base['ballots']:,} ({base['electorate']:,})",
        ),
        (
            "base elections: open + cast, s wall (CPU); ballots/s",
            f"{base['open_cast_s']:,.1f} ({base['open_cast_cpu_s']:,.1f}); "
            f"{base['ballots_per_s']:,.0f}",
        ),
        (
            "base elections: close (count, seat), s wall (CPU); counts/s",
            f"{base['close_s']:,.1f} ({base['close_cpu_s']:,.1f}); {base['closes_per_s']:,.0f}",
        ),
        ("base seats filled / seats", f"{base['seats_filled']:,} / {base['seats']:,}"),
        (
            "cities → congresses: elections, ballots; cast s, close s",
            f"{city['elections']}, {city['ballots']:,}; {city['open_cast_s']:.2f}, "
            f"{city['close_s']:.2f}",
        ),
        (
            "congresses → executive: elections, ballots; cast s, close s",
            f"{region['elections']}, {region['ballots']:,}; {region['open_cast_s']:.2f}, "
            f"{region['close_s']:.2f}",
        ),
        (
            "recall cascade, warm: median ms (max), n; target < 50",
            f"**{_num(rec['warm_median_ms'], 1)}** ({_num(rec['warm_max_ms'], 1)}), {rec['warm']}",
        ),
        (
            "recall cascade, cold unit of work: median ms (max), n",
            f"{_num(rec['cold_median_ms'], 1)} ({_num(rec['cold_max_ms'], 1)}), {rec['cold']}",
        ),
        ("recall, warm: CPU ms of our process (median)", _median_of(r, "cpu_ms", ".1f")),
        ("recall: recorded events per cascade (median)", _median_of(r, "events")),
        ("recall: countbacks per cascade (median)", _median_of(r, "countbacks")),
        (
            "verify, the function in process: s wall (CPU); peak MiB: process, with its forks",
            f"**{ver['seconds']:.1f}** ({ver['cpu_s']:.1f}); {ver['rss_mib']:,.0f}, "
            f"{_num(ver.get('tree_mib'))}",
        ),
        (
            "`councils verify`: s wall (CPU); peak MiB: largest process, all; target < 60 s",
            f"**{ver['cli_seconds']:.1f}** ({ver['cli_cpu_s']:.1f}); {ver['cli_rss_mib']:,.0f}, "
            f"{_num(ver.get('cli_tree_mib'))}",
        ),
        ("record entries", f"{ver['entries']:,}"),
        ("database size, MiB", f"{r['size_mib']:,.0f}"),
        ("peak MiB during import / base elections / recalls", peaks),
        ("peak MiB of the worker process", f"{r['rss_mib']:,.0f}"),
        ("load average (1 min) when this run began / ended", _load(r)),
    ]


def _load(r: dict[str, Any]) -> str:
    load = r.get("load")
    return "–" if not load else f"{load[0]:.1f} / {load[1]:.1f}"


def _table(results: list[dict[str, Any]]) -> list[str]:
    columns = [_cells(r) for r in results]
    lines = ["| | " + " | ".join(r["db"] for r in results) + " |"]
    lines.append("|---|" + "---|" * len(results))
    for i, (label, _) in enumerate(columns[0]):
        lines.append(f"| {label} | " + " | ".join(c[i][1] for c in columns) + " |")
    return lines


def _median_of(r: dict[str, Any], key: str, spec: str = "g") -> str:
    values = [row[key] for row in r["recalls"]["rows"] if not row["cold"]]
    return format(statistics.median(values), spec) if values else "–"


def _cli_cpu_rate(r: dict[str, Any]) -> float | None:
    a = r["apply_cli"]
    net = a["cpu_s"] - a["startup_cpu_s"]
    return a["members"] / net if net > 0 else None


def _machine() -> list[str]:
    import sqlalchemy

    try:
        psycopg = f", psycopg {metadata.version('psycopg')}"
    except metadata.PackageNotFoundError:
        psycopg = ""
    return [
        machine_line(),
        f"- Python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}{psycopg}, "
        f"councils {metadata.version('councils')}",
    ]


def _git_state() -> str:
    """The commit measured, and the files of src/ that differed from it (work in progress)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=HERE.parent, capture_output=True, text=True, check=False
        )
        return done.stdout.rstrip()

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--", "src").splitlines()
    if not dirty:
        return f"commit {commit}"
    files = ", ".join(line[3:].removeprefix("src/councils/") for line in dirty)
    return f"commit {commit}, with uncommitted changes in src/councils/ {files}"


def _report(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    r0 = results[0]
    out = [
        SECTION,
        "",
        f"Made by `{meta['command']}` on {meta['date']} (UTC), seed {SEED}; the run took "
        f"{meta['minutes']:.0f} min. Load average (1 min) at the start {meta['load0']:.1f}, at "
        f"the end {meta['load1']:.1f} ({os.cpu_count()} CPUs, shared with other work: where "
        "wall time is well above CPU time, the process was waiting for a CPU or the database).",
        "",
        *meta["machine"],
        *[f"- {r['db']}: {r['server']}; code: {r.get('code', '?')}" for r in results],
        "",
        f"The federation: {r0['members']:,} members in {r0['base_constituencies']:,} base "
        f"constituencies (workplaces and territories, 1–3 seats) → {r0['cities']:,} city "
        f"councils → {r0['regions']:,} regional congresses ({CITY_DELEGATES} seats per city) → "
        f"one executive ({REGION_DELEGATES} seats per congress); four factions and "
        "independents. Every phase goes through `councils.service.execute` on a unit of work "
        "from `councils.service.bootstrap`, as `councils apply` runs a file (JSON objects "
        "parsed by the bus, prefetched in chunks of 5,000, one transaction per batch). "
        "Secret ballots in base constituencies rank candidates by faction affinity; open "
        "ballots in the councils. A recall is timed on its last signature, the one that "
        "reaches the threshold and cascades (city seat, congress seat, executive seat, each "
        "refilled by countback), in its own transaction, commit included; warm = the unit of "
        "work that took the other signatures, cold = a fresh one. Peak MiB: the worker's VmHWM "
        "during the phase (the benchmark's own data included), a child process's ru_maxrss "
        "(its largest process), or, for verify, which forks its replay, the peak sum of the "
        "proportional set sizes of all its processes, sampled every 0.25 s.",
        "",
        "## Targets",
        "",
    ]
    for r in results:
        out += [f"### {r['db']}", "", *_targets(r), ""]
    out += ["## Figures", "", *_table(results), ""]
    out += ["## Recalls", ""]
    for r in results:
        rows = r["recalls"]["rows"]
        if not rows:
            continue
        tiers = Counter(" + ".join(x["tiers"]) for x in rows)
        by = sum(x["by_elections"] for x in rows)
        out.append(
            f"- {r['db']}: {len(rows)} recalls; tiers vacated: "
            + ", ".join(f"{t} ({n})" for t, n in tiers.items())
            + f"; countbacks {sum(x['countbacks'] for x in rows)}, seats refilled by countback "
            f"{sum(x['refilled'] for x in rows)}, by-elections opened {by}; "
            f"times (ms, warm): {_times(rows, cold=False)}; (cold): {_times(rows, cold=True)}"
        )
    out += ["", "## Where the time goes", "", *NOTES, ""]
    return "\n".join(out)


def _times(rows: list[dict[str, Any]], *, cold: bool) -> str:
    return ", ".join(f"{x['ms']:.0f}" for x in rows if x["cold"] == cold)


#: Where the time goes, from profiles taken while this benchmark was written (pyinstrument on
#: this machine, commit 8893e09 plus the storage work then in progress); re-profile with
#: ``--profile``, which writes a cProfile of every phase to bench/out/.
NOTES = (
    "- **Import** (200k members on SQLite, time inside `execute`): before 8893e09, "
    "`parse_command` was 36 % of it: it asked `typing` for every field's hints, optionality "
    "and checks anew for every command; it now works them out once per command class "
    "(9.8 → 3.0 µs CPU per `member.register`, same refusals and messages). What remains, per "
    "command: the canonical encoding of the entry (`record.canonical.encode`, sort-keyed "
    "`json.dumps`) ~15 %; `prefetch` (an `IN` query per 1,000 ids) and the buffer's bulk "
    "inserts ~14 %; `to_entry` (`dataclasses.fields` per event) ~6 %; the projection "
    "(`add_member`, `add_membership`) ~6 %; the `member.registered` policy (petitions of the "
    "constituency, from the cache) ~6 %; the decision ~4 %; commits (one signed head per "
    "batch, fsync) < 2 %. The rate per CPU second is what the code does; the wall rate falls "
    "when other work takes the CPUs: runs here at a load average of 3–4 (the other "
    "benchmarks and test suites) measured 16,000–19,000 members/s on SQLite.",
    "- **Verify** (the whole 1M record, a fresh process; profiled at 8893e09, before the "
    "replay moved to a forked process that sends back digests, 488647e and 7c09300): "
    "replaying the record was half of it, and most of that is `domain.events.from_entry`, "
    "which decodes each entry by asking `typing.get_origin`/`get_args` of each field's hint "
    "per entry (~8 µs per entry, against ~2.7 µs for the `json.loads` before it): caching a "
    "decoder per event class, as `parse_command` now does, would save ~10 s CPU at 1.8M "
    "entries (domain/ is not this benchmark's to change). Then the two snapshots (~16 %), "
    "`verify_log` (~14 %, of which ~10 % is re-encoding every entry to check its canonical "
    "form, ~3.5 µs per entry), loading the stored state (~13 %) and the entries (~4 %). "
    "Across all of it, Python's cyclic garbage collector walked the millions of live objects "
    "again at every full collection, freeing nothing: since c27f08d `verify_federation` "
    "pauses it (on the same 1M SQLite file, with 7c09300: 36.6 → 24.0 s wall, 59 → 40 s CPU "
    "of both processes, same peak memory).",
    "- **Recall**: the last signature runs the threshold check (two counts), the mandate's "
    "end, the cascade up two councils and three countbacks (each a recount of one election's "
    "published ballots: ~70 secret ballots at the base, ~190 and ~50 open ballots above), "
    "~11 recorded events, one commit. The CPU row shows our share; the rest of the wall time "
    "is the database's (PostgreSQL's round trips, the commit's fsync) or waiting for a CPU.",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=DEFAULT_MEMBERS, help="members (1,000,000)")
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_MEMBERS:,} members, 5 recalls")
    ap.add_argument(
        "--recalls", type=int, default=21, help="timed recalls, warm (and as many cold)"
    )
    ap.add_argument("--turnout", type=float, default=0.7, help="mean turnout in base elections")
    ap.add_argument("--batch", type=int, default=50_000, help="members per import transaction")
    ap.add_argument("--out", type=Path, default=None, help="report file (default bench/RESULTS.md)")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite file in bench/out/")
    ap.add_argument("--profile", action="store_true", help="cProfile each phase into bench/out/")
    ap.add_argument("--render", type=Path, help="only write the report of a saved run (JSON)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        _worker_main(args.worker)
        return 0
    if args.render:
        return _render(args.render, args.out or RESULTS)
    if args.quick:
        args.members = QUICK_MEMBERS
        args.recalls = min(args.recalls, 5)
    started = dt.datetime.now(dt.UTC)
    load0 = os.getloadavg()[0]
    command = "python bench/federation.py" + "".join(
        " " + a for a in (sys.argv[1:] if argv is None else argv)
    )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = []
    for db in dbs:
        spec = {
            "db": db,
            "members": args.members,
            "recalls": args.recalls,
            "turnout": args.turnout,
            "batch": args.batch,
            "keep": args.keep,
            "profile": args.profile,
        }
        print(f"{db}: {args.members:,} members", flush=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode != 0 or not lines:
            print(f"{db}: the worker failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        results.append(json.loads(lines[-1][len("RESULT ") :]))
    meta = {
        "command": command,
        "date": f"{started:%Y-%m-%d}",
        "minutes": (dt.datetime.now(dt.UTC) - started).total_seconds() / 60,
        "load0": load0,
        "load1": os.getloadavg()[0],
        "machine": _machine(),
    }
    raw = OUT_DIR / ("federation-quick.json" if args.quick else "federation.json")
    raw.write_text(json.dumps({"meta": meta, "results": results}, indent=1), encoding="utf-8")
    return _render(raw, args.out or (OUT_DIR / "RESULTS-quick.md" if args.quick else RESULTS))


def _render(raw: Path, out_path: Path) -> int:
    """Write the report of the run saved in ``raw`` (JSON) as the section of ``out_path``."""
    saved = json.loads(raw.read_text(encoding="utf-8"))
    report = _report(saved["results"], saved["meta"])
    print()
    print(report)
    write_section(out_path, report)
    print(f"\nwrote the {SECTION[2:]!r} section of {out_path} (raw figures: {raw})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
