"""Importing members from CSV: the whole file is checked before anything is registered, and
every problem names its line (the header is line 1) and its column."""

from __future__ import annotations

import csv
import io

from councils.testing.scenarios import petrograd
from councils.web.member_csv import (
    check_rows,
    commands_for,
    invitations_csv,
    new_member_id,
    parse_members_csv,
)


def test_a_good_file_gives_rows_with_line_numbers() -> None:
    data = (
        "\ufeffName,Constituency,Email,member,faction\n"
        "Anna,putilov,anna@example.org,a1,\n"
        "\n"
        '"Boris, the smith",vyborg,boris@example.org,,reds\n'
    ).encode()
    rows, problems = parse_members_csv(data)
    assert problems == []
    assert [(r.line, r.name, r.member, r.faction) for r in rows] == [
        (2, "Anna", "a1", None),
        (4, "Boris, the smith", None, "reds"),
    ]


def test_every_problem_is_named_by_line_and_field() -> None:
    data = (
        b"name,constituency,email,member\n"
        b"Anna,putilov,anna@example.org,a1\n"
        b",putilov,not-an-address,a1\n"
        b"Clara,put ilov,ANNA@example.org,\n"
        b"Dmitri,putilov\n"
    )
    _rows, problems = parse_members_csv(data)
    found = {(p.line, p.field) for p in problems}
    assert found == {
        (3, "name"),
        (3, "email"),
        (3, "member"),  # a1 again
        (4, "constituency"),
        (4, "email"),  # the same address as line 2, in other case
        (5, ""),
    }
    assert str(next(p for p in problems if p.line == 3 and p.field == "member")) == (
        "line 3, member: a1 is also on line 2"
    )


def test_the_header_is_required_and_checked() -> None:
    _, problems = parse_members_csv(b"Anna,putilov,anna@example.org\n")
    assert {p.field for p in problems} >= {"name", "constituency", "email"}
    assert all(p.line == 1 for p in problems)
    _, empty = parse_members_csv(b"")
    assert [p.line for p in empty] == [0]
    _, header_only = parse_members_csv(b"name,constituency,email\n")
    assert "no member" in header_only[0].message
    _, binary = parse_members_csv(b"name\xff\n")
    assert "UTF-8" in binary[0].message


def test_rows_are_checked_against_the_state_and_given_ids() -> None:
    fed = petrograd()
    fed("faction.create", faction="reds", name="Red Guards")
    data = (
        b"name,constituency,email,member,faction\n"
        b"Anna,putilov,a@example.org,,reds\n"
        b"Boris,putilov,b@example.org,,\n"
        b"Clara,city-delegation,c@example.org,,\n"
        b"Dmitri,nowhere,d@example.org,,\n"
        b"Elena,putilov,e@example.org,m1,\n"
        b"Fyodor,putilov,f@example.org,,greens\n"
    )
    rows, problems = parse_members_csv(data)
    assert problems == []
    checked, problems = check_rows(fed.view, None, rows)
    assert {(p.line, p.field) for p in problems} == {
        (4, "constituency"),  # a council's delegation
        (5, "constituency"),  # no such constituency
        (6, "member"),  # m1 is taken
        (7, "faction"),
    }
    size = fed.view.electorate_size("putilov")  # type: ignore[arg-type]
    assert [r.member for r in checked[:2]] == [f"putilov-{size + 1}", f"putilov-{size + 2}"]
    # only the constituencies of the council being organised
    _, other = check_rows(fed.view, "region", rows[:1])  # type: ignore[arg-type]
    assert [(p.line, p.field) for p in other] == [(2, "constituency")]


def test_a_made_id_skips_the_taken_ones() -> None:
    fed = petrograd()
    size = fed.view.electorate_size("putilov")  # type: ignore[arg-type]
    fed("member.register", member=f"putilov-{size + 1}", name="X", constituency="vyborg")
    made = new_member_id(fed.view, "putilov", {f"putilov-{size + 2}"})
    assert made == f"putilov-{size + 3}"


def test_commands_and_the_invitations_file() -> None:
    rows, _ = parse_members_csv(b"name,constituency,email,member,faction\nA,k,a@x.org,a1,f\n")
    assert commands_for(rows) == [
        {
            "command": "member.register",
            "member": "a1",
            "name": "A",
            "constituency": "k",
            "faction": "f",
        }
    ]
    text = invitations_csv([("a1", "=cmd()", "a@x.org", "https://h/invitations/t")])
    assert list(csv.reader(io.StringIO(text))) == [
        ["member", "name", "email", "invitation"],
        ["a1", "'=cmd()", "a@x.org", "https://h/invitations/t"],
    ]
