"""``councils verify`` pauses the cyclic garbage collector while it loads millions of objects,
and leaves it as it found it, also when the verification fails (service/bootstrap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from councils.record.report import Report
from councils.service import bootstrap


class _Engine:
    disposed = False

    def dispose(self) -> None:
        self.disposed = True


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_verify_runs_with_the_collector_paused_and_restores_it(
    monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    seen: list[bool] = []
    engine = _Engine()
    monkeypatch.setattr(bootstrap, "create_engine", lambda url: engine)

    def verify(e: object) -> Report:
        seen.append(gc.isenabled())
        return Report()

    monkeypatch.setattr(bootstrap, "verify_database", verify)
    gc.enable()
    assert bootstrap.verify_federation("sqlite:///x.db").ok
    assert seen == [False] and gc.isenabled() and engine.disposed
    gc.disable()
    bootstrap.verify_federation("sqlite:///x.db")
    assert not gc.isenabled()  # a caller who had it off keeps it off


def test_the_collector_comes_back_when_verify_raises(
    monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    monkeypatch.setattr(bootstrap, "create_engine", lambda url: _Engine())

    def verify(e: object) -> Report:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bootstrap, "verify_database", verify)
    gc.enable()
    with pytest.raises(RuntimeError):
        bootstrap.verify_federation("sqlite:///x.db")
    assert gc.isenabled()
