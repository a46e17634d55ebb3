"""CSV ballots, as a spreadsheet or an online form exports them.

Two layouts, told apart by the header row, which every file must have::

    rank1,rank2,rank3           one ballot a row: candidate names, best first
    Ann,Bob,Cat
    Bob,Ann=Cat                 Ann and Cat ranked equal (second)

    count,rank1,rank2,rank3     the first column counts identical ballots
    12,Ann,Bob,Cat
    7,Bob

Why the header is required: without one, a first row of ballots and a first row of labels look
alike, and guessing wrong silently loses a ballot. So the header's first cell must be ``count``
or ``weight`` (counted rows) or a rank label — ``rank``, ``rank 1``, ``rank1``, ``choice 1``,
``preference 1``, ``pref1``, ``1``, ``1st``, ``first choice`` and the like (one ballot a row);
anything else is refused with an example. The other header cells are labels and are not read.

Cells are trimmed; empty cells are skipped (``Ann,,Bob`` reads as Ann then Bob); a row with no
cells at all is skipped. Candidates are every name that appears, in sorted order (a CSV file
does not list them, and sorting makes the order independent of the order of the ballots); a
candidate nobody ranked cannot appear, so use BLT when that matters. Commas separate the
cells, or semicolons or tabs if the header row uses those instead (as spreadsheets in many
countries write). There are no seats and no title.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Final

from councils.counting.formats._common import (
    MAX_CANDIDATES,
    MAX_TOTAL,
    MAX_WEIGHT,
    ProgressCallback,
    decode_text,
    profile_from_counts,
    refuse_binary,
    show,
)
from councils.counting.profile import Profile
from councils.domain.errors import ParseError

__all__ = ["parse_csv"]

_COUNT_LABELS: Final = ("count", "weight")
_RANK_LABEL = re.compile(
    r"(rank(ing)?|choice|pref(erence)?)[ _#-]*\d*(st|nd|rd|th)?"
    r"|(1|1st|first)([ _-]*(choice|pref(erence)?|rank))?",
    re.IGNORECASE,
)
_PROGRESS_ROWS: Final = 1 << 16

#: One ballot while reading: groups of names, best first.
_NamedRanking = tuple[tuple[str, ...], ...]


def parse_csv(
    data: bytes, name: str = "<input>", on_progress: ProgressCallback | None = None
) -> Profile:
    """Read a CSV ballot file's bytes (layouts in this module's docstring) into an effective
    :class:`Profile`. Malformed input raises :class:`ParseError` ``name:LINE: what is wrong``."""
    refuse_binary(data, name, "CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = decode_text(data, name, 1)
    if not text.strip():
        raise ParseError(name, 0, "file is empty", "parse.csv.empty")
    stream = io.StringIO(text, newline="")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    counted: bool | None = None
    counts: Counter[_NamedRanking] = Counter()
    names: set[str] = set()
    rows = total = 0
    try:
        for row in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if counted is None:
                counted = _header(cells, line, name)
                continue
            weight = 1
            if counted:
                weight = _count(cells[0], line, name)
                cells = cells[1:]
            ranking = _ranking(cells, line, name)
            for group in ranking:
                for cand in group:
                    if cand not in names:
                        if len(names) >= MAX_CANDIDATES:
                            raise ParseError(
                                name,
                                line,
                                f"more than {MAX_CANDIDATES} different candidates",
                                "parse.csv.too_many_candidates",
                            )
                        names.add(cand)
            counts[ranking] += weight
            total += weight
            if total > MAX_TOTAL:
                raise ParseError(
                    name,
                    line,
                    f"the counts add up to more than Councils can count ({MAX_TOTAL})",
                    "parse.csv.too_many_ballots",
                )
            rows += 1
            if on_progress is not None and rows % _PROGRESS_ROWS == 0:
                on_progress(min(len(data), stream.tell() * len(data) // len(text)), len(data))
    except csv.Error as err:
        raise ParseError(
            name, reader.line_num, f"not valid CSV: {err}", "parse.csv.syntax"
        ) from None
    if counted is None:
        raise ParseError(name, 0, "file is empty", "parse.csv.empty")
    candidates = tuple(sorted(names))
    index = {cand: i for i, cand in enumerate(candidates)}
    by_index = Counter(
        {
            tuple(tuple(index[c] for c in group) for group in ranking): weight
            for ranking, weight in counts.items()
        }
    )
    profile = profile_from_counts(candidates, by_index)
    if on_progress is not None:
        on_progress(len(data), len(data))
    return profile


def _delimiter(first_line: str) -> str:
    """Comma, unless the header row has semicolons or tabs and no commas."""
    if "," in first_line:
        return ","
    if ";" in first_line:
        return ";"
    if "\t" in first_line:
        return "\t"
    return ","


def _header(cells: list[str], line: int, name: str) -> bool:
    """Whether the rows are counted (first header cell ``count``/``weight``) or one ballot each
    (a rank label); anything else is refused."""
    first = cells[0].lower()
    if first in _COUNT_LABELS:
        return True
    if _RANK_LABEL.fullmatch(first):
        return False
    raise ParseError(
        name,
        line,
        'the first row must be a header: "rank1,rank2,..." for one ballot a row, or '
        f'"count,rank1,rank2,..." for counted ballots; found {show(",".join(cells))}',
        "parse.csv.header",
    )


def _count(cell: str, line: int, name: str) -> int:
    if not cell.isascii() or not cell.isdigit():
        raise ParseError(
            name,
            line,
            f"count {show(cell)} is not a whole number; the first column counts ballots",
            "parse.csv.bad_count",
        )
    if len(cell.lstrip("0")) > len(str(MAX_WEIGHT)) or int(cell) > MAX_WEIGHT:
        raise ParseError(
            name,
            line,
            f"count {show(cell)} is too large (at most {MAX_WEIGHT})",
            "parse.csv.bad_count",
        )
    if int(cell) == 0:
        raise ParseError(name, line, "count must be at least 1, not 0", "parse.csv.bad_count")
    return int(cell)


def _ranking(cells: list[str], line: int, name: str) -> _NamedRanking:
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for cell in cells:
        if not cell:
            continue
        group = tuple(part.strip() for part in cell.split("="))
        if not all(group):
            raise ParseError(
                name,
                line,
                f'{show(cell)}: "=" must join two names (equal rankings), as in "Ann=Bob"',
                "parse.csv.bad_cell",
            )
        for cand in group:
            if cand in seen:
                raise ParseError(
                    name,
                    line,
                    f"candidate {show(cand)} appears twice in this ballot",
                    "parse.csv.duplicate",
                )
            seen.add(cand)
        groups.append(group)
    return tuple(groups)
