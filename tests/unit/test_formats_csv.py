"""CSV ballots: both layouts, equal rankings, delimiters, and every error with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ballot_rows import ballot_rows

from councils.counting import Profile
from councils.counting.formats import parse_csv, read_profile
from councils.domain.errors import ParseError


def rows(p: Profile) -> dict[tuple[tuple[str, ...], ...], int]:
    """{ranking as groups of names: weight}."""
    return ballot_rows(p, lambda c: p.candidates[c])


def test_one_ballot_a_row() -> None:
    data = b"rank1,rank2,rank3\nAnn,Bob,Cat\nBob,,Ann\nAnn,Bob,Cat\n\nCat\n"
    p = parse_csv(data, "b.csv")
    assert p.is_effective
    assert p.candidates == ("Ann", "Bob", "Cat")
    assert p.seats is None and p.title is None
    assert rows(p) == {(("Ann",), ("Bob",), ("Cat",)): 2, (("Bob",), ("Ann",)): 1, (("Cat",),): 1}


def test_count_plus_ranking() -> None:
    data = b"Count,Rank 1,Rank 2\n12,Ann,Bob\n7,Bob\n3,Ann,Bob\n2\n"
    p = parse_csv(data)
    assert rows(p) == {(("Ann",), ("Bob",)): 15, (("Bob",),): 7}
    assert p.total == 22  # the blank ballot of weight 2 is dropped


def test_equal_rankings_in_one_cell() -> None:
    p = parse_csv(b"weight,1st\n2, Bob , Ann = Cat \n")
    assert p.has_ties
    assert rows(p) == {(("Bob",), ("Ann", "Cat")): 2}


def test_names_are_trimmed_quoted_and_unicode() -> None:
    data = '"first choice","second"\n"Ó Briain, Seán",Zoë\n'.encode()
    p = parse_csv(data)
    assert p.candidates == ("Zoë", "Ó Briain, Seán")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolons_or_tabs_when_the_header_uses_them(sep: str) -> None:
    data = f"count{sep}rank1{sep}rank2\n3{sep}Ann{sep}Bob\n".encode()
    assert rows(parse_csv(data)) == {(("Ann",), ("Bob",)): 3}


def test_crlf_and_bom() -> None:
    data = b"\xef\xbb\xbfrank1,rank2\r\nAnn,Bob\r\n"
    assert rows(parse_csv(data)) == {(("Ann",), ("Bob",)): 1}


@pytest.mark.parametrize(
    "label",
    [
        "rank",
        "Rank 1",
        "rank_1",
        "CHOICE 1",
        "preference 1",
        "pref1",
        "1",
        "1st",
        "First choice",
        "ranking",
    ],
)
def test_rank_labels_accepted(label: str) -> None:
    assert parse_csv(f"{label},x\nAnn\n".encode()).total == 1


def test_read_profile_csv(tmp_path: Path) -> None:
    f = tmp_path / "votes.CSV"
    f.write_bytes(b"rank1\nAnn\n")
    assert read_profile(f).candidates == ("Ann",)


@pytest.mark.parametrize(
    "data, line, code, words",
    [
        (b"", 0, "parse.csv.empty", "file is empty"),
        (b"\n\n", 0, "parse.csv.empty", "file is empty"),
        (b",,\n", 0, "parse.csv.empty", "file is empty"),
        (b"Ann,Bob\nBob,Ann\n", 1, "parse.csv.header", "the first row must be a header"),
        (b"Rankin,Bob\n", 1, "parse.csv.header", "the first row must be a header"),
        (b"count,rank1\n2,Ann\nx,Bob\n", 3, "parse.csv.bad_count", 'count "x" is not a whole'),
        (b"count,rank1\n1.5,Ann\n", 2, "parse.csv.bad_count", "not a whole number"),
        (b"count,rank1\n-1,Ann\n", 2, "parse.csv.bad_count", "not a whole number"),
        (b"count,rank1\n0,Ann\n", 2, "parse.csv.bad_count", "at least 1"),
        (b"count,rank1\n,Ann\n", 2, "parse.csv.bad_count", 'count "" is not'),
        (b"count,r\n9999999999999999,Ann\n", 2, "parse.csv.bad_count", "too large"),
        (
            b"rank1,rank2\nAnn,Bob\nBob,Ann,Bob\n",
            3,
            "parse.csv.duplicate",
            'candidate "Bob" appears twice',
        ),
        (b"rank1,rank2\nAnn=Ann\n", 2, "parse.csv.duplicate", "appears twice"),
        (b"rank1,rank2\nAnn=\n", 2, "parse.csv.bad_cell", '"=" must join two names'),
        (b'rank1,rank2\nAnn,"Bob\n', 2, "parse.csv.syntax", "not valid CSV"),
        (b'rank1,rank2\nAnn,"Bob"x\n', 2, "parse.csv.syntax", "not valid CSV"),
        (b"rank1\n\xff\n", 2, "parse.encoding", "not UTF-8"),
        (b"rank1\nA\x00n\n", 0, "parse.binary", "file is binary, not a CSV text file"),
    ],
)
def test_malformed_file_names_the_line(data: bytes, line: int, code: str, words: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_csv(data, "x.csv")
    e = err.value
    assert (e.line, e.code) == (line, code), str(e)
    assert words in e.what, str(e)
    assert str(e) == f"x.csv:{line}: {e.what}"


def test_progress_on_a_large_file() -> None:
    data = b"count,rank1\n" + b"2,Ann,Bob\n" * 150_000
    seen: list[tuple[int, int]] = []
    p = parse_csv(data, on_progress=lambda d, t: seen.append((d, t)))
    assert p.total == 300_000
    assert len(seen) >= 2
    assert seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_counts_that_add_up_past_int64_are_refused() -> None:
    data = b"count,rank1\n" + b"999999999999999,Ann\n" * 5000
    with pytest.raises(ParseError) as err:
        parse_csv(data)
    assert err.value.code == "parse.csv.too_many_ballots"
