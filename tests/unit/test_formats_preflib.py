"""PrefLib ordinal files (.soi .soc .toi .toc): the Debian elections, ties, the old format, and
every error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ballot_rows import ballot_rows

from councils.counting import Profile
from councils.counting.formats import parse_preflib, read_profile
from councils.domain.errors import ParseError

DATA = Path(__file__).resolve().parents[1] / "data" / "debian"


def rows(p: Profile) -> dict[tuple[tuple[int, ...], ...], int]:
    """{ranking as groups of 1-based alternatives: weight}."""
    return ballot_rows(p, lambda c: c + 1)


def header(kind: str, n: int, voters: int, unique: int, names: list[str]) -> str:
    lines = [
        "# FILE NAME: test." + kind,
        "# TITLE: A test",
        f"# DATA TYPE: {kind}",
        f"# NUMBER ALTERNATIVES: {n}",
        f"# NUMBER VOTERS: {voters}",
        f"# NUMBER UNIQUE ORDERS: {unique}",
    ]
    lines += [f"# ALTERNATIVE NAME {i + 1}: {x}" for i, x in enumerate(names)]
    return "\n".join(lines) + "\n"


def test_debian_2012_reads_with_names_and_totals() -> None:
    p = read_profile(DATA / "00002-00000007.soi")
    assert p.is_effective
    assert p.candidates == (
        "Wouter Verhelst",
        "Gergely Nagy",
        "Stefano Zacchiroli",
        "None Of The Above",
    )
    assert p.title == "Debian 2012 Leader"
    assert p.seats is None
    assert p.total == 403
    assert len(p.rankings) == 40
    assert rows(p)[((3,), (1,), (2,), (4,))] == 130
    assert rows(p)[((3,),)] == 23
    assert p.first_preferences().tolist() == [43, 31, 325, 4]  # summed from the file by awk
    assert p.levels is None


def test_debian_2010_reads() -> None:
    p = read_profile(DATA / "00002-00000006.soi")
    assert p.total == 436
    assert p.candidates[0] == "Stefano Zacchiroli"
    assert len(p.candidates) == 5


def test_ties_in_toc_become_levels() -> None:
    text = header("toc", 3, 5, 2, ["a", "b", "c"]) + "3: 1,{2,3}\n2: {3, 1} , 2\n"
    p = parse_preflib(text.encode(), "t.toc", "toc")
    assert p.has_ties
    assert rows(p) == {((1,), (2, 3)): 3, ((1, 3), (2,)): 2}


def test_kind_comes_from_the_file_when_not_given() -> None:
    text = header("toi", 3, 1, 1, ["a", "b", "c"]) + "1: {1,2}\n"
    p = parse_preflib(text.encode())
    assert rows(p) == {((1, 2),): 1}


def test_names_are_kept_exactly_and_unknown_header_lines_are_ignored() -> None:
    text = header("soi", 2, 1, 1, ["Zoë Ó Briain", "B: with colon"]) + "# ANYTHING: x\n1: 2\n"
    p = parse_preflib(text.encode("utf-8"))
    assert p.candidates == ("Zoë Ó Briain", "B: with colon")


def test_old_preflib_format() -> None:
    text = "3\n1,Ann\n2,Bob, Jr\n3,Cat\n6,6,3\n3,1,2,3\n2,2\n1,3,{1,2}\n"
    p = parse_preflib(text.encode(), "old.toi", "toi")
    assert p.candidates == ("Ann", "Bob, Jr", "Cat")
    assert rows(p) == {((1,), (2,), (3,)): 3, ((2,),): 2, ((3,), (1, 2)): 1}


def test_crlf_and_blank_lines() -> None:
    text = header("soi", 2, 3, 2, ["a", "b"]) + "\n2: 1,2\n\n1: 2\n"
    p = parse_preflib(text.replace("\n", "\r\n").encode())
    assert rows(p) == {((1,), (2,)): 2, ((2,),): 1}


def test_read_profile_uses_the_extension_for_the_kind(tmp_path: Path) -> None:
    f = tmp_path / "x.soc"
    f.write_text(header("soi", 2, 1, 1, ["a", "b"]) + "1: 1\n")
    with pytest.raises(ParseError) as err:
        read_profile(f)
    assert err.value.code == "parse.preflib.data_type"
    assert err.value.line == 3
    g = tmp_path / "ballots.txt"
    g.write_text(header("soi", 2, 1, 1, ["a", "b"]) + "1: 1\n")
    assert read_profile(g, "preflib").total == 1


GOOD = header("soi", 3, 3, 2, ["a", "b", "c"])  # 9 header lines


@pytest.mark.parametrize(
    "text, kind, line, code, words",
    [
        ("", None, 0, "parse.preflib.empty", "file is empty"),
        ("hello\n", None, 1, "parse.preflib.header", "not a PrefLib file"),
        ("# TITLE: x\n1: 1\n", None, 0, "parse.preflib.header", "NUMBER ALTERNATIVES"),
        (
            header("soi", 3, 1, 1, ["a", "b"]) + "1: 1\n",
            None,
            4,
            "parse.preflib.bad_name",
            "no name for alternative 3",
        ),
        (
            header("soi", 2, 1, 1, ["a", "b", "c"]) + "1: 1\n",
            None,
            9,
            "parse.preflib.out_of_range",
            "alternative 3 is out of range",
        ),
        (
            header("soi", 2, 1, 1, ["a", "a"]) + "1: 1\n",
            None,
            8,
            "parse.preflib.duplicate_name",
            'alternative name "a" is also on line 7',
        ),
        ("# NUMBER ALTERNATIVES: many\n", None, 1, "parse.preflib.header", "whole number"),
        (
            "# DATA TYPE: wmd\n# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: a\n",
            None,
            1,
            "parse.preflib.data_type",
            "not a ranking",
        ),
        (GOOD + "2 1,2\n", None, 10, "parse.preflib.bad_line", 'expected "COUNT: ORDER"'),
        (GOOD + "x: 1,2\n", None, 10, "parse.preflib.bad_count", "count must be a whole number"),
        (GOOD + "0: 1,2\n", None, 10, "parse.preflib.bad_count", "between 1 and"),
        (GOOD + "1.5: 1,2\n", None, 10, "parse.preflib.bad_count", "whole number"),
        (
            GOOD + "2: 1,2\n1: 1,4\n",
            None,
            11,
            "parse.preflib.out_of_range",
            "alternative 4 is out of range (the file has 3 alternatives)",
        ),
        (GOOD + "2: 1,2\n1: 0\n", None, 11, "parse.preflib.out_of_range", "alternative 0 is out"),
        (
            GOOD + "2: 1,2,1\n1: 1\n",
            None,
            10,
            "parse.preflib.duplicate",
            "alternative 1 appears twice",
        ),
        (GOOD + "2: 1,x\n1: 1\n", None, 10, "parse.preflib.bad_order", "not an alternative"),
        (GOOD + "2: 1,,2\n1: 1\n", None, 10, "parse.preflib.bad_order", "not an alternative"),
        (GOOD + "2: 1,2,\n1: 1\n", None, 10, "parse.preflib.bad_order", "ends with a comma"),
        (GOOD + "2: {1,2\n1: 1\n", None, 10, "parse.preflib.bad_order", 'has no "}"'),
        (GOOD + "2: {1,2}3\n1: 1\n", None, 10, "parse.preflib.bad_order", "expected a comma"),
        (GOOD + "2: {1,2},3\n1: 1\n", None, 10, "parse.preflib.ties", "strict orders"),
        (
            header("soc", 3, 1, 1, ["a", "b", "c"]) + "1: 1,2\n",
            None,
            10,
            "parse.preflib.incomplete",
            "ranks 2",
        ),
        (
            GOOD + "2: 1,2\n",
            None,
            5,
            "parse.preflib.count_mismatch",
            "NUMBER VOTERS says 3 but the orders add up to 2",
        ),
        (GOOD + "2: 1,2\n1: 3\n1: 2\n", None, 5, "parse.preflib.count_mismatch", "says 3"),
        (
            header("soi", 3, 3, 3, ["a", "b", "c"]) + "2: 1,2\n1: 3\n",
            None,
            6,
            "parse.preflib.count_mismatch",
            "NUMBER UNIQUE ORDERS says 3",
        ),
        (GOOD + "2: 1\n1: 2\n", "toc", 3, "parse.preflib.data_type", "read as toc"),
        (GOOD + "2: 1\n1: 2\n", "xyz", 0, "parse.preflib.data_type", "unknown PrefLib data"),
        ("3\n1,a\n2,b\n", None, 3, "parse.preflib.truncated", "file ends before"),
        ("2\n1,a\n1,b\n1,1,1\n1,1\n", None, 3, "parse.preflib.bad_name", "named twice"),
        ("2\n1,a\n2,b\n1,1\n1,1\n", None, 4, "parse.preflib.header", "VOTERS,SUM"),
        ("2\n1,a\n2,b\n2,2,1\n1,1\n", None, 4, "parse.preflib.count_mismatch", "says 2"),
        ("2\n1,a\n2,b\n1,1,1\n1,3\n", None, 5, "parse.preflib.out_of_range", "alternative 3"),
        ("# TITLE: \xff\n", None, 1, "parse.encoding", "not UTF-8"),
    ],
)
def test_malformed_file_names_the_line(
    text: str, kind: str | None, line: int, code: str, words: str
) -> None:
    data = text.encode("utf-8") if "\xff" not in text else text.encode("latin-1")
    with pytest.raises(ParseError) as err:
        parse_preflib(data, "x.soi", kind)
    e = err.value
    assert (e.line, e.code) == (line, code), str(e)
    assert words in e.what, str(e)
    assert str(e) == f"x.soi:{line}: {e.what}"


def test_binary_file() -> None:
    with pytest.raises(ParseError) as err:
        parse_preflib(b"PK\x03\x04\x00\x00", "x.soi")
    assert str(err.value) == "x.soi:0: file is binary, not a PrefLib text file"


def test_progress_is_reported() -> None:
    data = (DATA / "00002-00000007.soi").read_bytes()
    seen: list[tuple[int, int]] = []
    parse_preflib(data, on_progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(data), len(data))


def test_counts_that_add_up_past_int64_are_refused() -> None:
    text = header("soi", 2, 1, 1, ["a", "b"]).replace("# NUMBER VOTERS: 1\n", "")
    text = text.replace("# NUMBER UNIQUE ORDERS: 1\n", "") + "999999999999999: 1\n" * 5000
    with pytest.raises(ParseError) as err:
        parse_preflib(text.encode())
    assert err.value.code == "parse.preflib.too_many_ballots"


def test_an_enormous_order_is_refused_quickly() -> None:
    text = GOOD + "1: " + "1," * 2_000_000 + "2\n"
    with pytest.raises(ParseError) as err:
        parse_preflib(text.encode())
    assert (err.value.line, err.value.code) == (10, "parse.preflib.duplicate")
