"""Importing members from a CSV file, all or nothing: read and check the whole file first.

An organiser registers a workplace's members at once from a spreadsheet. A file that is half
imported is worse than one refused (which half? who got an invitation?), so nothing is
registered until every line has passed every check, and every problem found is listed by its
line and field, as a spreadsheet user would look for it. The commands then run as one batch
(all or nothing again, should the state have moved meanwhile).

The format: UTF-8 (a spreadsheet's byte order mark is forgiven), comma-separated, a header line
naming the columns in any order: ``name``, ``constituency``, ``email`` required; ``member``
(the id; blank: made from the constituency's id) and ``faction`` optional. Line numbers count
the header as line 1, as a spreadsheet does.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from councils.domain.errors import NotFound
from councils.domain.ids import ConstituencyId, CouncilId, FactionId, MemberId
from councils.domain.view import StateView
from councils.service.parsing import ID_PATTERN

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "Problem",
    "Row",
    "check_rows",
    "commands_for",
    "invitations_csv",
    "new_member_id",
    "parse_members_csv",
    "valid_email",
]

REQUIRED = ("name", "constituency", "email")
COLUMNS = (*REQUIRED, "member", "faction")
#: A whole file is checked, but a page listing ten thousand errors helps nobody.
MAX_PROBLEMS = 50
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``line`` (1 is the header; 0 the file as a whole) and ``field``."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = "the file" if self.line == 0 else f"line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Row:
    """One member to register. ``member`` is ``None`` until :func:`check_rows` gives an id."""

    line: int
    name: str
    constituency: str
    email: str
    member: str | None
    faction: str | None


def valid_email(text: str) -> bool:
    """An address with one ``@`` and a dot after it: enough to catch a column mix-up, not a
    judgement on the address (the invitation link is the real test)."""
    return bool(_EMAIL.match(text)) and len(text) <= 320


def parse_members_csv(data: bytes) -> tuple[list[Row], list[Problem]]:
    """The rows of the file and every problem of form (not of state: see :func:`check_rows`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [Problem(0, "", f"the file is not UTF-8 text (byte {err.start + 1})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as err:
        return [], [Problem(1, "", f"the header cannot be read: {err}")]
    if header is None or not any(h.strip() for h in header):
        return [], [
            Problem(0, "", "the file is empty: it needs a header line and a line per member")
        ]
    columns = [h.strip().lower() for h in header]
    problems: list[Problem] = []
    for h in columns:
        if h not in COLUMNS:
            problems.append(Problem(1, h, "unknown column: the columns are " + ", ".join(COLUMNS)))
    seen: set[str] = set()
    for h in columns:
        if h in seen:
            problems.append(Problem(1, h, "the column appears twice"))
        seen.add(h)
    for h in REQUIRED:
        if h not in columns:
            problems.append(Problem(1, h, "the header has no such column, which is required"))
    if problems:
        return [], problems
    rows: list[Row] = []
    emails: dict[str, int] = {}
    ids: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                problems.append(
                    Problem(
                        line, "", f"{len(values)} values for {len(columns)} columns of the header"
                    )
                )
                continue
            cell = {h: v.strip() for h, v in zip(columns, values, strict=True)}
            problems += _check_cells(line, cell, emails, ids)
            rows.append(
                Row(
                    line,
                    cell["name"],
                    cell["constituency"],
                    cell["email"],
                    cell.get("member") or None,
                    cell.get("faction") or None,
                )
            )
    except csv.Error as err:
        problems.append(Problem(reader.line_num, "", f"the line cannot be read: {err}"))
    if not rows and not problems:
        problems.append(Problem(0, "", "the file has a header but no member"))
    return rows, problems


def _check_cells(
    line: int, cell: dict[str, str], emails: dict[str, int], ids: dict[str, int]
) -> list[Problem]:
    out: list[Problem] = []
    for h in REQUIRED:
        if not cell[h]:
            out.append(Problem(line, h, "empty, and it is required"))
    email = cell["email"]
    if email and not valid_email(email):
        out.append(Problem(line, "email", f"“{email}” is not an e-mail address"))
    elif email:
        key = email.lower()
        if key in emails:
            out.append(Problem(line, "email", f"{email} is also on line {emails[key]}"))
        else:
            emails[key] = line
    for h in ("constituency", "member", "faction"):
        value = cell.get(h, "")
        if value and not ID_PATTERN.fullmatch(value):
            out.append(
                Problem(
                    line,
                    h,
                    f"“{value}” is not an id (letters, digits and . _ : ~ -, up to 128, "
                    "starting with a letter or digit)",
                )
            )
    member = cell.get("member", "")
    if member and ID_PATTERN.fullmatch(member):
        if member in ids:
            out.append(Problem(line, "member", f"{member} is also on line {ids[member]}"))
        else:
            ids[member] = line
    return out


def check_rows(
    view: StateView, council: CouncilId | None, rows: Sequence[Row]
) -> tuple[list[Row], list[Problem]]:
    """Check each row against the state (the constituency is a workplace or district of
    ``council`` — any council when ``None`` —, the id is free, the faction exists) and give
    every row without an id a fresh one. Returns the rows with ids, and the problems."""
    problems: list[Problem] = []
    taken = {r.member for r in rows if r.member}
    out: list[Row] = []
    for row in rows:
        problems += _check_state(view, council, row)
        member = row.member
        if member is None and view.has_constituency(ConstituencyId(row.constituency)):
            member = new_member_id(view, row.constituency, taken)
            taken.add(member)
        out.append(Row(row.line, row.name, row.constituency, row.email, member, row.faction))
    return out, problems


def _check_state(view: StateView, council: CouncilId | None, row: Row) -> list[Problem]:
    out: list[Problem] = []
    line = row.line
    kid = ConstituencyId(row.constituency)
    try:
        k = view.constituency(kid)
    except NotFound:
        out.append(Problem(line, "constituency", f"there is no constituency {row.constituency}"))
    else:
        if council is not None and k.council != council:
            out.append(
                Problem(
                    line,
                    "constituency",
                    f"{row.constituency} elects into another council, not this one",
                )
            )
        elif k.kind == "council":
            out.append(
                Problem(
                    line,
                    "constituency",
                    f"{row.constituency} is a council's delegation: its electorate is the "
                    "lower council's seated members, nobody registers in it",
                )
            )
    if row.member and view.has_member(MemberId(row.member)):
        out.append(Problem(line, "member", f"the id {row.member} is already taken"))
    if row.faction and not view.has_faction(FactionId(row.faction)):
        out.append(Problem(line, "faction", f"there is no faction {row.faction}"))
    return out


def new_member_id(view: StateView, constituency: str, taken: Iterable[str] = ()) -> str:
    """A free member id made from the constituency's: ``putilov-7`` — the first number after
    its electorate's size that nobody has (ids are never reused, so probe upwards)."""
    also = set(taken)
    stem = constituency[:100]
    n = view.electorate_size(ConstituencyId(constituency)) + 1
    while True:
        candidate = f"{stem}-{n}"
        if candidate not in also and not view.has_member(MemberId(candidate)):
            return candidate
        n += 1


def commands_for(rows: Sequence[Row]) -> list[dict[str, object]]:
    """One ``member.register`` per row (rows from :func:`check_rows`, so each has an id)."""
    out: list[dict[str, object]] = []
    for r in rows:
        command: dict[str, object] = {
            "command": "member.register",
            "member": r.member,
            "name": r.name,
            "constituency": r.constituency,
        }
        if r.faction:
            command["faction"] = r.faction
        out.append(command)
    return out


def invitations_csv(links: Sequence[tuple[str, str, str, str]]) -> str:
    """The invitations as a CSV file: member, name, email, invitation link."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["member", "name", "email", "invitation"])
    for member, name, email, link in links:
        writer.writerow([member, _no_formula(name), email, link])
    return buf.getvalue()


def _no_formula(text: str) -> str:
    """A cell a spreadsheet would run as a formula (``=HYPERLINK(…)``) is quoted with ``'``."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
