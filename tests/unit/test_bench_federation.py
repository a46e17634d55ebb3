"""The federation benchmark's pieces that must be right whatever the timings (bench/federation.py):
the same seed builds the same federation, every member once in a base constituency of the right
shape, its commands parse, and its section of bench/RESULTS.md replaces only itself."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from councils.service import parse_command

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load() -> ModuleType:
    key = "_councils_bench_federation"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / "federation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def test_the_shape_is_deterministic_and_every_member_is_in_one_base_constituency() -> None:
    f = _load()
    a, b = f.Shape.make(5_000, 7), f.Shape.make(5_000, 7)
    assert a.electorate == b.electorate and a.faction == b.faction
    members = [m for k in a.base for m in a.electorate[k]]
    assert len(members) == len(set(members)) == 5_000
    assert set(a.city_of.values()) == set(a.cities) and set(a.region_of.values()) == set(a.regions)
    assert all(1 <= a.seats[k] <= 3 for k in a.base)
    commands = [*a.structure(), *a.registrations()]
    for command in commands:
        parse_command(command)
    assert sum(c["command"] == "member.register" for c in commands) == 5_000


def test_ballots_rank_candidates_only_each_once() -> None:
    f = _load()
    shape = f.Shape.make(2_000, 3)
    k = shape.base[0]
    rng = f.random.Random(1)
    people = shape.electorate[k]
    candidates = f._nominate(rng, people, shape.faction, 4)
    assert len(set(candidates)) == 4 and set(candidates) <= set(people)
    for ballot in f._ballots(rng, "e", people, candidates, shape.faction):
        ranking = ballot["ranking"]
        assert ranking and len(set(ranking)) == len(ranking) and set(ranking) <= set(candidates)
        parse_command(ballot)


def test_the_section_replaces_only_itself(tmp_path: Path) -> None:
    f = _load()
    path = tmp_path / "RESULTS.md"
    before = "# Counting benchmark\n\ntext\n\n```\n# not a heading\n```\n"
    after = "# Another benchmark\n\nmore\n"
    path.write_text(before)
    f.write_section(path, f"{f.SECTION}\n\nfirst\n")
    assert path.read_text() == before + f"\n{f.SECTION}\n\nfirst\n"
    path.write_text(before + f"\n{f.SECTION}\n\nfirst\n\n" + after)
    f.write_section(path, f"{f.SECTION}\n\nsecond\n")
    assert path.read_text() == before + f"\n{f.SECTION}\n\nsecond\n\n" + after
