"""``councils verify`` over the database: a clean federation verifies; each kind of tampering
with a table is reported, naming the row (or the entry index)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sql_harness import Databases, SqlFederation
from sqlalchemy import insert, text

from councils.record.export import verify_export
from councils.service.bootstrap import export_federation, verify_federation
from councils.storage import metadata as m
from councils.testing import scenarios
from councils.testing.scenarios import PUTILOV, VYBORG


@pytest.fixture
def fed(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlFederation]:
    monkeypatch.setattr(SqlFederation, "databases", databases)
    monkeypatch.setattr(scenarios, "Federation", SqlFederation)
    federation = scenarios.petrograd()
    assert isinstance(federation, SqlFederation)
    federation.elect("s1", "putilov", PUTILOV[:3], {m: PUTILOV[:3] for m in PUTILOV})
    federation.elect("s2", "vyborg", VYBORG, {m: VYBORG for m in VYBORG})
    federation("election.open", election="e9", constituency="city-delegation", candidates=[])
    federation("recall.sign", constituency="putilov", delegate="m1", signer="m4")
    federation("organiser.appoint", council="city", organiser="@olga")
    federation("council.create", council="kronstadt", name="Kronstadt soviet", actor="@ivan")
    yield federation
    federation.close()


def _tamper(fed: SqlFederation, sql: str) -> None:
    with fed.engine.begin() as conn:
        conn.execute(text(sql))


def test_an_untouched_federation_verifies_and_exports(fed: SqlFederation) -> None:
    report = verify_federation(fed.url)
    assert report.ok, [str(f) for f in report]
    assert any("exactly the replay" in n for n in report.notes)
    assert verify_export(export_federation(fed.url)).ok


def test_an_edited_member_row_is_named(fed: SqlFederation) -> None:
    _tamper(fed, "UPDATE members SET name = 'Forged' WHERE member = 'm3'")
    report = verify_federation(fed.url)
    assert report.codes() == ["state.differs"]
    (failure,) = report.failures
    assert failure.where == "members m3"
    assert failure.what == '"name" is "Forged" in the database, "M3" by the record'


def test_a_seat_given_to_someone_else_is_named(fed: SqlFederation) -> None:
    _tamper(fed, "UPDATE seats SET holder = 'm5' WHERE constituency = 'putilov' AND number = 1")
    report = verify_federation(fed.url)
    assert "state.differs" in report.codes()
    assert any(f.where == "constituencies putilov" for f in report)


def test_an_organiser_changed_added_or_removed_is_named(fed: SqlFederation) -> None:
    _tamper(fed, "UPDATE organisers SET organiser = '@mallory' WHERE organiser = '@olga'")
    _tamper(fed, "INSERT INTO organisers (council, organiser) VALUES ('region', 'm1')")
    _tamper(fed, "DELETE FROM organisers WHERE organiser = '@ivan'")
    report = verify_federation(fed.url)
    assert set(report.codes()) == {"state.differs"}
    assert sorted((f.where, f.what) for f in report) == [
        ("organisers city @mallory", "is in the database but not in the record"),
        ("organisers city @olga", "is in the record but missing from the database"),
        ("organisers kronstadt @ivan", "is in the record but missing from the database"),
        ("organisers region m1", "is in the database but not in the record"),
    ]


def test_the_private_account_tables_are_not_part_of_the_state(fed: SqlFederation) -> None:
    """Accounts, invitations, sessions, API tokens and failed logins are never on the record:
    verify neither replays nor compares them, and the export never holds them."""
    with fed.engine.begin() as conn:
        account = conn.execute(
            insert(m.accounts).values(
                actor="@olga",
                name="Olga",
                email="olga@example.org",
                password="x",
                operator=False,
                created=1,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(m.invitations).values(token=b"i" * 32, account=account, created=1, expires=2)
        )
        conn.execute(
            insert(m.sessions).values(
                token=b"s" * 32, account=account, csrf="c", created=1, expires=2
            )
        )
        conn.execute(
            insert(m.api_tokens).values(token=b"t" * 32, account=account, label="l", created=1)
        )
        conn.execute(insert(m.login_failures).values(key="email:olga@example.org", at=1))
    report = verify_federation(fed.url)
    assert report.ok, [str(f) for f in report]
    files = export_federation(fed.url)
    assert verify_export(files).ok
    assert not any(b"olga@example.org" in data for data in files.values())


def test_an_edited_entry_is_named_by_its_index(fed: SqlFederation) -> None:
    _tamper(
        fed,
        "UPDATE entries SET data = CAST(REPLACE(CAST(data AS TEXT), 'M3', 'M9') AS BLOB) "
        "WHERE idx = 9"
        if not fed.url.startswith("postgresql")
        else "UPDATE entries SET data = convert_to(replace(convert_from(data, 'UTF8'), 'M3', "
        "'M9'), 'UTF8') WHERE idx = 9",
    )
    report = verify_federation(fed.url)
    assert 9 in report.indices()
    assert "record.entry_changed" in report.codes()
    # The record replayed says M9 where the database says M3: that is reported too.
    assert any(f.where == "members m3" for f in report)


def test_a_deleted_signature_a_forged_head_and_a_wrong_frontier(fed: SqlFederation) -> None:
    _tamper(fed, "DELETE FROM signatures WHERE signer = 'm4'")
    _tamper(fed, "UPDATE tree_heads SET timestamp = timestamp + 1 WHERE n = 2")
    _tamper(fed, "UPDATE log_state SET size = size + 1")
    codes = verify_federation(fed.url).codes()
    assert "state.differs" in codes  # the petition's signers
    assert "record.bad_signature" in codes
    assert "record.frontier_mismatch" in codes


def test_a_sealed_ballot_removed_from_an_open_box(fed: SqlFederation) -> None:
    fed.run(
        {
            "command": "constituency.create",
            "constituency": "docks",
            "name": "Docks",
            "kind": "workplace",
            "council": "city",
            "seats": 1,
        },
        {"command": "member.register", "member": "d1", "name": "D1", "constituency": "docks"},
        {"command": "member.register", "member": "d2", "name": "D2", "constituency": "docks"},
        {
            "command": "election.open",
            "election": "e1",
            "constituency": "docks",
            "candidates": ["d1", "d2"],
        },
    )
    fed("ballot.cast", election="e1", voter="d1", ranking=["d2"])
    fed("ballot.cast", election="e1", voter="d2", ranking=["d1"])
    assert verify_federation(fed.url).ok
    _tamper(fed, "DELETE FROM sealed_ballots WHERE ranking = '[\"d2\"]'")
    report = verify_federation(fed.url)
    assert report.codes() == ["state.sealed_ballots"]
    assert report.failures[0].where == "sealed_ballots e1"


def test_an_entry_that_does_not_replay_is_named(fed: SqlFederation) -> None:
    with fed.engine.begin() as conn:
        conn.execute(
            text("UPDATE entries SET data = :d WHERE idx = 4"),
            {"d": b'{"type":"council.abolished","v":1}'},
        )
    report = verify_federation(fed.url)
    replay = [f for f in report if f.code == "record.replay_failed"]
    assert [(f.where, f.index) for f in replay] == [("entry 4", 4)]
    assert "record.entry_changed" in report.codes()
