"""The registry of counting methods: one name, one pure function, one documented rule set.

A method is ``count(profile, seats, *, seed) -> Count``. It must not read files, the clock or a
random source (lots come from ``seed``, see :mod:`councils.counting.lots`). Every registered
method is run by one contract test (tests/unit/test_method_contract.py): unanimity, one
candidate, no ballots, more seats than candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from councils.counting.profile import Profile
from councils.counting.result import Count
from councils.domain.errors import NotFound

__all__ = ["CountFunction", "Method", "Registry"]


class CountFunction(Protocol):
    def __call__(self, profile: Profile, seats: int, *, seed: int = 0) -> Count: ...


@dataclass(frozen=True)
class Method:
    """A counting method: its registry name, its function, and what a user needs to know.

    ``source`` names the legal text or publication it implements; ``equal_rankings`` says
    whether ballots may rank candidates equal.
    """

    name: str
    count: CountFunction
    summary: str
    source: str
    equal_rankings: bool = False


class Registry:
    """Methods by name. Refuses a name registered twice."""

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        self._methods: dict[str, Method] = {}
        for m in methods:
            self.add(m)

    def add(self, method: Method) -> None:
        if method.name in self._methods:
            raise ValueError(f"counting method {method.name!r} is registered twice")
        self._methods[method.name] = method

    def get(self, name: str) -> Method:
        try:
            return self._methods[name]
        except KeyError:
            known = ", ".join(sorted(self._methods))
            raise NotFound(
                "count.unknown_method",
                f"no counting method {name!r}; known methods: {known}",
                {"method": name},
            ) from None

    def names(self) -> list[str]:
        return sorted(self._methods)

    def __iter__(self) -> Iterator[Method]:
        return iter(sorted(self._methods.values(), key=lambda m: m.name))

    def __len__(self) -> int:
        return len(self._methods)
