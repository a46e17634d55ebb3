"""BLT: reading (both the vectorised and the exact path), every error with its line, writing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _ballot_rows import ballot_rows

from councils.counting import Profile
from councils.counting.formats import parse_blt, read_profile, write_blt
from councils.counting.formats.blt import _parse
from councils.domain.errors import InvalidCommand, ParseError

ROOT = Path(__file__).resolve().parents[2]
EDINBURGH = ROOT / "examples" / "edinburgh_2017_ward1.blt"


def rows(p: Profile) -> dict[tuple[tuple[int, ...], ...], int]:
    """The effective ballots as {ranking as groups of 1-based candidates: weight}."""
    return ballot_rows(p.effective(), lambda c: c + 1)


def both(data: bytes, name: str = "t.blt") -> Profile:
    """Parse with the vectorised reader (tiny chunks, so chunk edges are crossed) and the exact
    one; they must agree on everything."""
    fast = _parse(data, name, None, vectorized=True, chunk_bytes=7)
    exact = _parse(data, name, None, vectorized=False, chunk_bytes=1 << 18)
    whole = parse_blt(data, name)
    for p in (exact, whole):
        assert p.candidates == fast.candidates
        assert (p.seats, p.title, p.withdrawn) == (fast.seats, fast.title, fast.withdrawn)
        assert rows(p) == rows(fast)
        # Not only the same ballots: the same arrays, rows in the same (sorted) order.
        assert p.is_effective
        assert np.array_equal(p.rankings, fast.rankings)
        assert np.array_equal(p.weights, fast.weights)
        assert (p.levels is None) == (fast.levels is None)
    return whole


def error(data: bytes, name: str = "x.blt") -> ParseError:
    """The error both readers raise (they must raise the same one)."""
    with pytest.raises(ParseError) as fast:
        _parse(data, name, None, vectorized=True, chunk_bytes=1 << 18)
    with pytest.raises(ParseError) as exact:
        _parse(data, name, None, vectorized=False, chunk_bytes=1 << 18)
    assert str(fast.value) == str(exact.value)
    assert fast.value.code == exact.value.code
    return fast.value


SMALL = b"""3 2
4 1 2 3 0
2 2 0
1 3 1 0
0
"Ann"
"Bob"
"Cat"
"Tiny election"
"""


# ------------------------------------------------------------------------------ reading


def test_edinburgh_ward_1_reads_with_the_published_first_preferences() -> None:
    p = read_profile(EDINBURGH)
    assert p.is_effective
    assert p.seats == 4
    assert p.title == "Ward 1 - Almond"
    assert p.candidates[0] == "Daniel FRASER (Libtn)"
    assert p.candidates[9] == "Louise YOUNG (LD)"
    assert p.total == 14207  # the valid poll on the result sheet
    # Stage 1 of the published count sheet.
    expected = [99, 2395, 68, 6079, 56, 375, 1240, 786, 1971, 1138]
    assert p.first_preferences().tolist() == expected
    both(EDINBURGH.read_bytes(), "edinburgh.blt")


def test_small_file_names_title_weights() -> None:
    p = both(SMALL)
    assert p.candidates == ("Ann", "Bob", "Cat")
    assert p.title == "Tiny election"
    assert p.seats == 2
    assert rows(p) == {((1,), (2,), (3,)): 4, ((2,),): 2, ((3,), (1,)): 1}
    assert p.levels is None


def test_identical_ballots_are_merged() -> None:
    data = b"2 1\n1 1 2 0\n1 2 0\n1 1 2 0\n3 1 2 0\n0\nA\nB\n"
    p = both(data)
    assert rows(p) == {((1,), (2,)): 5, ((2,),): 1}
    assert len(p.rankings) == 2


def test_bare_names_and_title_as_in_the_scottish_files() -> None:
    data = b"2 1\n1 1 0\n0\nDaniel FRASER (Libtn)\n  Otto INGLIS (UKIP)  \nWard 1 - Almond\n"
    p = both(data)
    assert p.candidates == ("Daniel FRASER (Libtn)", "Otto INGLIS (UKIP)")
    assert p.title == "Ward 1 - Almond"


def test_quoted_names_keep_their_text_exactly() -> None:
    data = b'2 1\n1 1 0\n0\n" Ann "  # a comment\n"Bob #2"\n"T"\n'
    p = both(data)
    assert p.candidates == (" Ann ", "Bob #2")


def test_utf8_names() -> None:
    data = '2 1\n1 2 0\n0\nSeán Ó Briain\n"Zoë"\nÀrd\n'.encode()
    p = both(data)
    assert p.candidates == ("Seán Ó Briain", "Zoë")
    assert p.title == "Àrd"


def test_missing_title_is_none() -> None:
    p = both(b"2 1\n1 1 0\n0\nA\nB\n")
    assert p.title is None


def test_withdrawn_candidates_are_struck_and_later_preferences_move_up() -> None:
    data = b"3 1\n-2\n4 2 1 3 0\n1 2 0\n2 1 3 0\n0\nA\nB\nC\n"
    p = both(data)
    assert p.withdrawn == frozenset({1})
    assert rows(p) == {((1,), (3,)): 6}  # the blank left by striking B is dropped
    assert p.total == 6


def test_several_withdrawn_candidates() -> None:
    p = both(b"4 1\n-2 -4\n1 4 2 3 0\n0\nA\nB\nC\nD\n")
    assert p.withdrawn == frozenset({1, 3})
    assert rows(p) == {((3,),): 1}


def test_blank_ballots_are_dropped() -> None:
    p = both(b"2 1\n5 0\n1 1 0\n0\nA\nB\n")
    assert p.total == 1


def test_equal_preferences_become_levels() -> None:
    p = both(b"3 1\n2 1 2=3 0\n1 3=1 2 0\n0\nA\nB\nC\n")
    assert p.has_ties
    assert rows(p) == {((1,), (2, 3)): 2, ((1, 3), (2,)): 1}


def test_ballot_ids_comments_and_blank_lines() -> None:
    data = b"""# an OpenSTV file
