"""``councils init | apply | state | verify | record export`` as a user runs them: the real
``councils`` script in a subprocess, on a SQLite file in a temporary folder."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from councils.record import canonical
from councils.testing.scenarios import city_council, putilov_works, register

SETUP = [
    city_council(),
    putilov_works(),
    *register("putilov", ["m1", "m2", "m3"]),
    {"command": "election.open", "election": "e1", "constituency": "putilov", "candidates": []},
    {"command": "election.nominate", "election": "e1", "candidate": "m1"},
    {"command": "election.nominate", "election": "e1", "candidate": "m2"},
    {"command": "ballot.cast", "election": "e1", "voter": "m3", "ranking": ["m2", "m1"]},
]


def councils(
    *args: str, db: Path | None = None, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "councils"]
    if db is not None:
        argv += ["--db", f"sqlite:///{db}"]
    return subprocess.run(
        [*argv, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def jsonl(commands: list[dict[str, object]]) -> str:
    return "".join(json.dumps(c) + "\n" for c in commands)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "federation.db"
    done = councils("init", db=path)
    assert done.returncode == 0, done.stderr
    assert "Created a federation" in done.stdout
    return path


def test_init_apply_and_state(db: Path, tmp_path: Path) -> None:
    batch = tmp_path / "setup.jsonl"
    batch.write_text(jsonl(SETUP))
    done = councils("apply", str(batch), db=db)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["line"] for r in lines] == list(range(1, len(SETUP) + 1))
    assert [r["command"] for r in lines] == [c["command"] for c in SETUP]
    assert lines[0]["entries"] == [0]
    receipt = lines[-1]["receipt"]
    assert receipt["type"] == "record.receipt" and receipt["leaf_index"] == lines[-1]["entries"][0]
    assert "applied 9 commands" in done.stderr

    state = json.loads(councils("state", "--json", db=db).stdout)
    assert set(state) >= {"councils", "constituencies", "elections", "recalls"}
    assert state["councils"] == [
        {
            "council": "city",
            "name": "Petrograd soviet",
            "organisers": [],
            "seats": [
                {"constituency": "putilov", "holder": None},
                {"constituency": "putilov", "holder": None},
            ],
        }
    ]
    (putilov,) = state["constituencies"]
    assert {k: putilov[k] for k in ("constituency", "kind", "council", "of", "seats")} == {
        "constituency": "putilov",
        "kind": "workplace",
        "council": "city",
        "of": None,
        "seats": 2,
    }
    assert (putilov["electorate"], putilov["holders"]) == (3, [])
    assert state["elections"] == [
        {"election": "e1", "constituency": "putilov", "status": "open", "elected": []}
    ]
    closed = councils(
        "apply", "-", db=db, stdin=jsonl([{"command": "election.close", "election": "e1"}])
    )
    assert closed.returncode == 0, closed.stderr
    state = json.loads(councils("state", "--json", db=db).stdout)
    assert state["elections"][0]["status"] == "closed"
    assert [s["holder"] for s in state["councils"][0]["seats"]] == ["m2", "m1"]
    assert "Petrograd soviet (city): 2 of 2 seats held" in councils("state", db=db).stdout


def test_a_bad_batch_names_its_line_and_changes_nothing(db: Path) -> None:
    assert councils("apply", "-", db=db, stdin=jsonl(SETUP[:3])).returncode == 0
    before = councils("state", "--json", db=db).stdout
    bad = jsonl(SETUP[3:5]) + "\n" + jsonl([SETUP[2]]) + jsonl(SETUP[5:])
    done = councils("apply", "-", db=db, stdin=bad)
    assert done.returncode == 1
    assert done.stderr.strip() == "line 4: member.exists: member m1 already exists"
    assert done.stdout == ""
    assert councils("state", "--json", db=db).stdout == before
    report = councils("verify", db=db)
    assert "3 entries" in report.stdout

    not_json = councils("apply", "-", db=db, stdin=jsonl(SETUP[3:4]) + "{oops\n")
    assert not_json.returncode == 1
    assert not_json.stderr.startswith("line 2: command.not_json: ")
    assert councils("state", "--json", db=db).stdout == before


def test_verify_passes_then_names_a_row_changed_behind_its_back(db: Path) -> None:
    assert councils("apply", "-", db=db, stdin=jsonl(SETUP)).returncode == 0
    ok = councils("verify", db=db)
    assert ok.returncode == 0, ok.stdout
    assert "OK" in ok.stdout and "exactly the replay" in ok.stdout

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE members SET name = 'Stalin' WHERE member = 'm2'")
        conn.execute("UPDATE seats SET holder = 'm3' WHERE constituency = 'putilov' AND number = 2")
    failed = councils("verify", db=db)
    assert failed.returncode == 1
    assert "FAILED" in failed.stdout and "2 failures" in failed.stdout
    assert 'members m2: "name" is "Stalin" in the database, "M2" by the record' in failed.stdout
    assert "constituencies putilov:" in failed.stdout


def test_verify_names_a_changed_record_entry_by_index(db: Path) -> None:
    assert councils("apply", "-", db=db, stdin=jsonl(SETUP)).returncode == 0
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM entries WHERE idx = 3").fetchone()
        conn.execute(
            "UPDATE entries SET data = ? WHERE idx = 3", (bytes(data).replace(b"M2", b"M7"),)
        )
    failed = councils("verify", db=db)
    assert failed.returncode == 1
    assert "entry 3" in failed.stdout


def test_record_export_verify_and_a_voters_receipt(db: Path, tmp_path: Path) -> None:
    applied = councils("apply", "-", db=db, stdin=jsonl(SETUP))
    receipt = json.loads(applied.stdout.splitlines()[-1])["receipt"]
    folder = tmp_path / "public"
    done = councils("record", "export", str(folder), db=db)
    assert done.returncode == 0, done.stderr
    assert "Exported 9 entries" in done.stdout
    checked = councils("record", "verify", str(folder))
    assert checked.returncode == 0, checked.stdout
    ticket = tmp_path / "receipt.json"
    ticket.write_bytes(canonical.encode(receipt))
    held = councils("record", "verify-receipt", str(ticket), str(folder))
    assert held.returncode == 0, held.stdout
    assert "private" not in " ".join(p.name for p in folder.iterdir())


def test_the_database_comes_from_councils_db(tmp_path: Path) -> None:
    env = {"COUNCILS_DB": f"sqlite:///{tmp_path / 'env.db'}"}
    assert councils("init", env=env).returncode == 0
    assert (tmp_path / "env.db").exists()
    missing = councils("state", env={"COUNCILS_DB": f"sqlite:///{tmp_path / 'typo.db'}"})
    assert missing.returncode == 1
    assert "run `councils init`" in missing.stderr
    assert not (tmp_path / "typo.db").exists()
