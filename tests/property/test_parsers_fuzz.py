"""The readers' contract, on input nobody wrote by hand (Hypothesis).

1. Arbitrary bytes, and valid files with bytes replaced, inserted, deleted or cut off, into every
   parser: a profile or a :class:`ParseError` comes out, never another exception, and the error
   is one line ``NAME:LINE: what`` with a line inside the file.
2. The vectorised BLT pass and the exact line reader agree — same profile or same error —
   whatever the chunk size.
3. ``write_blt`` then ``parse_blt`` gives back the same effective profile, title, seats and
   withdrawn candidates.
4. ``Profile.aggregated`` keeps every ballot (the sort-based grouping, and the wide-row path).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from councils.counting import Profile
from councils.counting.formats import parse_blt, parse_csv, parse_preflib, write_blt
from councils.counting.formats.blt import _parse
from councils.domain.errors import ParseError

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Parser = Callable[[bytes, str], Profile]

PARSERS: dict[str, Parser] = {
    "blt": lambda d, n: parse_blt(d, n),
    "blt-exact": lambda d, n: _parse(d, n, None, vectorized=False, chunk_bytes=1 << 18),
    "blt-chunks": lambda d, n: _parse(d, n, None, vectorized=True, chunk_bytes=16),
    "preflib": lambda d, n: parse_preflib(d, n),
    "soi": lambda d, n: parse_preflib(d, n, "soi"),
    "soc": lambda d, n: parse_preflib(d, n, "soc"),
    "toi": lambda d, n: parse_preflib(d, n, "toi"),
    "toc": lambda d, n: parse_preflib(d, n, "toc"),
    "csv": lambda d, n: parse_csv(d, n),
}

VALID = {
    "blt": b'4 2\n-3\n3 1 2 4 0\n(b1) 1 2=4 0\n2 4 0\n1 0\n0\n"Ann"\nBob\n"Cat"\nDan\n"Title"\n',
    "preflib": (
        b"# FILE NAME: x.toi\n# TITLE: T\n# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 3\n"
        b"# NUMBER VOTERS: 6\n# NUMBER UNIQUE ORDERS: 3\n# ALTERNATIVE NAME 1: a\n"
        b"# ALTERNATIVE NAME 2: b\n# ALTERNATIVE NAME 3: c\n3: 1,{2,3}\n2: 3,1\n1: 2\n"
    ),
    "preflib-old": b"3\n1,a\n2,b\n3,c\n6,6,3\n3,1,{2,3}\n2,3,1\n1,2\n",
    "csv": b"count,rank1,rank2\n3,Ann,Bob=Cat\n2,Cat\n1,Bob,,Ann\n",
}

# Bytes that mean something to one of the formats, and some that mean nothing.
SPECIAL = b'0123456789 \t\r\n-=()#",:;{}.x\x00\xff\xc3'


def check(parser: Parser, data: bytes, name: str = "in.x") -> None:
    try:
        parser(data, name)
    except ParseError as err:
        text = str(err)
        assert text.startswith(f"{name}:{err.line}: "), text
        assert "\n" not in text and "\r" not in text, text
        lines = max(data.count(b"\n"), data.count(b"\r"))  # old Mac files end lines with CR
        assert 0 <= err.line <= lines + 1, text
        assert err.code.startswith("parse."), text


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["replace", "insert", "delete", "cut", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        byte = draw(st.sampled_from(list(SPECIAL)))
        if op == "replace" and data:
            data[at] = byte
        elif op == "insert":
            data.insert(at, byte)
        elif op == "delete" and data:
            del data[at]
        elif op == "cut":
            del data[at:]
        elif op == "repeat":
            end = draw(st.integers(at, len(data)))
            data[at:at] = data[at:end]
    return bytes(data)


@SETTINGS
@given(data=st.binary(max_size=300), parser=st.sampled_from(sorted(PARSERS)))
def test_arbitrary_bytes_give_a_profile_or_a_parse_error(data: bytes, parser: str) -> None:
    check(PARSERS[parser], data)


@SETTINGS
@given(st.data(), st.sampled_from(sorted(VALID)), st.sampled_from(sorted(PARSERS)))
def test_mutated_valid_files_give_a_profile_or_a_parse_error(
    data: st.DataObject, base: str, parser: str
) -> None:
    check(PARSERS[parser], data.draw(mutated(VALID[base])))


# ------------------------------------------------------------------ fast and exact BLT agree

TOKENS = ["0", "1", "2", "3", "4", "5", "9", "00", "03", "2=3", "-1", "x", "(i)", "#c", "1.5"]


@st.composite
def blt_like(draw: st.DrawFn) -> bytes:
    """Near-valid BLT: mostly good ballot lines, some bad tokens, odd blanks and line ends."""
    n = draw(st.integers(1, 5))
    lines = [f"{n} {draw(st.integers(1, 3))}"]
    if draw(st.booleans()):
        lines.append(f"-{draw(st.integers(1, n))}")
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 4)):
            prefs = draw(st.permutations(range(1, n + 1)))[: draw(st.integers(0, n))]
            toks = [str(draw(st.integers(1, 3))), *map(str, prefs), "0"]
        else:
            toks = draw(st.lists(st.sampled_from(TOKENS), max_size=5))
        sep = draw(st.sampled_from([" ", "  ", "\t", " \t"]))
        lines.append(sep.join(toks) + draw(st.sampled_from(["", "", " ", "\r"])))
    lines.append(draw(st.sampled_from(["0", "0", " 0", "0 # end", "00"])))
    lines += [f"C{i}" for i in range(n + draw(st.integers(-1, 1)))]
    if draw(st.booleans()):
        lines.append('"T"')
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    return text.encode()


def outcome(fn: Callable[[], Profile]) -> object:
    try:
        p = fn()
    except ParseError as err:
        return ("error", str(err), err.code)
    counts = sorted(
        (r.tolist(), None if p.levels is None else p.levels[i].tolist(), int(p.weights[i]))
        for i, r in enumerate(p.rankings)
    )
    return (p.candidates, p.seats, p.title, p.withdrawn, counts, p.rankings.shape[1])


@settings(max_examples=400, deadline=None)
@given(blt_like(), st.sampled_from([1, 8, 40, 1 << 18]))
def test_vectorised_and_exact_blt_readers_agree(data: bytes, chunk: int) -> None:
    exact = outcome(lambda: _parse(data, "f.blt", None, vectorized=False, chunk_bytes=chunk))
    fast = outcome(lambda: _parse(data, "f.blt", None, vectorized=True, chunk_bytes=chunk))
    assert fast == exact


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_vectorised_and_exact_agree_on_mutated_large_ballot_sections(data: st.DataObject) -> None:
    n = data.draw(st.sampled_from([3, 12, 20, 70]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    body = []
    for _ in range(300):
        prefs = (rng.permutation(n)[: rng.integers(0, min(n, 6) + 1)] + 1).tolist()
        body.append(" ".join(map(str, [int(rng.integers(1, 3)), *prefs, 0])))
    names = "\n".join(f"C{i}" for i in range(n))
    base = (f"{n} 2\n" + "\n".join(body) + f"\n0\n{names}\n").encode()
    mutant = data.draw(mutated(base))
    chunk = data.draw(st.sampled_from([64, 512, 1 << 18]))
    exact = outcome(lambda: _parse(mutant, "m.blt", None, vectorized=False, chunk_bytes=chunk))
    fast = outcome(lambda: _parse(mutant, "m.blt", None, vectorized=True, chunk_bytes=chunk))
    assert fast == exact


# ------------------------------------------------------------------ write_blt round trip

NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s == s.strip() and not s.startswith('"'))


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    names = draw(st.lists(NAME, min_size=1, max_size=7, unique=True))
    group = st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)
    ballots = []
    for _ in range(draw(st.integers(0, 15))):
        raw = draw(st.lists(group, max_size=len(names)))
        seen: set[str] = set()
        ballot: list[set[str] | str] = []
        for g in raw:
            fresh = [c for c in g if c not in seen]
            if fresh:
                seen.update(fresh)
                ballot.append(set(fresh) if len(fresh) > 1 else fresh[0])
        ballots.append(ballot)
    weights = draw(st.lists(st.integers(1, 10**6), min_size=len(ballots), max_size=len(ballots)))
    withdrawn = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
    title = draw(st.none() | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
    title = title if title is None or '"' not in title else title.replace('"', "'")
    return Profile.from_ballots(
        names,
        ballots,
        weights,
        seats=draw(st.integers(1, 5)),
        withdrawn=withdrawn,
        title=title,
    )


def effective_rows(p: Profile) -> list[tuple[list[int], list[int] | None, int]]:
    e = p.effective()
    return sorted(
        (r.tolist(), None if e.levels is None else e.levels[i].tolist(), int(e.weights[i]))
        for i, r in enumerate(e.rankings)
    )


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_write_blt_round_trips(p: Profile) -> None:
    back = parse_blt(write_blt(p), "round.blt")
    assert back.candidates == p.candidates
    assert (back.seats, back.title, back.withdrawn) == (p.seats, p.title, p.withdrawn)
    assert effective_rows(back) == effective_rows(p)
    assert back.total == p.effective().total


# ------------------------------------------------------------------ aggregation keeps ballots


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40), st.data())
def test_aggregated_keeps_every_ballot(n: int, data: st.DataObject) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    rows = data.draw(st.integers(0, 60))
    depth = data.draw(st.integers(0, min(n, 30)))
    choices = rng.integers(0, 3, size=rows)  # a few distinct rows, so that some merge
    base = np.full((3, depth), -1, dtype=np.int16)
    for k in range(3):
        length = int(rng.integers(0, depth + 1))
        base[k, :length] = rng.permutation(n)[:length]
    rankings = base[choices]
    weights = rng.integers(1, 2**40, size=rows).astype(np.int64)
    if data.draw(st.booleans()):
        weights[:] = 1
    levels = None
    if data.draw(st.booleans()) and depth:
        levels = np.where(rankings >= 0, np.arange(depth, dtype=np.int16) // 2, -1)
        levels = levels.astype(np.int16)
    p = Profile(tuple(f"c{i}" for i in range(n)), rankings, weights, levels)
    a = p.aggregated()

    def bag(q: Profile) -> dict[tuple[object, ...], int]:
        out: dict[tuple[object, ...], int] = {}
        for i in range(len(q.rankings)):
            key = (
                tuple(q.rankings[i].tolist()),
                None if q.levels is None else tuple(q.levels[i].tolist()),
            )
            out[key] = out.get(key, 0) + int(q.weights[i])
        return out

    assert bag(a) == bag(p)
    assert len(a.rankings) == len(bag(p))