3 1   # three candidates, one seat

(a1) 1 1 2 0
(a2) 1 3 0   # a comment
1 1 2 0

0
"A"
"B"
"C"
"""
    p = both(data)
    assert rows(p) == {((1,), (2,)): 2, ((3,),): 1}


def test_crlf_line_ends_and_a_byte_order_mark() -> None:
    p = both(b"\xef\xbb\xbf" + SMALL.replace(b"\n", b"\r\n"))
    assert p.candidates == ("Ann", "Bob", "Cat")
    assert rows(p) == rows(parse_blt(SMALL))


def test_old_mac_line_ends() -> None:
    p = parse_blt(SMALL.replace(b"\n", b"\r"))
    assert rows(p) == rows(parse_blt(SMALL))


def test_tabs_and_runs_of_spaces() -> None:
    p = both(b"2 1\n1\t1   2 \t0  \n0\nA\nB\n")
    assert rows(p) == {((1,), (2,)): 1}


def test_end_line_written_loosely_is_found() -> None:
    for end in (b" 0 ", b"0 # end", b"00", b"0\t"):
        p = both(b"2 1\n1 1 0\n" + end + b"\nA\nB\n")
        assert p.candidates == ("A", "B")


def test_large_weights_are_exact() -> None:
    p = both(b"2 1\n999999999999999 1 0\n999999999999999 1 0\n1 2 0\n0\nA\nB\n")
    assert p.total == 2 * 999_999_999_999_999 + 1


def test_many_candidates_use_the_grid_path() -> None:
    n = 70
    names = b"".join(b"C%d\n" % i for i in range(n))
    ballots = b"1 70 1 69 0\n2 5 0\n1 70 1 69 0\n"
    p = both(b"%d 3\n" % n + ballots + b"0\n" + names)
    assert rows(p) == {((70,), (1,), (69,)): 2, ((5,),): 2}
    data = b"20 3\n1 20 1 19 0\n2 5 0\n0\n" + b"".join(b"C%d\n" % i for i in range(20))
    assert rows(both(data)) == {((20,), (1,), (19,)): 1, ((5,),): 2}


def test_file_without_a_final_newline() -> None:
    p = both(SMALL.rstrip(b"\n"))
    assert p.title == "Tiny election"


def test_empty_ballot_section() -> None:
    p = both(b"2 1\n0\nA\nB\n")
    assert p.total == 0
    assert p.rankings.shape == (0, 0)


def test_progress_is_reported_up_to_the_whole_file() -> None:
    data = b"3 1\n" + b"1 1 2 3 0\n" * 600_000 + b"0\nA\nB\nC\n"
    seen: list[tuple[int, int]] = []
    p = parse_blt(data, "big.blt", on_progress=lambda done, total: seen.append((done, total)))
    assert p.total == 600_000
    assert len(seen) >= 2
    assert seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_vectorised_and_exact_paths_agree_on_a_generated_file() -> None:
    rng = np.random.default_rng(7)
    lines = [b"9 3"]
    for _ in range(2000):
        depth = int(rng.integers(0, 10))
        prefs = rng.permutation(9)[:depth] + 1
        weight = int(rng.integers(1, 4))
        lines.append(b" ".join(b"%d" % x for x in [weight, *prefs.tolist(), 0]))
    data = b"\n".join([*lines, b"0", *[b"N%d" % i for i in range(9)], b"T"]) + b"\n"
    for size in (64, 1000, 1 << 18):
        fast = _parse(data, "g.blt", None, vectorized=True, chunk_bytes=size)
        assert rows(fast) == rows(both(data))


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "data, line, code, words",
    [
        (b"", 0, "parse.blt.empty", "file is empty"),
        (b"\n\n  \n", 0, "parse.blt.empty", "file is empty"),
        (b"seven three\n", 1, "parse.blt.header", 'header must be "CANDIDATES SEATS"'),
        (b"7\n", 1, "parse.blt.header", 'header must be "CANDIDATES SEATS"'),
        (b"7 3 1\n", 1, "parse.blt.header", 'header must be "CANDIDATES SEATS"'),
        (b"\n7 x\n", 2, "parse.blt.header", 'header must be "CANDIDATES SEATS"'),
        (b"0 1\n0\n", 1, "parse.blt.header", "number of candidates must be between 1"),
        (b"40000 1\n0\n", 1, "parse.blt.header", "number of candidates must be between 1"),
        (b"2 0\n0\nA\nB\n", 1, "parse.blt.header", "seats must be at least 1"),
        (b"3 1\n-2 x\n0\n", 2, "parse.blt.withdrawn", "negative numbers"),
        (b"3 1\n-2 -0\n0\n", 2, "parse.blt.withdrawn", "negative numbers"),
        (b"3 1\n-4\n0\n", 2, "parse.blt.out_of_range", 'withdrawn candidate "-4" is out of'),
        (b"2 1\n1 1 0\n1 2 9 0\n0\nA\nB\n", 3, "parse.blt.out_of_range", "candidate 9 is out"),
        (b"2 1\n1 1 0\n1 2 1\n0\nA\nB\n", 3, "parse.blt.no_terminator", "does not end with 0"),
        (b"2 1\n1 1 0\n1\n0\nA\nB\n", 3, "parse.blt.no_terminator", "does not end with 0"),
        (b"3 1\n1 3 1 3 0\n0\nA\nB\nC\n", 2, "parse.blt.duplicate", "candidate 3 appears twice"),
        (b"3 1\n1 3=1 3 0\n0\nA\nB\nC\n", 2, "parse.blt.duplicate", "candidate 3 appears twice"),
        (b"2 1\nx 1 0\n0\nA\nB\n", 2, "parse.blt.bad_weight", 'expected a ballot line "WEIGHT'),
        (b"2 1\n1.5 1 0\n0\nA\nB\n", 2, "parse.blt.bad_weight", "not a whole number"),
        (b"2 1\n0 1 0\n0\nA\nB\n", 2, "parse.blt.bad_weight", "weight must be at least 1"),
        (b"2 1\n1234567890123456 1 0\n0\nA\nB\n", 2, "parse.blt.bad_weight", "too large"),
        (b"2 1\n1 1 0 2 0\n0\nA\nB\n", 2, "parse.blt.after_end", "after the 0 that ends"),
        (b"2 1\n1 1 0 0\n0\nA\nB\n", 2, "parse.blt.after_end", "after the 0 that ends"),
        (b"2 1\n1 a 0\n0\nA\nB\n", 2, "parse.blt.bad_preference", "not a candidate number"),
        (b"2 1\n1 1 - 2 0\n0\nA\nB\n", 2, "parse.blt.bad_preference", "skipped preference"),
        (b"2 1\n1 1=x 0\n0\nA\nB\n", 2, "parse.blt.bad_preference", "not a candidate number"),
        (b"2 1\n(id 1 1 0\n0\nA\nB\n", 2, "parse.blt.ballot_id", 'has no ")"'),
        (b"2 1\n(id)\n0\nA\nB\n", 2, "parse.blt.no_terminator", "not followed by a weight"),
        (b"2 1\n1 1 0\n1 2 0\n", 3, "parse.blt.truncated", 'ends before the line "0"'),
        (b"2 1\n1 1 0\n1 2 0", 3, "parse.blt.truncated", "ends before the line"),
        (b"2 1\n1 1 0\n1 2", 3, "parse.blt.no_terminator", "does not end with 0"),
        (b"2 1\n1 1 0\n0\nA\n", 4, "parse.blt.missing_names", "(expected 2, found 1)"),
        (b"2 1\n1 1 0\n0\nA\nA\n", 5, "parse.blt.duplicate_name", "is also on line 4"),
        (b'2 1\n1 1 0\n0\n"A\nB\n', 4, "parse.blt.bad_name", "does not close it"),
        (b'2 1\n1 1 0\n0\n"A" B\nB\n', 4, "parse.blt.bad_name", 'unexpected "B" after'),
        (b'2 1\n1 1 0\n0\n""\nB\n', 4, "parse.blt.bad_name", "candidate name is empty"),
        (b"2 1\n1 1 0\n0\nA\nB\nT\nmore\n", 7, "parse.blt.trailing", "after the title"),
        (b"2 1\n1 1 0\n0\nA\n\xff\xfe\n", 5, "parse.encoding", "not UTF-8"),
        (b"2 1\n1 1\x00 0\n", 0, "parse.binary", "file is binary, not a BLT text file"),
    ],
)
def test_malformed_file_names_the_line(data: bytes, line: int, code: str, words: str) -> None:
    err = error(data)
    assert err.line == line, str(err)
    assert err.code == code, str(err)
    assert words in err.what, str(err)
    assert str(err) == f"x.blt:{line}: {err.what}"
    assert "\n" not in str(err)


def test_the_messages_read_as_the_issue_asks() -> None:
    seven = b"7 3\n" + b"1 1 0\n" * 15 + b"1 9 0\n"
    err = error(seven + b"0\n", "ward1.blt")
    assert str(err) == "ward1.blt:17: candidate 9 is out of range (the file has 7 candidates)"
    err = error(b"7 3\n" + b"1 1 0\n" * 21 + b"1 2 3\n0\n", "ward1.blt")
    assert str(err) == "ward1.blt:23: ballot does not end with 0"
    err = error(b"7 3\n" + b"1 1 0\n" * 3 + b"1 3 2 3 0\n0\n", "ward1.blt")
    assert str(err) == "ward1.blt:5: candidate 3 appears twice in this ballot"
    err = error(b"CANDIDATES SEATS\n", "x.blt")
    assert str(err).startswith('x.blt:1: header must be "CANDIDATES SEATS"')
    err = error(b"\x00\x01\x02", "x.blt")
    assert str(err) == "x.blt:0: file is binary, not a BLT text file"
    names = b"A\nB\nC\n"
    err = error(b"7 3\n" + b"1 1 0\n" * 35 + b"0\n" + names, "x.blt")
    assert str(err) == "x.blt:40: file ends before the candidate names (expected 7, found 3)"


def test_an_error_deep_in_a_large_file_is_found_on_its_line() -> None:
    body = [b"1 3 7 2 0"] * 60_000
    for bad, code in [
        (b"1 3 7 7 0", "parse.blt.duplicate"),
        (b"1 3 13 2 0", "parse.blt.out_of_range"),
        (b"1 3 7 2", "parse.blt.no_terminator"),
        (b"1 3 0 2 0", "parse.blt.after_end"),
        (b"x 3 7 2 0", "parse.blt.bad_weight"),
    ]:
        lines = list(body)
        lines[43_210] = bad
        data = b"12 3\n" + b"\n".join(lines) + b"\n0\n" + b"".join(b"C%d\n" % i for i in range(12))
        err = error(data, "big.blt")
        assert (err.line, err.code) == (43_212, code), str(err)


def test_first_error_wins_across_chunks() -> None:
    lines = [b"1 1 2 0"] * 50_000
    lines[40_000] = b"1 2 2 0"  # a later chunk: a duplicate
    lines[30_000] = b"1 1 5 0"  # an earlier chunk: out of range
    data = b"3 1\n" + b"\n".join(lines) + b"\n0\nA\nB\nC\n"
    err = error(data)
    assert (err.line, err.code) == (30_002, "parse.blt.out_of_range")


# ------------------------------------------------------------------------------ writing


def test_write_then_read_gives_the_same_profile() -> None:
    p = Profile.from_ballots(
        ["Ann", "Bob Jones", "Zoë"],
        [["Ann", "Bob Jones"], ["Zoë"], [], ["Bob Jones", {"Ann", "Zoë"}], ["Ann", "Bob Jones"]],
        weights=[3, 1, 2, 1, 4],
        seats=2,
        withdrawn=["Zoë"],
        title="A title",
    )
    back = both(write_blt(p))
    assert back.candidates == p.candidates
    assert (back.seats, back.title, back.withdrawn) == (2, "A title", frozenset({2}))
    assert rows(back) == rows(p)


def test_write_edinburgh_round_trips() -> None:
    p = read_profile(EDINBURGH)
    data = write_blt(p)
    back = parse_blt(data)
    assert rows(back) == rows(p)
    assert (back.candidates, back.title, back.seats) == (p.candidates, p.title, p.seats)
    assert data.startswith(b"10 4\n")


def test_write_without_seats_or_title() -> None:
    p = Profile.from_ballots(["a", "b"], [["a"], ["b", "a"]])
    data = write_blt(p)
    assert data.splitlines() == [b"2 1", b"1 1 0", b"1 2 1 0", b"0", b'"a"', b'"b"']
    assert write_blt(p, seats=2).startswith(b"2 2\n")
    assert parse_blt(data).title is None


def test_write_a_name_with_a_quote_bare() -> None:
    p = Profile.from_ballots(['Jo "JJ" Smith', "B"], [["B"]], title='The "big" one')
    back = parse_blt(write_blt(p))
    assert back.candidates == p.candidates
    assert back.title == 'The "big" one'


@pytest.mark.parametrize("name", ["two\nlines", "", "   ", '"quoted"', ' padded "x" '])
def test_write_refuses_a_name_blt_cannot_hold(name: str) -> None:
    p = Profile.from_ballots([name, "other"], [["other"]])
    with pytest.raises(InvalidCommand) as err:
        write_blt(p)
    assert err.value.code == "format.blt.bad_name"


# ------------------------------------------------------------------------------ read_profile


def test_read_profile_names_the_file_in_errors(tmp_path: Path) -> None:
    f = tmp_path / "ward9.blt"
    f.write_bytes(b"2 1\n1 1 3 0\n0\nA\nB\n")
    with pytest.raises(ParseError) as err:
        read_profile(f)
    assert str(err.value) == f"{f}:2: candidate 3 is out of range (the file has 2 candidates)"


def test_read_profile_format_from_the_extension_or_given(tmp_path: Path) -> None:
    f = tmp_path / "ballots.txt"
    f.write_bytes(SMALL)
    with pytest.raises(ParseError) as err:
        read_profile(f)
    assert err.value.line == 0
    assert err.value.code == "parse.unknown_format"
    assert ".blt" in err.value.what
    assert rows(read_profile(f, "blt")) == rows(parse_blt(SMALL))
    assert rows(read_profile(str(f), "BLT")) == rows(parse_blt(SMALL))
    with pytest.raises(ParseError) as err:
        read_profile(f, "xls")
    assert err.value.code == "parse.unknown_format"


def test_read_profile_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as err:
        read_profile(tmp_path / "nope.blt")
    assert err.value.line == 0
    assert err.value.code == "parse.unreadable"
    with pytest.raises(ParseError):
        read_profile(tmp_path, "blt")


def test_weights_that_add_up_past_int64_are_refused() -> None:
    data = b"2 1\n" + b"999999999999999 1 0\n" * 5000 + b"0\nA\nB\n"
    err = error(data)
    assert err.code == "parse.blt.too_many_ballots"


def test_an_enormous_line_is_refused_quickly() -> None:
    data = b"3 1\n1 " + b"2 " * 3_000_000 + b"0\n0\nA\nB\nC\n"
    err = error(data)
    assert (err.line, err.code) == (2, "parse.blt.duplicate")
    err = error(b"3 1\n-1 " + b"-1 " * 3_000_000 + b"\n0\nA\nB\nC\n")
    assert (err.line, err.code) == (2, "parse.blt.withdrawn")
