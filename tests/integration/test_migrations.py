"""The schema: migrations create exactly the metadata; init is idempotent; the engines are
configured as docs/storage.md says."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from councils.domain.errors import CouncilError
from councils.service.bootstrap import init_federation, open_uow
from councils.storage.engine import create_engine
from councils.storage.metadata import metadata
from councils.storage.migrate import HEAD, current_revision, head_revision, upgrade


def test_the_migrated_schema_is_the_metadata(store_url: str) -> None:
    engine = create_engine(store_url, create=True)
    upgrade(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_head_names_the_newest_script() -> None:
    assert head_revision() == HEAD


def test_init_twice_keeps_the_federation_and_its_key(store_url: str) -> None:
    first = init_federation(store_url)
    again = init_federation(store_url)
    assert first.new and not again.new
    assert (again.log, again.public_key) == (first.log, first.public_key)


def test_a_database_without_a_federation_is_refused(store_url: str) -> None:
    engine = create_engine(store_url, create=True)
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    engine.dispose()
    with pytest.raises(CouncilError) as err, open_uow(store_url)():
        pass
    assert err.value.code == "storage.not_initialised"


def test_a_missing_sqlite_file_is_not_created(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/typo.db"
    with pytest.raises(CouncilError) as err:
        create_engine(url)
    assert err.value.code == "storage.not_initialised"


def test_sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys(
    sqlite_federation_url: str,
) -> None:
    engine = create_engine(sqlite_federation_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'sealed_ballots'"
        ).scalar()
        assert "WITHOUT ROWID" in str(sql)
    engine.dispose()


def test_ids_sort_byte_by_byte_on_postgresql(postgres_federation_url: str) -> None:
    engine = create_engine(postgres_federation_url)
    with engine.connect() as conn:
        collation = conn.exec_driver_sql(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'members' AND column_name = 'member'"
        ).scalar()
        assert collation == "C"
    engine.dispose()


def test_the_secret_ballot_box_has_no_voter_column(federation_url: str) -> None:
    engine = create_engine(federation_url)
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("sealed_ballots")}
    assert columns == {"election", "token", "ranking"}
    engine.dispose()
